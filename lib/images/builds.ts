import "server-only";

import { randomBytes } from "node:crypto";
import { and, desc, eq, inArray, type SQL } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import {
  baseImages,
  clusters,
  codeEnvs,
  dockerHosts,
  IMAGE_BUILD_KINDS,
  IMAGE_BUILD_STATUSES,
  imageBuilds,
  settings,
  users,
  type Cluster,
  type ImageBuildKind,
  type ImageBuildRow,
  type ImageBuildStatus,
} from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { EMBEDDED_CLUSTER_NAME } from "@/lib/clusters/embedded";
import { BERTH_LABELS } from "@/lib/kube/labels";
import { getInstanceDefaults } from "@/lib/settings/queries";

import { sha256Hex } from "./sha256";

type Reader = ReturnType<typeof getDb> | Tx;

export { IMAGE_BUILD_KINDS, IMAGE_BUILD_STATUSES, type ImageBuildKind, type ImageBuildStatus };

/** The namespace every build Job runs in, on whichever cluster builds. */
export const BUILD_NAMESPACE = "berth-builds";
export const BUILD_LABEL = BERTH_LABELS.build;
/**
 * Upstream Kaniko (GoogleContainerTools/kaniko) was archived in June 2025: this last upstream
 * image still builds but gets no fixes; docs/image-builds.md names the alternatives.
 */
export const DEFAULT_KANIKO_IMAGE = "gcr.io/kaniko-project/executor:v1.23.2";
/** BuildKit's rootless image, run daemonless as moby/buildkit examples/kubernetes/job.rootless.yaml does. */
export const DEFAULT_BUILDKIT_IMAGE = "moby/buildkit:v0.23.2-rootless";
export const BUILD_EXECUTORS = ["kaniko", "buildkit"] as const;
export type BuildExecutor = (typeof BUILD_EXECUTORS)[number];

export interface BuildResources {
  requests: { cpu: string | null; memory: string | null };
  limits: { cpu: string | null; memory: string | null };
}

/**
 * A build unpacks a base image and runs package installs: half a core and 1 GiB are asked for so
 * the scheduler places it where that is free, memory is capped so a runaway build cannot starve
 * the node, and CPU is not (a CPU limit only throttles a build, it never protects a neighbour).
 */
export const DEFAULT_BUILD_RESOURCES: BuildResources = {
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { cpu: null, memory: "4Gi" },
};
/** Setting key → where it sits in BuildResources. */
export const BUILD_RESOURCE_SETTINGS = {
  buildCpuRequest: ["requests", "cpu"],
  buildMemoryRequest: ["requests", "memory"],
  buildCpuLimit: ["limits", "cpu"],
  buildMemoryLimit: ["limits", "memory"],
} as const satisfies Record<string, readonly ["requests" | "limits", "cpu" | "memory"]>;

export interface BuildSettingsView {
  maxConcurrentBuilds: number;
  kanikoImage: string;
  executor: BuildExecutor;
  buildkitImage: string;
  /** Where new build Jobs run. */
  namespace: string;
  resources: BuildResources;
}
export const DEFAULT_MAX_CONCURRENT_BUILDS = 2;
export const FINISHED_STATUSES: readonly ImageBuildStatus[] = ["pushed", "failed", "cancelled"];

export const isFinished = (status: ImageBuildStatus) => FINISHED_STATUSES.includes(status);

export interface QueueBuildInput {
  kind: ImageBuildKind;
  /**
   * The base image built, or (for a code-env build) the base image whose registry credentials the
   * push uses; its revisions list only base-image builds.
   */
  baseImageId?: number | null;
  codeEnvId?: number | null;
  /** The FROM of a code-env build. */
  baseRef?: string | null;
  dockerfile: string;
  /** The destination reference. */
  image: string;
  /** What "rebuild needed" compares; defaults to the hash of the Dockerfile and the destination. */
  inputsHash?: string;
  /** The cluster that builds it (see resolveBuildCluster); null when a Docker host builds it. */
  clusterId: number | null;
  /** The Docker host that builds it with its engine's build API, instead of a cluster. */
  dockerHostId?: number | null;
  startedBy: number | null;
}

/** Inserts a queued build; call ensureBuildRunner() after the transaction commits so it starts. */
export function queueBuild(tx: Tx, input: QueueBuildInput): ImageBuildRow {
  return tx
    .insert(imageBuilds)
    .values({
      kind: input.kind,
      baseImageId: input.baseImageId ?? null,
      codeEnvId: input.codeEnvId ?? null,
      baseRef: input.baseRef ?? null,
      dockerfile: input.dockerfile,
      image: input.image,
      inputsHash: input.inputsHash ?? sha256Hex(`${input.dockerfile}\n${input.image}`),
      clusterId: input.clusterId,
      dockerHostId: input.dockerHostId ?? null,
      startedBy: input.startedBy,
      status: "queued",
    })
    .returning()
    .get();
}

/**
 * The cluster that builds an image: the one chosen, else the instance's default cluster, else
 * the embedded one. A 422 (on the field `cluster`) when there is none.
 */
