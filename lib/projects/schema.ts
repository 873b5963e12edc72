import { z } from "zod";

import { versionSchema } from "@/lib/objects/versioned";
import { PROJECT_ROLES } from "@/lib/permissions";
import { ACTIVITY_TYPES } from "@/lib/resolution/activities";
import { objectRefOrNullSchema } from "@/lib/settings/schema";
import { descriptionSchema, groupNameSchema } from "@/lib/validation";

/** A project key as in DSS: letters, digits and "_", starting with a letter ("churn", "CHURN_2"). Unique ignoring case. */
export const projectKeySchema = z
  .string({ error: "Key is required" })
  .trim()
  .min(1, { error: "Key is required", abort: true })
  .max(64, { error: "Key must be at most 64 characters", abort: true })
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, "Use letters, digits or '_', starting with a letter")
  // `/api/v1/projects/import` is the import endpoint, so no project may be addressed by that key.
  .refine((key) => key.toLowerCase() !== "import", '"import" is reserved; choose another key');

/** A project named by id or key, as in REST paths. */
export const projectRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)], {
  error: "Project is required",
});

const projectNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(200, "Name must be at most 200 characters");

const ownerGroupSchema = z.preprocess((value) => (value === "" ? null : value), groupNameSchema.nullable());

export const projectMemberSchema = z.strictObject({
  group: groupNameSchema,
  role: z.enum(PROJECT_ROLES, { error: `Role must be one of: ${PROJECT_ROLES.join(", ")}` }),
});
const membersSchema = z.array(projectMemberSchema).max(500, "At most 500 member groups");

/** The project's own settings; null (or "" from a form) inherits the instance default. */
const projectSettingsFields = {
  executionConfig: objectRefOrNullSchema.optional(),
  visualRecipeExecutionConfig: objectRefOrNullSchema.optional(),
  sparkConfig: objectRefOrNullSchema.optional(),
  cluster: objectRefOrNullSchema.optional(),
};

export const createProjectSchema = z.strictObject({
  key: projectKeySchema,
  name: projectNameSchema,
  description: descriptionSchema.default(""),
  ownerGroup: ownerGroupSchema.optional(),
  members: membersSchema.optional(),
  ...projectSettingsFields,
});
export type CreateProjectInput = z.output<typeof createProjectSchema>;

export const updateProjectSchema = z.strictObject({
  project: projectRefSchema,
  version: versionSchema.optional(),
  name: projectNameSchema.optional(),
  description: descriptionSchema.optional(),
  ownerGroup: ownerGroupSchema.optional(),
  members: membersSchema.optional(),
  ...projectSettingsFields,
});
export type ProjectChanges = Omit<z.output<typeof updateProjectSchema>, "project" | "version">;

export const projectRefInputSchema = z.strictObject({ project: projectRefSchema });

export const setProjectMembersSchema = z.strictObject({
  project: projectRefSchema,
  version: versionSchema.optional(),
  members: membersSchema,
});

/** Adds a group or changes its role. */
export const putProjectMemberSchema = z.strictObject({ project: projectRefSchema, ...projectMemberSchema.shape });
export const removeProjectMemberSchema = z.strictObject({ project: projectRefSchema, group: groupNameSchema });

/** The id of a recipe, notebook or ML task inside its project (as DSS names them). */
export const objectIdSchema = z
  .string({ error: "Object id is required" })
  .trim()
  .min(1, { error: "Object id is required", abort: true })
  .max(128, { error: "Object id must be at most 128 characters", abort: true })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, '.', '_' or '-', starting with a letter or digit");

export const activityTypeSchema = z.enum(ACTIVITY_TYPES, {
  error: `Activity type must be one of: ${ACTIVITY_TYPES.join(", ")}`,
});

export const putOverrideSchema = z.strictObject({
  project: projectRefSchema,
  objectId: objectIdSchema,
  activityType: activityTypeSchema,
  executionConfig: objectRefOrNullSchema.optional(),
  sparkConfig: objectRefOrNullSchema.optional(),
  cluster: objectRefOrNullSchema.optional(),
});

export const deleteOverrideSchema = z.strictObject({ project: projectRefSchema, objectId: objectIdSchema });

export const restoreProjectSchema = z.strictObject({
  project: projectRefSchema,
  auditEventId: z.coerce.number({ error: "Audit event must be a number" }).int().positive(),
  version: versionSchema.optional(),
});

export const importProjectSchema = z.strictObject({
  yaml: z
    .string({ error: "Paste a YAML document" })
    .min(1, "Paste a YAML document")
    .max(200_000, "At most 200 000 characters"),
});

/** A project as a YAML document's flat input: metadata.name is the key, spec.displayName the name. */
export const projectDocumentSchema = z.strictObject({
  name: projectKeySchema,
  description: descriptionSchema.default(""),
  displayName: projectNameSchema,
  ownerGroup: ownerGroupSchema.optional(),
  members: membersSchema.optional(),
  ...projectSettingsFields,
});

export const effectiveConfigQuerySchema = z.strictObject({
  activity: activityTypeSchema.optional(),
  object: objectIdSchema.optional(),
});

const memberViewSchema = z.object({ group: z.string(), role: z.enum(PROJECT_ROLES) });

export const projectViewSchema = z.object({
  id: z.number(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  ownerGroup: z.string().nullable(),
  executionConfig: z.string().nullable(),
  visualRecipeExecutionConfig: z.string().nullable(),
  sparkConfig: z.string().nullable(),
  cluster: z.string().nullable(),
  members: z.array(memberViewSchema),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectView = z.infer<typeof projectViewSchema>;

export const overrideViewSchema = z.object({
  objectId: z.string(),
  activityType: z.enum(ACTIVITY_TYPES),
  executionConfig: z.string().nullable(),
  sparkConfig: z.string().nullable(),
  cluster: z.string().nullable(),
  updatedAt: z.string(),
});
export type OverrideView = z.infer<typeof overrideViewSchema>;

const effectiveValueSchema = z.object({
  value: z.string().nullable(),
  origin: z.enum(["run", "object", "project", "instance"]).nullable(),
  via: z.enum(["executionConfig", "sparkConfig"]).optional(),
  unused: z.literal(true).optional(),
  error: z.string().optional(),
});

export const effectiveConfigViewSchema = z.object({
  project: z.string(),
  activity: z.enum(ACTIVITY_TYPES),
  object: z.string().optional(),
  executionConfig: effectiveValueSchema,
  sparkConfig: effectiveValueSchema,
  cluster: effectiveValueSchema,
  dockerHost: effectiveValueSchema
    .optional()
    .describe(
      "Present when the activity runs with a docker execution config: the config's Docker host (the cluster is then unused)",
    ),
  error: z.string().optional(),
});
