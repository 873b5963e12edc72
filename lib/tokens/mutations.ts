import "server-only";

import { eq } from "drizzle-orm";

import { apiTokens } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { notFound } from "@/lib/actions/result";
import { can } from "@/lib/permissions";

import { createTokenSchema, revokeTokenSchema } from "./schema";
import { generateToken, hashToken, tokenDisplayPrefix } from "./token";

/** Creates a personal API token for the acting user; the token is returned this once only. */
export const createToken = defineMutation({
  name: "token.create",
  permission: "tokens.own",
  schema: createTokenSchema,
  run(input, ctx) {
    const token = generateToken();
    return ctx.write((tx) => {
      const row = tx
        .insert(apiTokens)
        .values({
          userId: ctx.actor.id,
          name: input.name,
          tokenHash: hashToken(token),
          prefix: tokenDisplayPrefix(token),
        })
        .returning()
        .get();
      return {
        result: { id: row.id, name: row.name, token },
        audit: {
          objectType: "token",
          objectId: row.id,
          objectName: row.name,
          after: { name: row.name, prefix: row.prefix, owner: ctx.actor.username },
        },
      };
    });
  },
});

/** Revokes one of the acting user's tokens (admins may revoke anyone's). */
export const revokeToken = defineMutation({
  name: "token.revoke",
  permission: "tokens.own",
  schema: revokeTokenSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = tx.select().from(apiTokens).where(eq(apiTokens.id, input.id)).get();
      const mayRevoke = row && (row.userId === ctx.actor.id || can(ctx.actor, "users.manage"));
      if (!row || !mayRevoke || row.revokedAt) throw notFound(`Active token ${input.id}`);
      const revokedAt = new Date();
      tx.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, row.id)).run();
      return {
        result: { id: row.id, revokedAt: revokedAt.toISOString() },
        audit: {
          objectType: "token",
          objectId: row.id,
          objectName: row.name,
          before: { prefix: row.prefix },
          after: { revokedAt: revokedAt.toISOString() },
        },
      };
    });
  },
});
