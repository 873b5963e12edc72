import "server-only";
import { eq } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { recordStandaloneAudit } from "@/lib/audit/record";
import { env } from "@/lib/env";
import { findUser } from "@/lib/users/queries";
import { OIDC_PROVIDER_ID, oidcProvider, syncOidcUser } from "./oidc";
import { verifyPassword } from "./password";
import { sessionSecret } from "./secret";
import { SignInThrottle } from "./throttle";

const throttle = ((globalThis as { berthSignInThrottle?: SignInThrottle }).berthSignInThrottle ??= new SignInThrottle());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Checks a username and password; slows down repeated failures per username and per client. */
async function authorizeLocal(username: string, password: string, clientAddress: string) {
  const keys = [`user:${username}`, `ip:${clientAddress}`];
  const delay = throttle.delayMs(keys);
  if (delay) await sleep(delay);
  const user = findUser(username);
  const valid = Boolean(user?.passwordHash && !user.disabled && (await verifyPassword(password, user.passwordHash)));
  if (!valid || !user) {
    throttle.recordFailure(keys);
    recordStandaloneAudit(null, "ui", { action: "session.sign-in-failed", objectType: "session", objectName: username.slice(0, 64) });
    return null;
  }
  throttle.recordSuccess(keys);
  return { id: String(user.id), name: user.username };
}

/**
 * The Berth user behind next-auth's user object: credentials users carry the Berth id, OIDC users
 * the provider's subject as id and the Berth username as name (see oidcProvider's profile).
 */
function berthUserFor(user: { id: string; name?: string | null }, provider: string | undefined) {
  if (provider === OIDC_PROVIDER_ID) return user.name ? findUser(user.name) : undefined;
  return findUser(Number(user.id));
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
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Username and password",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        authorize(credentials, request) {
          const username = String(credentials?.username ?? "").trim().toLowerCase();
          const password = String(credentials?.password ?? "");
          if (!username || !password) return null;
          const forwarded = request?.headers?.["x-forwarded-for"];
          const clientAddress = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim() || "local";
          return authorizeLocal(username, password, clientAddress);
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    callbacks: {
      signIn({ account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        return Boolean(profile && syncOidcUser(profile as Record<string, unknown>));
      },
      jwt({ token, user, account }) {
        if (user) token.uid = berthUserFor(user, account?.provider)?.id;
        return token;
      },
      session({ session, token }) {
        return { ...session, userId: typeof token.uid === "number" ? token.uid : undefined };
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
