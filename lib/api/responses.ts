import { z } from "zod";

import { IMAGE_BUILD_KINDS, IMAGE_BUILD_STATUSES } from "@/db/schema";
import type { Mutation } from "@/lib/actions/mutation";
import type { deleteCluster, deleteClusterPod, setClusterGrants } from "@/lib/clusters/mutations";
import type { ClusterPod } from "@/lib/clusters/workloads";
import type { deleteCodeEnv } from "@/lib/code-envs/mutations";
import type { UtilizationView } from "@/lib/dashboard/prometheus";
import type { ClusterFit, ExecutionConfigTestResult } from "@/lib/execution-configs/cluster-actions";
import type { deleteExecutionConfig } from "@/lib/execution-configs/mutations";
import type { deleteGroup } from "@/lib/groups/mutations";
import type { BuildSettingsView, BuildView } from "@/lib/images/builds";
import type { deleteBaseImage } from "@/lib/images/mutations";
import type { BaseImageView } from "@/lib/images/queries";
import { baseImageSchema } from "@/lib/images/schema";
import type { PodDescription } from "@/lib/kube/pods";
import type { deletePolicy } from "@/lib/namespace-policies/mutations";
import { CLUSTER_LEVELS } from "@/lib/permissions";
import type { deleteOverride, deleteProject } from "@/lib/projects/mutations";
import type { deleteSparkConfig } from "@/lib/spark-configs/mutations";
import type { revokeToken } from "@/lib/tokens/mutations";
import type { resetPassword } from "@/lib/users/mutations";

/**
 * The answers of routes that respond with a domain object built by hand (no view schema of its
 * own), as zod schemas for the OpenAPI document. Each is tied to the type the route answers with:
 * `documents<T>()(schema)` does not compile when the schema's output and T differ either way, so a
 * field added to or dropped from the answer cannot leave the document behind.
 */
type SameShape<Answer, Schema extends z.ZodType> = [Answer] extends [z.output<Schema>]
  ? [z.output<Schema>] extends [Answer]
    ? unknown
    : { "the answer has fields the schema leaves out": never }
  : { "the answer does not fit the schema": never };

function documents<Answer>() {
  return <S extends z.ZodType>(schema: S & SameShape<Answer, S>): S => schema;
}

type EachSameShape<Answers extends unknown[], Schema extends z.ZodType> = Answers extends [infer First, ...infer Rest]
  ? SameShape<First, Schema> & EachSameShape<Rest, Schema>
  : unknown;

/** `documents` for a schema several routes answer with. */
function documentsEach<Answers extends unknown[]>() {
  return <S extends z.ZodType>(schema: S & EachSameShape<Answers, S>): S => schema;
}

/** What a mutation answers with (respondWithMutation sends it as it is). */
type Answer<M> = M extends Pick<Mutation<z.ZodType, unknown>, "name"> & { run(input: never, ctx: never): infer T }
  ? Awaited<T>
  : never;

const nullableString = z.string().nullable();

/** What a deletion answers: the deleted object's id and name. */
export const deletedSchema = documentsEach<
  [
    Answer<typeof deleteGroup>,
    Answer<typeof deleteCluster>,
    Answer<typeof deleteSparkConfig>,
    Answer<typeof deletePolicy>,
    Answer<typeof deleteExecutionConfig>,
    Answer<typeof deleteCodeEnv>,
    Answer<typeof deleteBaseImage>,
  ]
>()(z.object({ id: z.number().int(), name: z.string() }));

export const deletedProjectSchema = documents<Answer<typeof deleteProject>>()(
  z.object({ id: z.number().int(), key: z.string() }),
);

export const deletedOverrideSchema = documents<Answer<typeof deleteOverride>>()(z.object({ objectId: z.string() }));

export const deletedPodSchema = documents<Answer<typeof deleteClusterPod>>()(
  z.object({ deleted: z.string().describe("The pod's name") }),
);

export const passwordResetSchema = documents<Answer<typeof resetPassword>>()(
  z.object({ id: z.number().int(), username: z.string() }),
);

export const revokedTokenSchema = documents<Answer<typeof revokeToken>>()(
  z.object({ id: z.number().int(), revokedAt: z.string() }),
);

