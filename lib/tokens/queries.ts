import "server-only";
import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db";
import { apiTokens, type ApiToken } from "@/db/schema";
import { actorForUser } from "@/lib/users/queries";
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
  return getDb().select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt)).all().map(toTokenView);
}

/** The actor behind a bearer token, or null for unknown, revoked, or disabled-user tokens. */
export function actorForToken(token: string): Actor | null {
  const db = getDb();
  const row = db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row) return null;
  db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id)).run();
  return actorForUser(row.userId);
}
