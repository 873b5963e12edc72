import { z } from "zod";

export const createTokenSchema = z.strictObject({
  name: z
    .string({ error: "Name is required" })
    .trim()
    .min(1, "Name is required")
    .max(100, "Name must be at most 100 characters"),
});

export const revokeTokenSchema = z.strictObject({ id: z.coerce.number().int().positive() });

export const tokenViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof tokenViewSchema>;

export const createdTokenSchema = z.object({ id: z.number(), name: z.string(), token: z.string() });
