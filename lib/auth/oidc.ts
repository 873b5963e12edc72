import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Provider } from "next-auth/providers/index";
import { getDb } from "@/db";
import { groupMembers, groups, users, type User } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { env } from "@/lib/env";

export const OIDC_PROVIDER_ID = "oidc";

/** The OIDC provider when BERTH_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET are set. */
export function oidcProvider(): Provider | null {
  const settings = env();
  if (!settings.oidcEnabled) return null;
  return {
    id: OIDC_PROVIDER_ID,
    name: settings.BERTH_OIDC_NAME,
    type: "oauth",
    wellKnown: `${settings.BERTH_OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: settings.BERTH_OIDC_CLIENT_ID,
    clientSecret: settings.BERTH_OIDC_CLIENT_SECRET,
    authorization: { params: { scope: `openid profile email ${settings.BERTH_OIDC_GROUPS_CLAIM}` } },
    idToken: true,
    checks: ["pkce", "state"],
    profile(profile: Record<string, unknown>) {
      return { id: String(profile.sub), name: (profile.name as string) ?? null, email: (profile.email as string) ?? null };
    },
  };
}

/** Makes a provider's user or group name fit Berth's naming rules. */
export function normalizeName(value: string, maxLength: number): string {
  return value
    .toLowerCase()
    .replace(/@.*$/, "")
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, maxLength);
}

/** The group names in a claim value: an array of strings or one comma-separated string. */
export function groupsFromClaim(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  return [...new Set(raw.filter((item): item is string => typeof item === "string").map((item) => normalizeName(item.trim(), 63)).filter(Boolean))];
}

/** The Berth username for a provider profile: preferred_username, else the email's local part, else sub. */
export function oidcUsername(profile: Record<string, unknown>): string {
  return normalizeName(String(profile.preferred_username ?? profile.email ?? profile.sub), 64);
}

/**
 * Creates or updates the Berth user for an OIDC sign-in and makes their provider-sourced group
 * memberships match the groups claim. Local groups are left alone. Returns null for disabled users.
 */
export function syncOidcUser(profile: Record<string, unknown>): User | null {
  const settings = env();
  const username = oidcUsername(profile);
  const claimGroups = groupsFromClaim(profile[settings.BERTH_OIDC_GROUPS_CLAIM]);
  return getDb().transaction((tx) => {
    let user = tx.select().from(users).where(eq(users.username, username)).get();
    if (!user) {
      user = tx
        .insert(users)
        .values({ username, authSource: "oidc", displayName: (profile.name as string) ?? null, email: (profile.email as string) ?? null })
        .returning()
        .get();
      recordAudit(tx, null, "system", { action: "user.create", objectType: "user", objectId: user.id, objectName: username, after: { username, authSource: "oidc" } });
    }
    if (user.disabled) return null;

    for (const name of claimGroups) {
      if (!tx.select().from(groups).where(eq(groups.name, name)).get()) {
        tx.insert(groups).values({ name, source: "oidc", description: "From the identity provider" }).run();
      }
    }
    const providerGroups = tx.select().from(groups).where(eq(groups.source, "oidc")).all();
    const current = tx
      .select({ groupId: groupMembers.groupId })
      .from(groupMembers)
      .where(and(eq(groupMembers.userId, user.id), inArray(groupMembers.groupId, providerGroups.map((group) => group.id))))
      .all()
      .map((row) => row.groupId);
    const wanted = providerGroups.filter((group) => claimGroups.includes(group.name)).map((group) => group.id);
    for (const groupId of current.filter((id) => !wanted.includes(id))) {
      tx.delete(groupMembers).where(and(eq(groupMembers.userId, user.id), eq(groupMembers.groupId, groupId))).run();
    }
    for (const groupId of wanted.filter((id) => !current.includes(id))) {
      tx.insert(groupMembers).values({ userId: user.id, groupId }).run();
    }
    return user;
  });
}
