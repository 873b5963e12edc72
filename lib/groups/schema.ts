import { z } from "zod";

import { descriptionSchema, groupNameSchema, usernameSchema } from "@/lib/validation";

/** A group named by id or name, as in REST paths. */
export const groupRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(63)]);

export const createGroupSchema = z.strictObject({
  name: groupNameSchema,
  description: descriptionSchema.default(""),
});

export const updateGroupSchema = z.strictObject({ group: groupRefSchema, description: descriptionSchema });

export const deleteGroupSchema = z.strictObject({ group: groupRefSchema });

export const setGroupMembersSchema = z.strictObject({
  group: groupRefSchema,
  usernames: z.array(usernameSchema).max(10_000),
});

export const groupMemberSchema = z.strictObject({ group: groupRefSchema, username: usernameSchema });

export const groupViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  source: z.enum(["local", "oidc"]),
  members: z.array(z.string()),
  createdAt: z.string(),
});
export type GroupView = z.infer<typeof groupViewSchema>;
