import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
/** Characters of a run id: 36^10 ≈ 3.7e15 ids, enough for runs of several Berths sharing a cluster. */
export const RUN_ID_LENGTH = 10;
const RUN_ID = new RegExp(`^[a-z][0-9a-z]{${RUN_ID_LENGTH - 1}}$`);

/**
 * A new random run id: lower-case base36, starting with a letter so it is also a valid DNS label
 * start and never reads as a number (ids and names share REST paths elsewhere). It becomes the
 * `berth.dev/run` label of the run's pods.
 */
export function newRunId(): string {
  let id = "";
  while (id.length < RUN_ID_LENGTH) {
    for (const byte of randomBytes(RUN_ID_LENGTH * 2)) {
      // 252 = 7 × 36: bytes above it would make the first characters more likely.
      if (byte >= 252) continue;
      const char = ALPHABET[byte % 36];
      if (id.length === 0 && !/[a-z]/.test(char)) continue;
      id += char;
      if (id.length === RUN_ID_LENGTH) break;
    }
  }
  return id;
}

/** Whether text has the shape of a run id (before looking it up). */
export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}
