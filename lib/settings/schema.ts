import { z } from "zod";

/** An execution config, Spark config or cluster named by name (or id); "" or null clears the setting. */
export const objectRefOrNullSchema = z.preprocess(
  (value) => (value === "" ? null : value),
  z
    .union([z.number().int().positive(), z.string().trim().min(1).max(253, "Names are at most 253 characters")], {
      error: "Give a name, or null to clear",
    })
    .nullable(),
);

export const SETTING_FIELDS = [
  "defaultExecutionConfig",
  "defaultVisualRecipeExecutionConfig",
  "defaultSparkConfig",
  "defaultCluster",
] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

const switchSchema = z.boolean({ error: "Must be true or false" });

export const updateSettingsSchema = z.strictObject({
  defaultExecutionConfig: objectRefOrNullSchema.optional(),
  defaultVisualRecipeExecutionConfig: objectRefOrNullSchema.optional(),
  defaultSparkConfig: objectRefOrNullSchema.optional(),
  defaultCluster: objectRefOrNullSchema.optional(),
  /** Lets kubeconfigs run exec credential plugins on the Berth server (docs/security.md). */
  allowKubeconfigExecPlugins: switchSchema.optional(),
  /** Lets kubeconfigs skip verifying the cluster's TLS certificate (docs/security.md). */
  allowInsecureKubeconfigTls: switchSchema.optional(),
});
export type UpdateSettingsInput = z.output<typeof updateSettingsSchema>;

/** The instance defaults by name (null when not set) and the kubeconfig switches. `errors` names defaults whose object was deleted. */
export const settingsViewSchema = z.object({
  defaultExecutionConfig: z.string().nullable(),
  defaultVisualRecipeExecutionConfig: z.string().nullable(),
  defaultSparkConfig: z.string().nullable(),
  defaultCluster: z.string().nullable(),
  allowKubeconfigExecPlugins: z.boolean(),
  allowInsecureKubeconfigTls: z.boolean(),
  errors: z.record(z.string(), z.string()).optional(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;
