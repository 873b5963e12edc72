import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestamps = {
  createdAt: integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
};

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull().unique(),
    displayName: text("display_name"),
    email: text("email"),
    /** scrypt hash in PHC-like form; null for users who only sign in through OIDC. */
    passwordHash: text("password_hash"),
    role: text("role", { enum: ["admin", "user"] })
      .notNull()
      .default("user"),
    authSource: text("auth_source", { enum: ["local", "oidc"] })
      .notNull()
      .default("local"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    lastSignInAt: integer("last_sign_in_at", { mode: "timestamp_ms" }),
    /**
     * The identity provider's account an OIDC user is bound to at first sign-in: later sign-ins
     * match on (issuer, subject) only, never on a name the provider lets people choose.
     */
    oidcIssuer: text("oidc_issuer"),
    oidcSubject: text("oidc_subject"),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_oidc_identity_idx").on(t.oidcIssuer, t.oidcSubject)],
);

export const groups = sqliteTable("groups", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** "oidc" groups are created from the provider's groups claim and synced at each sign-in. */
  source: text("source", { enum: ["local", "oidc"] })
    .notNull()
    .default("local"),
  ...timestamps,
});

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: integer("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamps.createdAt,
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);

export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  tokenHash: text("token_hash").notNull().unique(),
  /** The first characters, so a user can tell tokens apart. */
  prefix: text("prefix").notNull(),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  createdAt: timestamps.createdAt,
});

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    objectType: text("object_type").notNull(),
    objectId: text("object_id"),
    objectName: text("object_name"),
    source: text("source", { enum: ["ui", "api", "system"] }).notNull(),
    before: text("before", { mode: "json" }).$type<Record<string, unknown> | null>(),
    after: text("after", { mode: "json" }).$type<Record<string, unknown> | null>(),
  },
  (t) => [index("audit_events_at_idx").on(t.at), index("audit_events_object_idx").on(t.objectType, t.objectId)],
);

export type User = typeof users.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;

// ---- Clusters, configs, policies, projects ----
// Config bodies are JSON validated by each area's zod schema (lib/<area>/schema.ts); `version`
// increases on every save so a stale edit is refused instead of overwriting someone else's.

export const clusters = sqliteTable("clusters", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** AES-256-GCM ciphertext of the kubeconfig (lib/crypto/secret-box.ts); never leaves the server. */
  kubeconfigEncrypted: text("kubeconfig_encrypted").notNull(),
  context: text("context").notNull(),
  /** The API server URL, kept in clear for display. */
  server: text("server").notNull(),
  embedded: integer("embedded", { mode: "boolean" }).notNull().default(false),
  /**
   * The cluster Berth runs in, registered at start from the pod's ServiceAccount: the stored
   * kubeconfig holds the server and CA only, the token is read from the pod's file per request.
   */
  inCluster: integer("in_cluster", { mode: "boolean" }).notNull().default(false),
  /** Every signed-in user may run work on it (the "use" level), whatever their groups. */
  usableByAll: integer("usable_by_all", { mode: "boolean" }).notNull().default(false),
  prometheusUrl: text("prometheus_url"),
  /** The labels of dcgm-exporter's series that name a GPU's pod; null: "auto" (exported_* first, then plain). */
  gpuMetricLabels: text("gpu_metric_labels", { mode: "json" }).$type<{
    pod: string;
    namespace: string;
    container?: string;
  }>(),
  /** The namespaces its spark-operator acts in (helm spark.jobNamespaces); null: all, or not known. */
  sparkJobNamespaces: text("spark_job_namespaces", { mode: "json" }).$type<string[]>(),
  version: integer("version").notNull().default(1),
  reachable: integer("reachable", { mode: "boolean" }),
  kubernetesVersion: text("kubernetes_version"),
  lastCheckedAt: integer("last_checked_at", { mode: "timestamp_ms" }),
  unreachableSince: integer("unreachable_since", { mode: "timestamp_ms" }),
  lastError: text("last_error"),
  ...timestamps,
});

