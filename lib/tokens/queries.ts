import "server-only";

import { desc, eq } from "drizzle-orm";

import { getDb } from "@/db";
import { apiTokens, type ApiToken } from "@/db/schema";
import { recordRefusal } from "@/lib/audit/refusals";
import { actorForUser, findUser } from "@/lib/auth/actor";
import type { Actor } from "@/lib/permissions";

import type { TokenView } from "./schema";
import { hashToken } from "./token";

export function toTokenView(token: ApiToken): TokenView {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

export function listTokens(userId: number): TokenView[] {
  return getDb()
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt))
    .all()
    .map(toTokenView);
}

/** Where a bearer token was presented, for the audit row of a refused one. */
export interface TokenUse {
  method: string;
  path: string;
  address: string | null;
}

/**
 * The actor behind a bearer token, or null for unknown, revoked, or disabled-user tokens. A
 * refused token is audited (rate-limited) with the reason and, when it is a known token, which
 * one and whose; never any part of the presented value.
 */
export function actorForToken(token: string, use?: TokenUse): Actor | null {
  const db = getDb();
  const row = db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .get();
  const actor = row && !row.revokedAt ? actorForUser(row.userId) : null;
  if (row && actor) {
    db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id)).run();
    return actor;
  }
  recordRefusal({
    actor: null,
    source: "api",
    address: use?.address,
    entry: {
      action: "token.refused",
      objectType: "token",
      objectId: row?.id ?? null,
      objectName: row?.name ?? null,
      after: {
        reason: !row ? "unknown" : row.revokedAt ? "revoked" : "user disabled",
        ...(row ? { owner: findUser(row.userId)?.username ?? null } : {}),
        ...(use
          ? { method: use.method, path: use.path.slice(0, 200), ...(use.address ? { address: use.address } : {}) }
          : {}),
      },
    },
  });
  return null;
}
