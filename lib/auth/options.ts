import "server-only";

import { eq } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

import { getDb } from "@/db";
import { users } from "@/db/schema";
import { recordStandaloneAudit } from "@/lib/audit/record";
import { recordRefusal } from "@/lib/audit/refusals";
import { env } from "@/lib/env";

import { findUser } from "./actor";
import { trustedClientAddress } from "./client-address";
import { localAuthorizer } from "./credentials";
import { findOidcUser, identityFromAccountId, OIDC_PROVIDER_ID, oidcProvider, syncOidcUser } from "./oidc";
import { dummyPasswordHash, verifyPassword } from "./password";
import { safeCallbackPath } from "./redirect";
import { sessionSecret } from "./secret";
import { SignInThrottle } from "./throttle";

const authorizeLocal = localAuthorizer({
  throttle: ((globalThis as { berthSignInThrottle?: SignInThrottle }).berthSignInThrottle ??= new SignInThrottle()),
  findUser: (username) => findUser(username),
  verifyPassword,
  dummyHash: dummyPasswordHash,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  onFailure: (username, address) =>
    recordRefusal({
      actor: null,
      source: "ui",
      address,
      entry: {
        action: "session.sign-in-failed",
        objectType: "session",
        objectName: username.slice(0, 64),
        after: address ? { address } : null,
      },
    }),
});

/**
 * The Berth user behind next-auth's user object: credentials users carry the Berth id; OIDC users
 * the provider account (issuer, subject) they are bound to (see oidcProvider's profile).
 */
function berthUserFor(user: { id: string }, provider: string | undefined) {
  if (provider !== OIDC_PROVIDER_ID) return findUser(Number(user.id));
  const identity = identityFromAccountId(user.id);
  return identity ? findOidcUser(identity) : undefined;
}

let cachedOptions: NextAuthOptions | undefined;

/** next-auth settings: credentials and (when configured) OIDC, JWT sessions, our own pages. */
export function authOptions(): NextAuthOptions {
  if (cachedOptions) return cachedOptions;
  const maxAge = env().BERTH_SESSION_MAX_AGE;
  const oidc = oidcProvider();
  cachedOptions = {
    secret: sessionSecret(),
    session: { strategy: "jwt", maxAge },
    jwt: { maxAge },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    logger: {
      // Without NEXTAUTH_URL Berth follows the request's host (see signOutTarget); the warning would say otherwise.
      warn(code) {
        if (code !== "NEXTAUTH_URL") console.warn(`[next-auth][warn][${code}]`);
      },
    },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Username and password",
        credentials: {
          username: { label: "Username", type: "text" },
          password: { label: "Password", type: "password" },
        },
        authorize(credentials, request) {
          const username = String(credentials?.username ?? "")
            .trim()
            .toLowerCase();
          const password = String(credentials?.password ?? "");
          if (!username || !password) return null;
          return authorizeLocal(username, password, trustedClientAddress(request?.headers?.["x-forwarded-for"]));
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      signIn({ account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        if (!profile) return false;
        const synced = syncOidcUser(profile as Record<string, unknown>);
        // A name that belongs to someone else gets its own message: the person can do something about it.
        if (!synced.ok && synced.reason === "name-taken") return "/sign-in?error=NameTaken";
        return synced.ok;
      },
      jwt({ token, user, account }) {
        if (user) token.uid = berthUserFor(user, account?.provider)?.id;
        return token;
      },
      session({ session, token }) {
        return { ...session, userId: typeof token.uid === "number" ? token.uid : undefined };
      },
      // Where next-auth sends the browser after an SSO sign-in or a sign-out: the console only.
      redirect({ url, baseUrl }) {
        return `${baseUrl.replace(/\/$/, "")}${safeCallbackPath(url, [baseUrl])}`;
      },
    },
    events: {
      signIn({ user, account }) {
        const row = berthUserFor(user, account?.provider);
        if (!row) return;
        getDb().update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, row.id)).run();
        recordStandaloneAudit({ id: row.id, username: row.username, role: row.role, groups: [] }, "ui", {
          action: "session.sign-in",
          objectType: "session",
          objectName: row.username,
          after: { method: account?.provider ?? "credentials" },
        });
      },
      signOut({ token }) {
        const row = typeof token?.uid === "number" ? findUser(token.uid) : undefined;
        if (row) {
          recordStandaloneAudit({ id: row.id, username: row.username, role: row.role, groups: [] }, "ui", {
            action: "session.sign-out",
            objectType: "session",
            objectName: row.username,
          });
        }
      },
    },
  };
  return cachedOptions;
}
