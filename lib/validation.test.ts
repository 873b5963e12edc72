import { describe, expect, it } from "vitest";
import { z } from "zod";

import { fieldErrorsFrom, groupNameSchema, passwordSchema, usernameSchema, withSchemaErrors } from "./validation";

describe("fieldErrorsFrom", () => {
  it("reports every field, and unknown fields by name", () => {
    const schema = z.strictObject({ username: usernameSchema, password: passwordSchema });
    const result = schema.safeParse({ username: "", password: "short", isAdmin: true });
    expect(result.success).toBe(false);
    const errors = fieldErrorsFrom(result.error!);
    expect(Object.keys(errors).sort()).toEqual(["isAdmin", "password", "username"]);
    expect(errors.isAdmin).toEqual(["Unknown field"]);
  });

  it("names unknown fields called like Object.prototype's members", () => {
    const body = JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3, "name": "x"}');
    const result = z.strictObject({ name: z.string() }).safeParse(body);
    const errors = fieldErrorsFrom(result.error!);
    expect(JSON.parse(JSON.stringify(errors))).toEqual(
      JSON.parse('{"__proto__": ["Unknown field"], "constructor": ["Unknown field"], "toString": ["Unknown field"]}'),
    );
    // A plain object: a server action hands field errors to a client component, and React refuses others.
    expect(Object.getPrototypeOf(errors)).toBe(Object.prototype);
  });
});

describe("names and passwords", () => {
  it.each(["admin", "ada.lovelace", "a1", "x_y-z"])("accepts username %s", (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(true);
  });
  it.each(["", "Ada", "-ada", "ada-", "a b", "x".repeat(65), "x".repeat(10_000)])("refuses username %j", (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(false);
  });
  it("refuses long or odd group names", () => {
    expect(groupNameSchema.safeParse("data-science").success).toBe(true);
    expect(groupNameSchema.safeParse("g".repeat(10_000)).success).toBe(false);
    expect(groupNameSchema.safeParse("has space").success).toBe(false);
  });
  it("refuses weak passwords", () => {
    expect(passwordSchema.safeParse("password").success).toBe(false);
    expect(passwordSchema.safeParse("aaaaaaaaaaaa").success).toBe(false);
    expect(passwordSchema.safeParse("Berth-demo-2026").success).toBe(true);
  });
});

describe("createUserSchema", async () => {
  const { createUserSchema } = await import("./users/schema");
  it("reports missing fields without crashing, and never a password-vs-username error then", () => {
    const result = createUserSchema.safeParse({});
    expect(result.success).toBe(false);
    const errors = fieldErrorsFrom(result.error!);
    expect(errors.username).toEqual(["Username is required"]);
    expect(errors.password).toEqual(["Password is required"]);
  });
  it("refuses a password containing the username", () => {
    const result = createUserSchema.safeParse({ username: "ada", password: "Ada-is-great-1" });
    expect(fieldErrorsFrom(result.error!).password).toEqual(["Password must not contain the username"]);
  });
  it("defaults role and groups", () => {
    expect(createUserSchema.parse({ username: "bob", password: "Strong-pass-9" })).toMatchObject({
      role: "user",
      groups: [],
    });
  });
});

describe("withSchemaErrors", () => {
  it("adds the schema's errors of the fields the form reader did not refuse", () => {
    const schema = z.strictObject({
      name: usernameSchema,
      quota: z.record(z.string(), z.string()).nullable(),
      priority: z.number(),
    });
    const errors = withSchemaErrors({ quota: ["Line 2: write resource=quantity"] }, schema, {
      name: "Bad Name",
      quota: null,
      priority: "x",
    });
    expect(errors).toEqual({
      quota: ["Line 2: write resource=quantity"],
      name: [expect.stringMatching(/lowercase/)],
      priority: [expect.any(String)],
    });
  });
});
