import { describe, expect, it } from "vitest";

import type { User } from "@/db/schema";

import { clientAddress } from "./client-address";
import { localAuthorizer, type LocalSignInDeps } from "./credentials";
import { hashPassword } from "./password";
import { SignInThrottle } from "./throttle";

const user = (fields: Partial<User>): User =>
  ({
    id: 1,
    username: "ana",
    passwordHash: null,
    disabled: false,
    authSource: "local",
    role: "user",
    ...fields,
  }) as User;

async function setup(users: User[]) {
  const verified: { password: string; hash: string }[] = [];
  const slept: number[] = [];
  const failures: string[] = [];
  const deps: LocalSignInDeps = {
    throttle: new SignInThrottle(),
    findUser: (name) => users.find((candidate) => candidate.username === name),
    verifyPassword: async (password, hash) => {
      verified.push({ password, hash });
      return password === "right" && !hash.startsWith("dummy");
    },
    dummyHash: async () => "dummy-hash",
    sleep: async (ms) => {
      slept.push(ms);
    },
    onFailure: (username) => failures.push(username),
  };
  return { authorize: localAuthorizer(deps), verified, slept, failures };
}

describe("local sign-in", () => {
  it("checks a password hash for unknown, disabled and SSO-only users too, so timing does not tell which names exist", async () => {
    const hash = await hashPassword("right");
    const { authorize, verified, failures } = await setup([
      user({ id: 1, username: "ana", passwordHash: hash }),
      user({ id: 2, username: "off", passwordHash: hash, disabled: true }),
      user({ id: 3, username: "sso", authSource: "oidc" }),
    ]);
    expect(await authorize("nobody", "right", null)).toBeNull();
    expect(await authorize("off", "right", null)).toBeNull();
    expect(await authorize("sso", "right", null)).toBeNull();
    expect(verified.map((call) => call.hash)).toEqual(["dummy-hash", "dummy-hash", "dummy-hash"]);
    expect(failures).toEqual(["nobody", "off", "sso"]);
    expect(await authorize("ana", "right", null)).toEqual({ id: "1", name: "ana" });
  });

  it("slows parallel attempts at one username before any of them has failed", async () => {
    const { authorize, slept } = await setup([user({ passwordHash: "h" })]);
    await Promise.all(Array.from({ length: 6 }, (_, i) => authorize("ana", `wrong-${i}`, "10.0.0.1")));
    expect(slept.filter((ms) => ms > 0).length).toBeGreaterThanOrEqual(3);
  });

  it("slows one address trying many usernames", async () => {
    const { authorize, slept } = await setup([]);
    for (const name of ["a", "b", "c", "d", "e"]) await authorize(name, "x", "10.0.0.9");
    expect(slept).toEqual([1000, 2000]);
  });
});

describe("clientAddress", () => {
  it("ignores X-Forwarded-For unless Berth is told to trust a proxy", () => {
    expect(clientAddress("203.0.113.7", 0)).toBeNull();
    expect(clientAddress("198.51.100.1, 203.0.113.7", 0)).toBeNull();
  });

  it("takes the entry the outermost trusted proxy added", () => {
    // The client sent a fake first entry; one proxy appended the address it saw.
    expect(clientAddress("1.2.3.4, 203.0.113.7", 1)).toBe("203.0.113.7");
    expect(clientAddress("1.2.3.4, 203.0.113.7, 10.0.0.2", 2)).toBe("203.0.113.7");
    expect(clientAddress(["203.0.113.7"], 1)).toBe("203.0.113.7");
  });

  it("is unknown when the header has fewer entries than trusted proxies", () => {
    expect(clientAddress("203.0.113.7", 2)).toBeNull();
    expect(clientAddress(undefined, 1)).toBeNull();
  });
});