export const buildViewSchema = documents<BuildView>()(
  z.object({
    id: z.number().int(),
    kind: z.enum(IMAGE_BUILD_KINDS),
    status: z.enum(IMAGE_BUILD_STATUSES),
    image: z.string(),
    digest: nullableString,
    reason: nullableString,
    baseImage: nullableString,
    codeEnv: nullableString,
    baseRef: nullableString,
    cluster: nullableString,
    inputsHash: z.string(),
    startedBy: nullableString,
    queuedAt: z.string(),
    startedAt: nullableString,
    finishedAt: nullableString,
    durationMs: z
      .number()
      .nullable()
      .describe("From start (or queueing) to the end, or to now while it runs; null while queued"),
    namespace: nullableString,
    jobName: nullableString,
    executor: z
      .enum(["kaniko", "buildkit", "docker"])
      .nullable()
      .describe("The executor that ran it (docker: a Docker host's build API); null while queued"),
    dockerHost: nullableString.describe("The Docker host that builds it, when not a cluster"),
  }),
);

const quantityPair = z.object({ cpu: nullableString, memory: nullableString });

export const buildSettingsViewSchema = documents<BuildSettingsView>()(
  z.object({
    maxConcurrentBuilds: z.number().int(),
    kanikoImage: z.string(),
    executor: z.enum(["kaniko", "buildkit"]),
    buildkitImage: z.string(),
    namespace: z.string().describe("Where new build Jobs run"),
    resources: z.object({ requests: quantityPair, limits: quantityPair }),
  }),
);

export const baseImageViewSchema = documents<BaseImageView>()(
  baseImageSchema.safeExtend({
    id: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    image: z.string().describe("The reference the next build pushes to"),
    inputsHash: z.string(),
    buildCluster: nullableString.describe(
      "The cluster that builds it now (chosen, else the default, else embedded); null when none can",
    ),
    registryCredentials: z.object({ configured: z.boolean(), usernames: z.array(z.string()) }),
    currentBuild: buildViewSchema.nullable(),
    latestBuild: buildViewSchema.nullable(),
    revisionState: z.enum(["never-built", "up-to-date", "rebuild-needed"]),
  }),
);

export const clusterGrantsSchema = documents<Answer<typeof setClusterGrants>>()(
  z.array(z.object({ group: z.string(), level: z.enum(CLUSTER_LEVELS) })),
);

const podSummaryShape = {
  namespace: z.string(),
  name: z.string(),
  phase: z.string(),
  reason: nullableString.describe(
    "The waiting/terminated reason of the first unhappy container, else the pod's reason",
  ),
  ready: z.string().describe("Ready containers of all, e.g. 1/2"),
  restarts: z.number().int(),
  node: nullableString,
  createdAt: nullableString,
};

export const clusterPodSchema = documents<ClusterPod>()(
  z.object({
    ...podSummaryShape,
    run: nullableString.describe("The Berth run the pod belongs to (its berth.dev/run label), or null"),
  }),
);

export const podDescriptionSchema = documents<PodDescription>()(
  z.object({
    ...podSummaryShape,
    podIP: nullableString,
    labels: z.record(z.string(), z.string()),
    conditions: z.array(
      z.object({ type: z.string(), status: z.string(), reason: nullableString, message: nullableString }),
    ),
    containers: z.array(
      z.object({
        name: z.string(),
        image: z.string(),
        ready: z.boolean(),
        restarts: z.number().int(),
        state: z.enum(["waiting", "running", "terminated", "unknown"]),
        reason: nullableString,
        message: nullableString,
        exitCode: z.number().int().nullable(),
        kind: z
          .enum(["init", "sidecar"])
          .optional()
          .describe("Set for init containers: sidecar for a native sidecar (restartPolicy Always), else init"),
      }),
    ),
    events: z.array(
      z.object({
        type: z.string(),
        reason: z.string(),
        message: z.string(),
        object: z.string(),
        count: z.number().int(),
        lastSeen: nullableString,
      }),
    ),
  }),
);

/** A Kubernetes object as the API server would take it (only its outline is described). */
const kubernetesObjectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  spec: z.record(z.string(), z.unknown()).optional(),
});

