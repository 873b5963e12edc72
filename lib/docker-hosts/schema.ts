import { z } from "zod";

import { vetDockerConnection } from "@/lib/docker/endpoint-policy";
import { versionSchema } from "@/lib/objects/versioned";
import { CLUSTER_LEVELS } from "@/lib/permissions";
import {
  descriptionSchema,
  dnsLabelNameSchema,
  grantListSchema,
  objectRefSchema,
  refuseRepeatedGroups,
} from "@/lib/validation";

/** A Docker host named by id or name, as in REST paths. */
export const dockerHostRefSchema = objectRefSchema;

/** A Docker host name: DNS-1123 label, so it can appear in URLs and container labels. */
export const dockerHostNameSchema = dnsLabelNameSchema;

const endpointSchema = z
  .string({ error: "Give the Docker API endpoint" })
  .trim()
  .min(1, { error: "Give the Docker API endpoint, as unix:///path/to/docker.sock or tcp://host:port", abort: true })
  .max(300, { error: "The endpoint must be at most 300 characters", abort: true });

const pemSchema = (what: string) =>
  z.string({ error: `Paste the ${what} (PEM text)` }).max(64 * 1024, `The ${what} must be at most 64 KiB`);

/** TLS material for a tcp:// endpoint, as PEM text (never file paths). */
export const dockerTlsSchema = z.strictObject({
  ca: pemSchema("CA certificate"),
  cert: pemSchema("client certificate"),
  key: pemSchema("client key"),
});

/** The allow-list's problems as field errors on `endpoint`, `tls` or `tls.ca`/`tls.cert`/`tls.key`. */
function checkConnection(
  value: { endpoint?: string; tls?: z.output<typeof dockerTlsSchema> | null },
  ctx: z.RefinementCtx,
) {
  if (value.endpoint === undefined) return;
  for (const problem of vetDockerConnection({ endpoint: value.endpoint, tls: value.tls ?? undefined })) {
    ctx.addIssue({ code: "custom", path: problem.field.split("."), message: problem.message });
  }
}

const createDockerHostFields = z.strictObject({
  name: dockerHostNameSchema,
  description: descriptionSchema.default(""),
  endpoint: endpointSchema,
  tls: dockerTlsSchema.nullish(),
});
export const createDockerHostSchema = createDockerHostFields.superRefine(checkConnection);
export type CreateDockerHostInput = z.output<typeof createDockerHostSchema>;

/** Fields left out keep their value. A new endpoint is vetted with the TLS given, or without TLS when none is. */
const updateDockerHostFields = z.strictObject({
  dockerHost: dockerHostRefSchema,
  /** The revision the editor read (DockerHostView.revision); a stale one gets a 409 conflict. */
  version: z.preprocess((value) => (value === "" ? undefined : value), versionSchema.optional()),
  name: dockerHostNameSchema.optional(),
  description: descriptionSchema.optional(),
  endpoint: endpointSchema.optional(),
  tls: dockerTlsSchema.nullish(),
});
export const updateDockerHostSchema = updateDockerHostFields.superRefine((value, ctx) => {
  if (value.tls && value.endpoint === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["endpoint"],
      message: "Give the endpoint again with new TLS material, so both are checked together",
    });
  }
  checkConnection(value, ctx);
});
export type UpdateDockerHostInput = z.output<typeof updateDockerHostSchema>;

export const deleteDockerHostSchema = z.strictObject({ dockerHost: dockerHostRefSchema });

export const dockerHostLevelSchema = z.enum(CLUSTER_LEVELS, { error: "Choose use, operate or manage" });

const setDockerHostGrantsFields = z.strictObject({
  dockerHost: dockerHostRefSchema,
  grants: grantListSchema(dockerHostLevelSchema),
  /** Every signed-in user may run containers on it ("use"), whatever their groups; absent: unchanged. */
  everyone: z.boolean({ error: "everyone must be true or false" }).optional(),
});
export const setDockerHostGrantsSchema = setDockerHostGrantsFields.superRefine(refuseRepeatedGroups);

/** A Docker host as pages and the API show it: never its TLS material. */
export const dockerHostViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  endpoint: z.string().describe("unix:///path or tcp://host:port"),
  /** Whether TLS material is stored (it is never returned). */
  tls: z
    .boolean()
    .describe("Whether a TLS client certificate is stored; the certificate, key and CA are never returned"),
  usableByAll: z.boolean(),
  /** The saved configuration's revision, sent back on edit to detect conflicts. */
  revision: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DockerHostView = z.infer<typeof dockerHostViewSchema>;

/** What the engine says about itself, read live (never stored). */
export const dockerHostStatusSchema = z.union([
  z.object({
    reachable: z.literal(true),
    engineVersion: z.string().describe("The engine's version (Docker, or podman's compat service)"),
    apiVersion: z.string(),
    os: z.string(),
    cpus: z.number(),
    memoryBytes: z.number(),
    containersRunning: z.number(),
    checkedAt: z.string(),
  }),
  z.object({
    reachable: z.literal(false),
    error: z.string().describe("Why the engine could not be read, in plain words"),
    checkedAt: z.string(),
  }),
]);
export type DockerHostStatus = z.infer<typeof dockerHostStatusSchema>;

export const dockerHostDetailSchema = dockerHostViewSchema.extend({
  status: dockerHostStatusSchema,
  grants: z.array(z.object({ group: z.string(), level: dockerHostLevelSchema })),
});
export type DockerHostDetail = z.infer<typeof dockerHostDetailSchema>;

export const dockerHostWithStatusSchema = dockerHostViewSchema.extend({ status: dockerHostStatusSchema });
export type DockerHostWithStatus = z.infer<typeof dockerHostWithStatusSchema>;

/** REST bodies without the refinements (zod cannot omit from refined objects), for the OpenAPI document. */
export const createDockerHostBodySchema = createDockerHostFields;
export const updateDockerHostBodySchema = updateDockerHostFields.omit({ dockerHost: true });
export const setDockerHostGrantsBodySchema = setDockerHostGrantsFields.omit({ dockerHost: true });