export function resolveBuildCluster(clusterId: number | null, db: Reader = getDb()): Cluster {
  const candidates = [clusterId, getInstanceDefaults(db).clusterId];
  for (const id of candidates) {
    if (id === null) continue;
    const row = db.select().from(clusters).where(eq(clusters.id, id)).get();
    if (row) return row;
  }
  const embedded = db.select().from(clusters).where(eq(clusters.name, EMBEDDED_CLUSTER_NAME)).get();
  if (embedded) return embedded;
  throw new DomainError(422, "No cluster can build this image: choose one, or set the instance's default cluster", {
    cluster: ["Choose the cluster that builds this image"],
  });
}

function numberSetting(key: string, db: Reader): number | null {
  const value = db.select().from(settings).where(eq(settings.key, key)).get()?.value;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;
}

/** At most this many builds run at once per cluster (setting `maxConcurrentBuilds`); the rest wait queued. */
export function maxConcurrentBuilds(db: Reader = getDb()): number {
  return numberSetting("maxConcurrentBuilds", db) ?? DEFAULT_MAX_CONCURRENT_BUILDS;
}

function stringSetting(key: string, db: Reader): string | null {
  const value = db.select().from(settings).where(eq(settings.key, key)).get()?.value;
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

/** The Kaniko executor image (setting `kanikoImage`). */
export function kanikoImage(db: Reader = getDb()): string {
  return stringSetting("kanikoImage", db) ?? DEFAULT_KANIKO_IMAGE;
}

/** The rootless BuildKit image (setting `buildkitImage`). */
export function buildkitImage(db: Reader = getDb()): string {
  return stringSetting("buildkitImage", db) ?? DEFAULT_BUILDKIT_IMAGE;
}

/** Which executor builds images (setting `buildExecutor`): Kaniko unless BuildKit is chosen. */
export function buildExecutor(db: Reader = getDb()): BuildExecutor {
  const value = stringSetting("buildExecutor", db);
  return (BUILD_EXECUTORS as readonly string[]).includes(value ?? "") ? (value as BuildExecutor) : "kaniko";
}

/** The namespace new build Jobs run in (setting `buildNamespace`); a started build keeps its own. */
export function buildNamespace(db: Reader = getDb()): string {
  return stringSetting("buildNamespace", db) ?? BUILD_NAMESPACE;
}

/** The builder container's requests and limits (settings `build{Cpu,Memory}{Request,Limit}`; null: none). */
export function buildResources(db: Reader = getDb()): BuildResources {
  const read = (key: keyof typeof BUILD_RESOURCE_SETTINGS) => {
    const row = db.select().from(settings).where(eq(settings.key, key)).get();
    // A stored null means "none", which differs from "not set" (the default).
    if (!row) return DEFAULT_BUILD_RESOURCES[BUILD_RESOURCE_SETTINGS[key][0]][BUILD_RESOURCE_SETTINGS[key][1]] ?? null;
    return typeof row.value === "string" && row.value.trim() ? row.value.trim() : null;
  };
  return {
    requests: { cpu: read("buildCpuRequest"), memory: read("buildMemoryRequest") },
    limits: { cpu: read("buildCpuLimit"), memory: read("buildMemoryLimit") },
  };
}

/** The build settings as pages and `GET /api/v1/image-builds/settings` show them. */
export function buildSettingsView(db: Reader = getDb()): BuildSettingsView {
  return {
    maxConcurrentBuilds: maxConcurrentBuilds(db),
    kanikoImage: kanikoImage(db),
    executor: buildExecutor(db),
    buildkitImage: buildkitImage(db),
    namespace: buildNamespace(db),
    resources: buildResources(db),
  };
}

/** A build as pages and the API show it. */
export interface BuildView {
  id: number;
  kind: ImageBuildKind;
  status: ImageBuildStatus;
  image: string;
  digest: string | null;
  reason: string | null;
  baseImage: string | null;
  codeEnv: string | null;
  baseRef: string | null;
  cluster: string | null;
  inputsHash: string;
  startedBy: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** From start (or queueing) to the end, or to now while it runs; null while queued. */
  durationMs: number | null;
  namespace: string | null;
  jobName: string | null;
  /** The executor that ran it ("docker": a Docker host's build API); null while queued. */
  executor: BuildExecutor | "docker" | null;
  /** The Docker host that builds it, when not a cluster. */
  dockerHost: string | null;
}

/** Build duration: start (else queueing) to finish, or to `now` while running; null before it starts. */
export function buildDurationMs(
  build: Pick<ImageBuildRow, "status" | "queuedAt" | "startedAt" | "finishedAt">,
  now: Date = new Date(),
): number | null {
  if (build.status === "queued" && !build.finishedAt) return null;
  const start = build.startedAt ?? build.queuedAt;
  const end = build.finishedAt ?? now;
  return Math.max(0, end.getTime() - start.getTime());
}

/** The view of a build row, with the names it refers to. Never includes the Dockerfile's secrets (it has none) or credentials. */
export function toBuildView(row: ImageBuildRow, db: Reader = getDb()): BuildView {
  const nameOf = <T extends { name: string }>(value: T | undefined) => value?.name ?? null;
  const baseImage =
    row.baseImageId === null
      ? undefined
      : db.select({ name: baseImages.name }).from(baseImages).where(eq(baseImages.id, row.baseImageId)).get();
  const codeEnv =
    row.codeEnvId === null
      ? undefined
      : db.select({ name: codeEnvs.name }).from(codeEnvs).where(eq(codeEnvs.id, row.codeEnvId)).get();
  const cluster =
    row.clusterId === null
      ? undefined
      : db.select({ name: clusters.name }).from(clusters).where(eq(clusters.id, row.clusterId)).get();
  const dockerHost =
    row.dockerHostId === null
      ? undefined
      : db.select({ name: dockerHosts.name }).from(dockerHosts).where(eq(dockerHosts.id, row.dockerHostId)).get();
  const user =
    row.startedBy === null
      ? undefined
      : db.select({ username: users.username }).from(users).where(eq(users.id, row.startedBy)).get();
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    image: row.image,
    digest: row.digest,
    reason: row.reason,
    baseImage: nameOf(baseImage),
    codeEnv: nameOf(codeEnv),
    baseRef: row.baseRef,
    cluster: nameOf(cluster),
    inputsHash: row.inputsHash,
    startedBy: user?.username ?? null,
    queuedAt: row.queuedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    durationMs: buildDurationMs(row),
    namespace: row.namespace,
    jobName: row.jobName,
    executor: row.executor ?? (row.jobName ? "kaniko" : null),
    dockerHost: nameOf(dockerHost),
  };
}