/** The execution preview's answer (lib/execution-configs/preview.ts ExecutionPreview; its V1Pod is a class, so this one is checked by tests). */
export const executionPreviewSchema = z.object({
  pod: kubernetesObjectSchema.describe("The Pod the run would be created as"),
  namespace: z.object({
    namespace: z.string(),
    disambiguated: z.string().optional().describe("Why the name carries a hash suffix, when it does"),
  }),
  codeEnv: z
    .object({ name: z.string(), image: z.string(), buildId: z.number().int(), stale: z.boolean() })
    .optional()
    .describe("The code env whose image the pod runs, when one was asked for"),
});

/** The preview of a docker config: the Engine API `ContainerCreate` body a run sends, and where. */
export const dockerExecutionPreviewSchema = z.object({
  engine: z.literal("docker"),
  dockerHost: z.string().nullable().describe("The Docker host the container is created on"),
  container: z
    .object({
      Image: z.string(),
      Cmd: z.array(z.string()),
      Env: z.array(z.string()).describe("K=V, sorted by name"),
      WorkingDir: z.string().optional(),
      Labels: z.record(z.string(), z.string()),
      HostConfig: z.object({
        NanoCpus: z.number().optional(),
        Memory: z.number().optional(),
        MemorySwap: z.number().optional(),
        DeviceRequests: z
          .array(z.object({ Driver: z.string(), Count: z.number(), Capabilities: z.array(z.array(z.string())) }))
          .optional(),
      }),
    })
    .describe("The exact Docker Engine API ContainerCreate body the run sends"),
  codeEnv: z
    .object({ name: z.string(), image: z.string(), buildId: z.number().int(), stale: z.boolean() })
    .optional()
    .describe("The code env whose image the container runs, when one was asked for"),
});

export const clusterFitsSchema = z.array(
  documents<ClusterFit>()(
    z.object({
      cluster: z.string(),
      fits: z.number().int(),
      reason: z.string(),
      namespace: z.string(),
      reachable: z.boolean(),
    }),
  ),
);

export const executionConfigTestSchema = documents<ExecutionConfigTestResult>()(
  z.object({
    outcome: z.enum(["succeeded", "failed", "unschedulable", "refused", "pull-failed", "timeout"]),
    reason: z.string(),
    namespace: z.string(),
    pod: z.string(),
    cluster: z.string(),
    steps: z.object({
      scheduled: z.boolean(),
      node: z.string().optional(),
      pulled: z.boolean(),
      ran: z.boolean(),
      exitCode: z.number().int().optional(),
    }),
    events: z.array(z.object({ type: z.string(), reason: z.string(), message: z.string() })),
  }),
);

const gpuPodShape = {
  namespace: z.string(),
  name: z.string(),
  run: nullableString,
  project: nullableString,
  user: nullableString,
  gpus: z.number().describe("Physical GPUs DCGM reports for the pod (a time-sliced GPU counts once)"),
  sharedGpus: z.number().describe("Of those, GPUs other pods share (time-slicing)"),
};

export const gpuUtilizationSchema = documents<UtilizationView>()(
  z.discriminatedUnion("status", [
    z.object({ status: z.literal("unconfigured"), configured: z.literal(false), hint: z.string() }),
    z.object({
      status: z.literal("unavailable"),
      configured: z.literal(true),
      available: z.literal(false),
      message: z.string(),
      error: z.string(),
    }),
    z.object({
      status: z.literal("ok"),
      configured: z.literal(true),
      available: z.literal(true),
      points: z.array(
        z.object({ time: z.string(), utilization: z.number().nullable(), memoryUsedGiB: z.number().nullable() }),
      ),
      gpusHeld: z.number(),
      pods: z.array(z.object({ ...gpuPodShape, utilization: z.number(), memoryUsedMiB: z.number() })),
      projects: z.array(z.object({ project: z.string(), gpus: z.number(), utilization: z.number() })),
      idle: z.array(z.object({ ...gpuPodShape, utilization: z.number() })),
      generatedAt: z.string(),
    }),
  ]),
);

/** The OpenAPI document itself, in outline. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
