import { z } from "zod";

import { ROLES } from "@/lib/permissions";
import { groupNameSchema, passwordSchema, usernameSchema } from "@/lib/validation";

/** A user named by id or username, as in REST paths. */
export const userRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);

/** "true"/"false" from a form, or a JSON boolean. */
const booleanish = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);

const displayNameSchema = z.string().trim().max(200, "Display name must be at most 200 characters");

// Refinements may run on partly invalid input: check the types before comparing.
function passwordNotUsername(value: { username?: unknown; password?: unknown }, ctx: z.RefinementCtx) {
  const { username, password } = value;
  if (typeof username !== "string" || typeof password !== "string") return;
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    ctx.addIssue({ code: "custom", path: ["password"], message: "Password must not contain the username" });
  }
}

export const createUserSchema = z
  .strictObject({
    username: usernameSchema,
    password: passwordSchema,
    role: z.enum(ROLES, { error: "Role must be admin or user" }).default("user"),
    displayName: displayNameSchema.optional(),
    groups: z.array(groupNameSchema).max(100).default([]),
  })
  .superRefine(passwordNotUsername);

export const updateUserSchema = z.strictObject({
  user: userRefSchema,
  role: z.enum(ROLES, { error: "Role must be admin or user" }).optional(),
  displayName: displayNameSchema.optional(),
  disabled: booleanish.optional(),
});

export const resetPasswordSchema = z.strictObject({ user: userRefSchema, password: passwordSchema });

export type CreateUserInput = z.input<typeof createUserSchema>;

/** What the API and pages show of a user; never the password hash. */
export const userViewSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(ROLES),
  authSource: z.enum(["local", "oidc"]),
  disabled: z.boolean(),
  groups: z.array(z.string()),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userViewSchema>;
