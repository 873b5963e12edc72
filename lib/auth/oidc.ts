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
    userinfo: {
      // In the code flow a provider may put only `sub` in the ID token (OIDC Core 5.4): the
      // username and groups claims come from userinfo.
      async request({ client, tokens }) {
        if (!tokens.access_token || !tokens.id_token) throw new Error("The identity provider returned no access token or ID token");
        const idClaims = jwtPayload(tokens.id_token);
        const userinfo = await client.userinfo(tokens.access_token);
        // OIDC Core 5.3.2: userinfo must be about the ID token's subject.
        if (userinfo.sub !== idClaims.sub) throw new Error("The userinfo response is for another subject than the ID token");
        return { ...idClaims, ...userinfo };
      },
    },
    // `name` carries the Berth username, as the credentials provider's user does, so the signIn
    // event (which gets this object, not the raw claims) can find the Berth user.
    profile(profile: Record<string, unknown>) {
      return { id: String(profile.sub), name: oidcUsername(profile), email: typeof profile.email === "string" ? profile.email : null };
    },
  };
}

/** The claims of a JWT whose signature was already verified (next-auth verifies the ID token before userinfo runs). */
function jwtPayload(jwt: string): Record<string, unknown> {
  const payload: unknown = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new Error("The ID token has no claims object");
  return payload as Record<string, unknown>;
}

/** Makes a provider's user or group name fit Berth's naming rules (lowercase, [a-z0-9._-], alphanumeric ends). */
export function normalizeName(value: string, maxLength: number): string {
  const name = value
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, maxLength);
  // Trimmed after the cut too: cutting can leave a separator at the end.
  return name.replace(/[^a-z0-9]+$/, "");
}

/** The group names in a claim value: an array of strings or one comma-separated string. */
export function groupsFromClaim(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  return [...new Set(raw.filter((item): item is string => typeof item === "string").map((item) => normalizeName(item.trim(), 63)).filter(Boolean))];
}

/**
 * The Berth username for a provider profile: preferred_username, else the email, without any
 * "@domain" part; else sub. Empty when none of them has a usable character.
 */
export function oidcUsername(profile: Record<string, unknown>): string {
  for (const candidate of [profile.preferred_username, profile.email]) {
    const name = typeof candidate === "string" ? normalizeName(candidate.replace(/@.*$/, ""), 64) : "";
    if (name) return name;
  }
  return typeof profile.sub === "string" ? normalizeName(profile.sub, 64) : "";
}

function optionalClaim(profile: Record<string, unknown>, claim: string, maxLength: number): string | null {
  const value = profile[claim];
  return typeof value === "string" && value.trim() ? value.trim().slice(0, maxLength) : null;
}

/**
 * Creates or updates the Berth user for an OIDC sign-in and makes their provider-sourced group
 * memberships match the groups claim. Local groups are left alone. Returns null (sign-in refused)
 * for disabled users, for a name that belongs to a local user, and for a profile without a usable name.
 */
export function syncOidcUser(profile: Record<string, unknown>): User | null {
  const settings = env();
  const username = oidcUsername(profile);
  if (!username) return null;
  const claimGroups = groupsFromClaim(profile[settings.BERTH_OIDC_GROUPS_CLAIM]);
  const displayName = optionalClaim(profile, "name", 200);
  const email = optionalClaim(profile, "email", 320);
  return getDb().transaction((tx) => {
    const refuse = (reason: string) => {
      recordAudit(tx, null, "system", { action: "session.sign-in-failed", objectType: "session", objectName: username, after: { method: OIDC_PROVIDER_ID, reason } });
      return null;
    };
    let user = tx.select().from(users).where(eq(users.username, username)).get();
    if (!user) {
      user = tx.insert(users).values({ username, authSource: "oidc", displayName, email }).returning().get();
      recordAudit(tx, null, "system", { action: "user.create", objectType: "user", objectId: user.id, objectName: username, after: { username, authSource: "oidc" } });
    } else if (user.authSource !== "oidc") {
      // The provider does not own local accounts: a matching preferred_username must not sign in as them (e.g. as `admin`).
      return refuse("the name belongs to a local user");
    } else if (user.displayName !== displayName || user.email !== email) {
      user = tx.update(users).set({ displayName, email, updatedAt: new Date() }).where(eq(users.id, user.id)).returning().get();
    }
    if (user.disabled) return refuse("the user is disabled");

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