/** What a group may do with a cluster: use (run on it) < operate (edit, cleanup) < manage (permissions). */
export const clusterGrants = sqliteTable(
  "cluster_grants",
  {
    clusterId: integer("cluster_id")
      .notNull()
      .references(() => clusters.id, { onDelete: "cascade" }),
    groupId: integer("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    level: text("level", { enum: ["use", "operate", "manage"] }).notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.groupId] })],
);

/**
 * A Docker Engine API Berth runs containers on: a unix socket on Berth's host, or tcp:// with a
 * TLS client certificate (lib/docker/connection.ts has the allow-list).
 */
export const dockerHosts = sqliteTable("docker_hosts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** `unix:///path` or `tcp://host:port`, kept in clear for display. */
  endpoint: text("endpoint").notNull(),
  /** AES-256-GCM ciphertext of the TLS material as JSON {ca, cert, key} (lib/crypto/secret-box.ts); never leaves the server. */
  tlsEncrypted: text("tls_encrypted"),
  /** Every signed-in user may run work on it (the "use" level), whatever their groups. */
  usableByAll: integer("usable_by_all", { mode: "boolean" }).notNull().default(false),
  version: integer("version").notNull().default(1),
  ...timestamps,
});

/** What a group may do with a Docker host: use (run on it) < operate (edit) < manage (permissions, remove). */
export const dockerHostGrants = sqliteTable(
  "docker_host_grants",
  {
    dockerHostId: integer("docker_host_id")
      .notNull()
      .references(() => dockerHosts.id, { onDelete: "cascade" }),
    groupId: integer("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    level: text("level", { enum: ["use", "operate", "manage"] }).notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [primaryKey({ columns: [t.dockerHostId, t.groupId] })],
);

export type DockerHost = typeof dockerHosts.$inferSelect;

/** Who may use a config: everyone, or members of the listed groups (by name). */
export type UsableBy = "all" | { groups: string[] };

/** The columns of a config that groups may be allowed to use (execution and Spark configs alike). */
const usableConfigColumns = () => ({
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** null: the instance's default cluster. */
  clusterId: integer("cluster_id").references(() => clusters.id, { onDelete: "restrict" }),
  spec: text("spec", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
  usableBy: text("usable_by", { mode: "json" }).notNull().$type<UsableBy>(),
  version: integer("version").notNull().default(1),
  ...timestamps,
});

/** Where an execution config's containers run: pods on a cluster, or containers on a Docker host. */
export const CONTAINER_ENGINES = ["kubernetes", "docker"] as const;

export const executionConfigs = sqliteTable("execution_configs", {
  ...usableConfigColumns(),
  engine: text("engine", { enum: CONTAINER_ENGINES }).notNull().default("kubernetes"),
  /** The Docker host of a `docker` config (null for kubernetes configs). */
  dockerHostId: integer("docker_host_id").references(() => dockerHosts.id, { onDelete: "restrict" }),
});

export const sparkConfigs = sqliteTable("spark_configs", usableConfigColumns());

/** Pod Security Admission levels (`pod-security.kubernetes.io/enforce`), loosest first. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;

export const namespacePolicies = sqliteTable("namespace_policies", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** A regular expression matched against whole namespace names; the lowest priority number wins. */
  pattern: text("pattern").notNull(),
  priority: integer("priority").notNull().default(100),
  /** The Pod Security Admission level enforced in the namespaces the policy governs. */
  podSecurity: text("pod_security", { enum: POD_SECURITY_LEVELS }).notNull().default("baseline"),
  spec: text("spec", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
  version: integer("version").notNull().default(1),
  ...timestamps,
});

export const projects = sqliteTable("projects", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  ownerGroupId: integer("owner_group_id").references(() => groups.id, { onDelete: "set null" }),
  /** null: inherit the instance default. */
  executionConfigId: integer("execution_config_id").references(() => executionConfigs.id, { onDelete: "restrict" }),
  visualRecipeExecutionConfigId: integer("visual_recipe_execution_config_id").references(() => executionConfigs.id, {
    onDelete: "restrict",
  }),
  sparkConfigId: integer("spark_config_id").references(() => sparkConfigs.id, { onDelete: "restrict" }),
  clusterId: integer("cluster_id").references(() => clusters.id, { onDelete: "restrict" }),
  version: integer("version").notNull().default(1),
  ...timestamps,
});

/** Project roles are given to groups: admin (settings, overrides) > contributor > reader. */
export const projectMembers = sqliteTable(
  "project_members",
  {
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    groupId: integer("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["admin", "contributor", "reader"] }).notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [primaryKey({ columns: [t.projectId, t.groupId] })],
);

/** A recipe's, notebook's or ML task's own settings inside a project; null columns inherit. */
export const projectOverrides = sqliteTable(
  "project_overrides",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    objectId: text("object_id").notNull(),
    activityType: text("activity_type").notNull(),
    executionConfigId: integer("execution_config_id").references(() => executionConfigs.id, { onDelete: "restrict" }),
    sparkConfigId: integer("spark_config_id").references(() => sparkConfigs.id, { onDelete: "restrict" }),
    clusterId: integer("cluster_id").references(() => clusters.id, { onDelete: "restrict" }),
    ...timestamps,
  },
  (t) => [uniqueIndex("project_overrides_object_idx").on(t.projectId, t.objectId)],
);

/** Instance-wide settings, one JSON value per key (see lib/settings). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull().$type<unknown>(),
  updatedAt: timestamps.updatedAt,
});

export type Cluster = typeof clusters.$inferSelect;
export type ExecutionConfigRow = typeof executionConfigs.$inferSelect;
export type SparkConfigRow = typeof sparkConfigs.$inferSelect;
export type NamespacePolicyRow = typeof namespacePolicies.$inferSelect;
export type Project = typeof projects.$inferSelect;

// ---- Images ----
// Base images and code envs are versioned JSON specs (lib/images/schema.ts, lib/code-envs/schema.ts); every build of either
// is one image_builds row, whatever its outcome, so revisions and the build list share one table.

export const baseImages = sqliteTable("base_images", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** The cluster that builds it; null: the instance's default cluster, else the embedded one. */
  clusterId: integer("cluster_id").references(() => clusters.id, { onDelete: "restrict" }),
  spec: text("spec", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
  /** AES-256-GCM ciphertext of the registry's docker config JSON; never leaves the server. */
  registryCredentialsEncrypted: text("registry_credentials_encrypted"),
  /** The build whose image is this base image's current revision (no FK: builds reference images). */
  currentBuildId: integer("current_build_id"),
  version: integer("version").notNull().default(1),
  ...timestamps,
});

export const codeEnvs = sqliteTable("code_envs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  spec: text("spec", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
  version: integer("version").notNull().default(1),
  ...timestamps,
});

export const IMAGE_BUILD_KINDS = ["base-image", "code-env"] as const;
export const IMAGE_BUILD_STATUSES = ["queued", "running", "pushed", "failed", "cancelled"] as const;

export const imageBuilds = sqliteTable(
  "image_builds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: IMAGE_BUILD_KINDS }).notNull(),
    baseImageId: integer("base_image_id").references(() => baseImages.id, { onDelete: "set null" }),
    codeEnvId: integer("code_env_id").references(() => codeEnvs.id, { onDelete: "set null" }),
    clusterId: integer("cluster_id").references(() => clusters.id, { onDelete: "set null" }),
    /** The Docker host that builds it with its engine's build API (instead of a cluster). */
    dockerHostId: integer("docker_host_id").references(() => dockerHosts.id, { onDelete: "set null" }),
    status: text("status", { enum: IMAGE_BUILD_STATUSES }).notNull().default("queued"),
    inputsHash: text("inputs_hash").notNull(),
    dockerfile: text("dockerfile").notNull(),
    /** The destination reference pushed to. */
    image: text("image").notNull(),
    /** The FROM of a code-env build (its base image's reference). */
    baseRef: text("base_ref"),
    digest: text("digest"),
    reason: text("reason"),
    namespace: text("namespace"),
    jobName: text("job_name"),
    /** The executor that ran it, chosen when it starts (null: not started, or started before BuildKit was offered: Kaniko). */
    executor: text("executor", { enum: ["kaniko", "buildkit", "docker"] }),
    /** The last 64 KB of the build log, kept after the pod is gone. */
    logTail: text("log_tail"),
    startedBy: integer("started_by").references(() => users.id, { onDelete: "set null" }),
    queuedAt: integer("queued_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index("image_builds_status_idx").on(t.status, t.clusterId),
    index("image_builds_base_image_idx").on(t.baseImageId),
    index("image_builds_code_env_idx").on(t.codeEnvId),
  ],
);

export type BaseImageRow = typeof baseImages.$inferSelect;
export type CodeEnvRow = typeof codeEnvs.$inferSelect;
export type ImageBuildRow = typeof imageBuilds.$inferSelect;
export type ImageBuildKind = (typeof IMAGE_BUILD_KINDS)[number];
export type ImageBuildStatus = (typeof IMAGE_BUILD_STATUSES)[number];

// ---- Runs ----
// A run is one submitted activity: the request, what the resolver decided (kept as submitted), and
// what the cluster did with it. The record outlives its pods (retention), so status, events and the
// end of the log are copied here when the run finishes.

export const RUN_STATUSES = ["queued", "pending", "running", "succeeded", "failed", "aborted", "lost"] as const;
export const RUN_WORKLOADS = ["pod", "spark-application", "spark-driver", "docker-container"] as const;

/** One step of a run's phase timeline. */
export interface RunTransition {
  status: (typeof RUN_STATUSES)[number];
  at: string;
  reason?: string;
}

export const runs = sqliteTable(
  "runs",
  {
    /** Random, lower-case; also the `berth.dev/run` label of the run's pods (unique across installations). */
    id: text("id").primaryKey(),
    projectId: integer("project_id").references(() => projects.id, { onDelete: "set null" }),
    project: text("project").notNull(),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    username: text("username").notNull(),
    activity: text("activity").notNull(),
    /** What the run is called in lists: given, or defaulted from its object or its script. */
    name: text("name"),
    /** The recipe, notebook or ML task it runs (its per-object overrides applied); null: none named. */
    object: text("object"),
    clusterId: integer("cluster_id").references(() => clusters.id, { onDelete: "set null" }),
    cluster: text("cluster").notNull(),
    executionConfig: text("execution_config"),
    sparkConfig: text("spark_config"),
    codeEnv: text("code_env"),
    namespace: text("namespace").notNull(),
    workload: text("workload", { enum: RUN_WORKLOADS }).notNull(),
    /** What was asked: command, script, env, per-run choices. */
    request: text("request", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** The resolver's effective config with origins, as it was at submit. */
    resolution: text("resolution", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    warnings: text("warnings", { mode: "json" }).notNull().$type<string[]>().default([]),
    /** Whole nvidia.com/gpu requested by the run's pods (driver + executors for Spark). */
    gpus: integer("gpus").notNull().default(0),
    status: text("status", { enum: RUN_STATUSES }).notNull().default("queued"),
    /** Plain-words why: pending, failed or lost. */
    reason: text("reason"),
    exitCode: integer("exit_code"),
    pods: text("pods", { mode: "json" }).notNull().$type<string[]>().default([]),
    /** The Docker host of a `docker-container` run (its `cluster` and `namespace` are then empty). */
    dockerHostId: integer("docker_host_id").references(() => dockerHosts.id, { onDelete: "set null" }),
    dockerHost: text("docker_host"),
    /** Engine ids of a `docker-container` run's containers, as `pods` are for a pod run. */
    containers: text("containers", { mode: "json" }).notNull().$type<string[]>().default([]),
    timeline: text("timeline", { mode: "json" }).notNull().$type<RunTransition[]>().default([]),
    /** Events about the run's objects, kept when it finishes. */
    events: text("events", { mode: "json" }).$type<Record<string, unknown>[]>(),
    /** The last KBs of the log, kept when it finishes. */
    logTail: text("log_tail"),
    createdAt: timestamps.createdAt,
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    /** When the retention cleanup removed the run's cluster objects. */
    cleanedUpAt: integer("cleaned_up_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("runs_status_idx").on(t.status),
    index("runs_project_idx").on(t.projectId, t.createdAt),
    index("runs_user_idx").on(t.userId, t.createdAt),
    index("runs_cluster_idx").on(t.clusterId, t.status),
    index("runs_object_idx").on(t.projectId, t.object),
  ],
);

export type RunRow = typeof runs.$inferSelect;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunWorkload = (typeof RUN_WORKLOADS)[number];
