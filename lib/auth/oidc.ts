import "server-only";

import { and, eq, inArray } from "drizzle-orm";
import type { Provider } from "next-auth/providers/index";

import { getDb, type Db, type Tx } from "@/db";
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
        if (!tokens.access_token || !tokens.id_token)
          throw new Error("The identity provider returned no access token or ID token");
        const idClaims = jwtPayload(tokens.id_token);
        const userinfo = await client.userinfo(tokens.access_token);
        // OIDC Core 5.3.2: userinfo must be about the ID token's subject.
        if (userinfo.sub !== idClaims.sub)
          throw new Error("The userinfo response is for another subject than the ID token");
        // The account is bound by the ID token's (verified) issuer and subject: userinfo cannot change them.
        return { ...idClaims, ...userinfo, iss: idClaims.iss, sub: idClaims.sub };
      },
    },
    // The id carries the provider account (issuer, subject): the signIn event and the jwt callback
    // get this object, not the raw claims, and find the Berth user bound to that account.
    profile(profile: Record<string, unknown>) {
      const identity = oidcIdentity(profile);
      return {
        id: identity ? oidcAccountId(identity) : String(profile.sub),
        name: oidcUsername(profile),
        email: typeof profile.email === "string" ? profile.email : null,
      };
    },
  };
}

/** The claims of a JWT whose signature was already verified (next-auth verifies the ID token before userinfo runs). */
function jwtPayload(jwt: string): Record<string, unknown> {
  const payload: unknown = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
  if (!payload || typeof payload !== "object" || Array.isArray(payload))
    throw new Error("The ID token has no claims object");
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
  return [
    ...new Set(
      raw
        .filter((item): item is string => typeof item === "string")
        .map((item) => normalizeName(item.trim(), 63))
        .filter(Boolean),
    ),
  ];
}

/** True when the provider says it verified the email (a boolean, or the string "true" some providers send). */
export function emailVerified(profile: Record<string, unknown>): boolean {
  return profile.email_verified === true || profile.email_verified === "true";
}

/**
 * The Berth username for a provider profile's first sign-in: preferred_username, else the
 * verified email, without any "@domain" part; else sub. An unverified email is never used: anyone
 * may type any address at some providers. Empty when none of them has a usable character.
 */
export function oidcUsername(profile: Record<string, unknown>): string {
  for (const candidate of [profile.preferred_username, emailVerified(profile) ? profile.email : undefined]) {
    const name = typeof candidate === "string" ? normalizeName(candidate.replace(/@.*$/, ""), 64) : "";
    if (name) return name;
  }
  return typeof profile.sub === "string" ? normalizeName(profile.sub, 64) : "";
}

function optionalClaim(profile: Record<string, unknown>, claim: string, maxLength: number): string | null {
  const value = profile[claim];
  return typeof value === "string" && value.trim() ? value.trim().slice(0, maxLength) : null;
}

/** An account at an identity provider: what an SSO user is bound to. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
}

/** The identity provider's account behind a profile: its issuer and subject, as the ID token named them. */
export function oidcIdentity(profile: Record<string, unknown>): OidcIdentity | null {
  const { iss, sub } = profile;
  return typeof iss === "string" && iss && typeof sub === "string" && sub ? { issuer: iss, subject: sub } : null;
}

/** next-auth's id for a provider account: its issuer and subject together. */
export function oidcAccountId(identity: OidcIdentity): string {
  return JSON.stringify([identity.issuer, identity.subject]);
}

/** The provider account an id made by oidcAccountId names; null for anything else. */
export function identityFromAccountId(id: string): OidcIdentity | null {
  try {
    const value: unknown = JSON.parse(id);
    return Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string"
      ? { issuer: value[0], subject: value[1] }
      : null;
  } catch {
    return null;
  }
}

/** The Berth user bound to a provider account, if any. */
export function findOidcUser(identity: OidcIdentity, db: Tx | Db = getDb()): User | undefined {
  return db
    .select()
    .from(users)
    .where(and(eq(users.oidcIssuer, identity.issuer), eq(users.oidcSubject, identity.subject)))
    .get();
}

export type OidcRefusal = "no-identity" | "no-name" | "name-taken" | "disabled";
export type OidcSyncResult = { ok: true; user: User } | { ok: false; reason: OidcRefusal; username?: string };

const REFUSAL_TEXT: Record<OidcRefusal, string> = {
  "no-identity": "the provider's profile has no issuer or subject",
  "no-name": "the provider's profile gives no usable name",
  "name-taken": "the name belongs to another user",
  disabled: "the user is disabled",
};

/**
 * Creates or updates the Berth user for an OIDC sign-in and makes their provider-sourced group
 * memberships match the groups claim. Local groups are left alone.
 *
 * A provider account is bound to one Berth user at its first sign-in, by (issuer, subject); later
 * sign-ins find that user whatever name the provider sends. A first sign-in whose name already
 * belongs to someone else (a local user, or an SSO user bound to another subject) is refused: a
 * name chosen at the provider never grants another person's account. An SSO user created before
 * subjects were stored is bound when the verified email matches the one on record.
 */
