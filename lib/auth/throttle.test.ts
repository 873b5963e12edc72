import { describe, expect, it } from "vitest";

import { SignInThrottle } from "./throttle";

describe("SignInThrottle", () => {
  const keys = [{ key: "user:alice", clearOnSuccess: true }, { key: "ip:127.0.0.1" }];
  const fail = (throttle: SignInThrottle, keyList = keys, now = 0) => throttle.begin(keyList, now).done(false, now);

  it("lets the first attempts through, then doubles the wait", () => {
    const throttle = new SignInThrottle();
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) fail(throttle, keys, now);
    expect(throttle.delayMs(keys, now)).toBe(1000);
    fail(throttle, keys, now);
    expect(throttle.delayMs(keys, now)).toBe(2000);
    for (let i = 0; i < 10; i++) fail(throttle, keys, now);
    expect(throttle.delayMs(keys, now)).toBe(30_000);
  });

  it("forgets failures after the window; a success clears the username's record, not the address's", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) fail(throttle);
    expect(throttle.delayMs(keys, 16 * 60 * 1000)).toBe(0);
    expect(throttle.delayMs(keys, 0)).toBeGreaterThan(0);
    throttle.begin(keys, 0).done(true, 0);
    expect(throttle.delayMs([keys[0]], 0)).toBe(0);
    // One valid account must not reset the address's count between guesses at others.
    expect(throttle.delayMs([keys[1]], 0)).toBeGreaterThan(0);
  });

  it("slows a key down for any username from the same address", () => {
    const throttle = new SignInThrottle();
    for (const user of ["a", "b", "c", "d"]) fail(throttle, [{ key: `user:${user}` }, { key: "ip:10.0.0.1" }]);
    expect(throttle.delayMs([{ key: "user:e" }, { key: "ip:10.0.0.1" }], 0)).toBe(2000);
    expect(throttle.delayMs([{ key: "user:e" }, { key: "ip:10.0.0.2" }], 0)).toBe(0);
  });

  it("counts attempts still in flight: parallel attempts are slowed before any has failed", () => {
    const throttle = new SignInThrottle();
    const delays = Array.from({ length: 6 }, () => throttle.begin(keys, 0).delayMs);
    expect(delays).toEqual([0, 0, 0, 1000, 2000, 4000]);
  });

  it("gives a key its own number of free attempts", () => {
    const throttle = new SignInThrottle();
    const shared = [{ key: "ip:*", freeAttempts: 10 }];
    for (let i = 0; i < 9; i++) fail(throttle, shared);
    expect(throttle.delayMs(shared, 0)).toBe(0);
    fail(throttle, shared);
    expect(throttle.delayMs(shared, 0)).toBe(1000);
  });
});
