import type { User } from "@/db/schema";

import type { SignInThrottle, ThrottleKey } from "./throttle";

/**
 * Without a trusted proxy every client shares one address record (Berth cannot tell them apart),
 * so it allows more failures than one username's before it slows everyone down.
 */
const SHARED_ADDRESS_FREE_ATTEMPTS = 20;

export interface LocalSignInDeps {
  throttle: SignInThrottle;
  findUser(username: string): User | undefined;
  verifyPassword(password: string, hash: string): Promise<boolean>;
  /** A hash checked when there is no usable one, so unknown names cost the same time as known ones. */
  dummyHash(): Promise<string>;
  sleep(ms: number): Promise<void>;
  onFailure(username: string, address: string | null): void;
}

/** The throttle keys of an attempt: the username, and the client's address (or the shared record when unknown). */
export function signInKeys(username: string, address: string | null): ThrottleKey[] {
  return [
    { key: `user:${username}`, clearOnSuccess: true },
    address ? { key: `ip:${address}` } : { key: "ip:*", freeAttempts: SHARED_ADDRESS_FREE_ATTEMPTS },
  ];
}

/**
 * Checks a local username and password, slowed per username and per client address (attempts in
 * flight count). Every attempt verifies a password hash, a dummy one for unknown, disabled and
 * SSO-only users, so the time taken does not tell which usernames exist.
 */
export function localAuthorizer(deps: LocalSignInDeps) {
  return async (
    username: string,
    password: string,
    address: string | null,
  ): Promise<{ id: string; name: string } | null> => {
    const attempt = deps.throttle.begin(signInKeys(username, address));
    let valid = false;
    try {
      if (attempt.delayMs > 0) await deps.sleep(attempt.delayMs);
      const user = deps.findUser(username);
      const usable = user?.passwordHash && !user.disabled ? user : undefined;
      const matches = await deps.verifyPassword(password, usable?.passwordHash ?? (await deps.dummyHash()));
      valid = Boolean(usable && matches);
      if (!valid || !usable) {
        deps.onFailure(username, address);
        return null;
      }
      return { id: String(usable.id), name: usable.username };
    } finally {
      attempt.done(valid);
    }
  };
}
