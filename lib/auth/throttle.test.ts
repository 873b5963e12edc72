import { describe, expect, it } from "vitest";
import { SignInThrottle } from "./throttle";

describe("SignInThrottle", () => {
  const keys = ["user:alice", "ip:127.0.0.1"];

  it("lets the first attempts through, then doubles the wait", () => {
    const throttle = new SignInThrottle();
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) throttle.recordFailure(keys, now);
    expect(throttle.delayMs(keys, now)).toBe(1000);
    throttle.recordFailure(keys, now);
    expect(throttle.delayMs(keys, now)).toBe(2000);
    for (let i = 0; i < 10; i++) throttle.recordFailure(keys, now);
    expect(throttle.delayMs(keys, now)).toBe(30_000);
  });

  it("forgets failures after the window and on success", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) throttle.recordFailure(keys, 0);
    expect(throttle.delayMs(keys, 16 * 60 * 1000)).toBe(0);
    expect(throttle.delayMs(keys, 0)).toBeGreaterThan(0);
    throttle.recordSuccess(keys);
    expect(throttle.delayMs(keys, 0)).toBe(0);
  });

  it("slows a key down for any username from the same address", () => {
    const throttle = new SignInThrottle();
    for (const user of ["a", "b", "c", "d"]) throttle.recordFailure([`user:${user}`, "ip:10.0.0.1"], 0);
    expect(throttle.delayMs(["user:e", "ip:10.0.0.1"], 0)).toBe(2000);
    expect(throttle.delayMs(["user:e", "ip:10.0.0.2"], 0)).toBe(0);
  });
});
