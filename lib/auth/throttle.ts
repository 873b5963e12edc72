/**
 * Slows down repeated failed sign-ins. After a key's free attempts (a username or a client
 * address, FREE_ATTEMPTS unless the key says otherwise) within WINDOW_MS, each further attempt
 * waits 2^(n - free) seconds, capped at MAX_DELAY_MS. Attempts still being checked count as
 * failures, so parallel guesses are slowed like sequential ones. A success clears the username's
 * record only: one valid account must not reset an address's count between guesses at others.
 */
const FREE_ATTEMPTS = 3;
const WINDOW_MS = 15 * 60 * 1000;
const MAX_DELAY_MS = 30_000;

export interface ThrottleKey {
  key: string;
  freeAttempts?: number;
  /** Whether a success forgets this key's failures (true for a username, not for an address). */
  clearOnSuccess?: boolean;
}

interface KeyRecord {
  failures: number;
  inFlight: number;
  lastAt: number;
}

export interface SignInAttempt {
  /** How long to wait before checking the credentials. */
  delayMs: number;
  /** Ends the attempt: a failure is counted, a success clears the keys that allow it. */
  done(success: boolean, now?: number): void;
}

export class SignInThrottle {
  private records = new Map<string, KeyRecord>();

  /** The key's record unless it has expired: nothing in flight and no attempt within the window. */
  private live(key: string, now: number): KeyRecord | undefined {
    const record = this.records.get(key);
    return record && (record.inFlight > 0 || now - record.lastAt <= WINDOW_MS) ? record : undefined;
  }

  /** The wait an attempt with these keys would get now, counting failures and attempts in flight. */
  delayMs(keys: ThrottleKey[], now = Date.now()): number {
    let worst = 0;
    for (const { key, freeAttempts = FREE_ATTEMPTS } of keys) {
      const record = this.live(key, now);
      if (!record) continue;
      const excess = record.failures + record.inFlight - freeAttempts;
      if (excess >= 0) worst = Math.max(worst, Math.min(MAX_DELAY_MS, 1000 * 2 ** excess));
    }
    return worst;
  }

  /** Starts an attempt: its delay, and the attempt counted as in flight until `done`. */
  begin(keys: ThrottleKey[], now = Date.now()): SignInAttempt {
    const delayMs = this.delayMs(keys, now);
    for (const { key } of keys) {
      const record = this.live(key, now) ?? { failures: 0, inFlight: 0, lastAt: now };
      record.inFlight += 1;
      record.lastAt = now;
      this.records.set(key, record);
    }
    let ended = false;
    return {
      delayMs,
      done: (success, end = Date.now()) => {
        if (ended) return;
        ended = true;
        for (const { key, clearOnSuccess } of keys) {
          const record = this.records.get(key);
          if (!record) continue;
          record.inFlight = Math.max(0, record.inFlight - 1);
          record.lastAt = end;
          if (!success) record.failures += 1;
          else if (clearOnSuccess) record.failures = 0;
          if (record.failures === 0 && record.inFlight === 0) this.records.delete(key);
        }
        if (this.records.size > 10_000) this.forgetOlderThan(end - WINDOW_MS);
      },
    };
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [key, record] of this.records)
      if (record.inFlight === 0 && record.lastAt < cutoff) this.records.delete(key);
  }
}
