/**
 * Slows down repeated failed sign-ins. After FREE_ATTEMPTS failures for a key (a username or a
 * client address) within WINDOW_MS, each further attempt waits 2^(n - FREE_ATTEMPTS) seconds,
 * capped at MAX_DELAY_MS. A success clears the username's record.
 */
const FREE_ATTEMPTS = 3;
const WINDOW_MS = 15 * 60 * 1000;
const MAX_DELAY_MS = 30_000;

interface FailureRecord {
  count: number;
  lastAt: number;
}

export class SignInThrottle {
  private failures = new Map<string, FailureRecord>();

  /** How long to wait before checking credentials for these keys. */
  delayMs(keys: string[], now = Date.now()): number {
    let worst = 0;
    for (const key of keys) {
      const record = this.failures.get(key);
      if (!record || now - record.lastAt > WINDOW_MS) continue;
      const excess = record.count - FREE_ATTEMPTS;
      if (excess >= 0) worst = Math.max(worst, Math.min(MAX_DELAY_MS, 1000 * 2 ** excess));
    }
    return worst;
  }

  recordFailure(keys: string[], now = Date.now()): void {
    for (const key of keys) {
      const record = this.failures.get(key);
      const fresh = !record || now - record.lastAt > WINDOW_MS;
      this.failures.set(key, { count: fresh ? 1 : record.count + 1, lastAt: now });
    }
    if (this.failures.size > 10_000) this.forgetOlderThan(now - WINDOW_MS);
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [key, record] of this.failures) if (record.lastAt < cutoff) this.failures.delete(key);
  }
}