export function syncOidcUser(profile: Record<string, unknown>): OidcSyncResult {
  const settings = env();
  const identity = oidcIdentity(profile);
  const username = oidcUsername(profile);
  const claimGroups = groupsFromClaim(profile[settings.BERTH_OIDC_GROUPS_CLAIM]);
  const displayName = optionalClaim(profile, "name", 200);
  const email = emailVerified(profile) ? optionalClaim(profile, "email", 320) : null;
  return getDb().transaction((tx): OidcSyncResult => {
    const refuse = (reason: OidcRefusal, name = username): OidcSyncResult => {
      recordAudit(tx, null, "system", {
        action: "session.sign-in-failed",
        objectType: "session",
        objectName: name || null,
        after: {
          method: OIDC_PROVIDER_ID,
          reason: REFUSAL_TEXT[reason],
          ...(identity ? { issuer: identity.issuer, subject: identity.subject } : {}),
        },
      });
      return { ok: false, reason, ...(name ? { username: name } : {}) };
    };
    if (!identity) return refuse("no-identity");

    let user = findOidcUser(identity, tx);
    if (!user) {
      if (!username) return refuse("no-name");
      const holder = tx.select().from(users).where(eq(users.username, username)).get();
      const legacyMatch =
        holder?.authSource === "oidc" &&
        !holder.oidcSubject &&
        email !== null &&
        holder.email?.toLowerCase() === email.toLowerCase();
      if (holder && !legacyMatch) return refuse("name-taken");
      if (holder) {
        user = tx
          .update(users)
          .set({ oidcIssuer: identity.issuer, oidcSubject: identity.subject, updatedAt: new Date() })
          .where(eq(users.id, holder.id))
          .returning()
          .get();
        recordAudit(tx, null, "system", {
          action: "user.oidc-bind",
          objectType: "user",
          objectId: user.id,
          objectName: username,
          after: { issuer: identity.issuer, subject: identity.subject },
        });
      } else {
        user = tx
          .insert(users)
          .values({
            username,
            authSource: "oidc",
            displayName,
            email,
            oidcIssuer: identity.issuer,
            oidcSubject: identity.subject,
          })
          .returning()
          .get();
        recordAudit(tx, null, "system", {
          action: "user.create",
          objectType: "user",
          objectId: user.id,
          objectName: username,
          after: { username, authSource: "oidc", issuer: identity.issuer, subject: identity.subject },
        });
      }
    }
    if (user.displayName !== displayName || user.email !== email) {
      user = tx
        .update(users)
        .set({ displayName, email, updatedAt: new Date() })
        .where(eq(users.id, user.id))
        .returning()
        .get();
    }
    if (user.disabled) return refuse("disabled", user.username);
    syncProviderGroups(tx, user, claimGroups);
    return { ok: true, user };
  });
}

/** Makes a user's memberships of provider-sourced groups match the claim; audits what changed. */
function syncProviderGroups(tx: Tx, user: User, claimGroups: string[]): void {
  for (const name of claimGroups) {
    if (!tx.select().from(groups).where(eq(groups.name, name)).get()) {
      const created = tx
        .insert(groups)
        .values({ name, source: "oidc", description: "From the identity provider" })
        .returning()
        .get();
      recordAudit(tx, null, "system", {
        action: "group.create",
        objectType: "group",
        objectId: created.id,
        objectName: name,
        after: { name, source: "oidc" },
      });
    }
  }
  const providerGroups = tx.select().from(groups).where(eq(groups.source, "oidc")).all();
  const current = tx
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(
      and(
        eq(groupMembers.userId, user.id),
        inArray(
          groupMembers.groupId,
          providerGroups.map((group) => group.id),
        ),
      ),
    )
    .all()
    .map((row) => row.groupId);
  const wanted = providerGroups.filter((group) => claimGroups.includes(group.name)).map((group) => group.id);
  const removed = current.filter((id) => !wanted.includes(id));
  const added = wanted.filter((id) => !current.includes(id));
  for (const groupId of removed) {
    tx.delete(groupMembers)
      .where(and(eq(groupMembers.userId, user.id), eq(groupMembers.groupId, groupId)))
      .run();
  }
  for (const groupId of added) {
    tx.insert(groupMembers).values({ userId: user.id, groupId }).run();
  }
  if (added.length === 0 && removed.length === 0) return;
  const names = (ids: number[]) =>
    providerGroups
      .filter((group) => ids.includes(group.id))
      .map((group) => group.name)
      .sort();
  recordAudit(tx, null, "system", {
    action: "user.groups-sync",
    objectType: "user",
    objectId: user.id,
    objectName: user.username,
    after: { added: names(added), removed: names(removed) },
  });
}