export function findBuild(id: number | string, db: Reader = getDb()): ImageBuildRow | undefined {
  const numeric = Number(id);
  if (!Number.isInteger(numeric) || numeric <= 0) return undefined;
  return db.select().from(imageBuilds).where(eq(imageBuilds.id, numeric)).get();
}

/** The build named in a path, or a 404. */
export function requireBuild(ref: string | number, db: Reader = getDb()): ImageBuildRow {
  const build = findBuild(ref, db);
  if (!build) throw new DomainError(404, `Build ${ref} not found`);
  return build;
}

export interface BuildFilters {
  status?: ImageBuildStatus;
  kind?: ImageBuildKind;
  /** A substring of the destination image reference. */
  image?: string;
  baseImageId?: number;
  codeEnvId?: number;
  limit?: number;
}

/** Parses list filters from a query string; unknown values are refused with field errors. */
export function parseBuildFilters(params: URLSearchParams): BuildFilters | { fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  const status = params.get("status") || undefined;
  const kind = params.get("kind") || undefined;
  if (status && !(IMAGE_BUILD_STATUSES as readonly string[]).includes(status))
    fieldErrors.status = [`status must be one of ${IMAGE_BUILD_STATUSES.join(", ")}`];
  if (kind && !(IMAGE_BUILD_KINDS as readonly string[]).includes(kind))
    fieldErrors.kind = [`kind must be one of ${IMAGE_BUILD_KINDS.join(", ")}`];
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  return {
    status: status as ImageBuildStatus | undefined,
    kind: kind as ImageBuildKind | undefined,
    image: params.get("image")?.trim() || undefined,
  };
}

/** Builds, newest first. */
export function listBuilds(filters: BuildFilters = {}, db: Reader = getDb()): ImageBuildRow[] {
  const conditions: SQL[] = [];
  if (filters.status) conditions.push(eq(imageBuilds.status, filters.status));
  if (filters.kind) conditions.push(eq(imageBuilds.kind, filters.kind));
  if (filters.baseImageId !== undefined) conditions.push(eq(imageBuilds.baseImageId, filters.baseImageId));
  if (filters.codeEnvId !== undefined) conditions.push(eq(imageBuilds.codeEnvId, filters.codeEnvId));
  const rows = db
    .select()
    .from(imageBuilds)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(imageBuilds.id))
    .limit(filters.limit ?? 500)
    .all();
  const needle = filters.image?.toLowerCase();
  return needle ? rows.filter((row) => row.image.toLowerCase().includes(needle)) : rows;
}

/** Builds not finished yet, oldest first (the runner's work list). */
export function unfinishedBuilds(db: Reader = getDb()): ImageBuildRow[] {
  return db
    .select()
    .from(imageBuilds)
    .where(inArray(imageBuilds.status, ["queued", "running"]))
    .orderBy(imageBuilds.id)
    .all();
}

/** Kubernetes object names of a build. */
export function buildObjectNames(job: string) {
  return { job, configMap: `${job}-context`, secret: `${job}-registry` };
}

/**
 * The Job name of a build, chosen when it starts: the id plus a random part, because another Berth
 * (or another test database) building on the same cluster counts its builds from 1 too.
 */
export function newBuildJobName(buildId: number): string {
  return `berth-build-${buildId}-${randomBytes(3).toString("hex")}`;
}
