/**
 * GPU utilization from a cluster's Prometheus (dcgm-exporter's DCGM_FI_DEV_GPU_UTIL and
 * DCGM_FI_DEV_FB_USED), through the Prometheus HTTP API. Numbers come from Prometheus or are not
 * shown: without a URL the answer says where to set one, and an unreachable Prometheus is reported
 * as unavailable, never replaced by estimates.
 */

import { NOT_FROM_BERTH } from "./aggregate";

/** A pod as the dashboard's aggregator knows it, to name the project and user behind a GPU. */
export interface KnownPod {
  namespace: string;
  name: string;
  run: string | null;
  project: string | null;
  user: string | null;
  gpus: number;
  /** Epoch ms the pod started. */
  startedAt: number | null;
}

export const UTIL_METRIC = "DCGM_FI_DEV_GPU_UTIL";
export const MEMORY_METRIC = "DCGM_FI_DEV_FB_USED";
/** Below this utilization (percent) for the whole idle window, a pod holding GPUs is flagged idle. */
export const IDLE_UTILIZATION_PERCENT = 5;
export const IDLE_WINDOW_SECONDS = 30 * 60;
const REQUEST_TIMEOUT_MS = 3_000;
const CHART_MINUTES = 60;
const CHART_STEP_SECONDS = 60;

/** A pod holding GPUs as DCGM reports it, joined to Berth's labels. */
interface GpuPod {
  namespace: string;
  name: string;
  run: string | null;
  project: string | null;
  user: string | null;
  /** GPUs reported by DCGM for the pod. */
  gpus: number;
}

export interface PodUtilization extends GpuPod {
  /** Average over the pod's GPUs now, in percent. */
  utilization: number;
  memoryUsedMiB: number;
}

export interface IdleGpuPod extends GpuPod {
  /** Average utilization over the idle window, in percent. */
  utilization: number;
}

/** GPUs of a project's pods (as DCGM reports them) and their average utilization now. */
export interface ProjectUtilization {
  project: string;
  gpus: number;
  utilization: number;
}

export interface UtilizationPoint {
  time: string;
  /** Average utilization of the GPUs held by pods, percent; null where Prometheus has no sample. */
  utilization: number | null;
  memoryUsedGiB: number | null;
}

export type UtilizationView =
  | { status: "unconfigured"; configured: false; hint: string }
  | { status: "unavailable"; configured: true; available: false; message: string; error: string }
  | {
      status: "ok";
      configured: true;
      available: true;
      points: UtilizationPoint[];
      pods: PodUtilization[];
      projects: ProjectUtilization[];
      idle: IdleGpuPod[];
      generatedAt: string;
    };

/** A Prometheus failure in plain words. */
export class PrometheusError extends Error {
  name = "PrometheusError";
}

interface Sample {
  metric: Record<string, string>;
  value: number;
}

interface Series {
  metric: Record<string, string>;
  values: [number, number][];
}

/** The URL of a Prometheus API path, keeping a base path (`https://host/prometheus`). */
export function prometheusApiUrl(baseUrl: string, apiPath: string, params: Record<string, string>): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${apiPath}`;
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

interface ApiBody {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

const number = (text: unknown): number => (typeof text === "string" || typeof text === "number" ? Number(text) : Number.NaN);

/** Samples of an instant vector response (NaN samples dropped). */
export function parseVector(body: ApiBody): Sample[] {
  if (body.status !== "success") throw new PrometheusError(`Prometheus refused the query: ${body.error ?? body.errorType ?? "unknown error"}`);
  if (body.data?.resultType !== "vector" || !Array.isArray(body.data.result)) throw new PrometheusError("Prometheus answered with something other than an instant vector");
  return (body.data.result as { metric?: Record<string, string>; value?: [number, string] }[])
    .map((entry) => ({ metric: entry.metric ?? {}, value: number(entry.value?.[1]) }))
    .filter((sample) => Number.isFinite(sample.value));
}

/** Series of a range (matrix) response. */
export function parseMatrix(body: ApiBody): Series[] {
  if (body.status !== "success") throw new PrometheusError(`Prometheus refused the query: ${body.error ?? body.errorType ?? "unknown error"}`);
  if (body.data?.resultType !== "matrix" || !Array.isArray(body.data.result)) throw new PrometheusError("Prometheus answered with something other than a range matrix");
  return (body.data.result as { metric?: Record<string, string>; values?: [number, string][] }[]).map((entry) => ({
    metric: entry.metric ?? {},
    values: (entry.values ?? []).map(([time, value]) => [Number(time), number(value)] as [number, number]).filter(([, value]) => Number.isFinite(value)),
  }));
}

async function getJson(url: string, timeoutMs: number): Promise<ApiBody> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if ((error as Error).name === "TimeoutError") throw new PrometheusError(`Prometheus did not answer within ${timeoutMs / 1000} s`);
    throw new PrometheusError(`Prometheus could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  let body: ApiBody;
  try {
    body = (await response.json()) as ApiBody;
  } catch {
    throw new PrometheusError(`Prometheus answered ${response.status} without a JSON body: is the URL the Prometheus server's?`);
  }
  if (!response.ok && body.status !== "error") throw new PrometheusError(`Prometheus answered ${response.status}`);
  return body;
}

/** `GET /api/v1/query`: an instant vector. */
export async function queryInstant(baseUrl: string, query: string, options: { time?: Date; timeoutMs?: number } = {}): Promise<Sample[]> {
  const params: Record<string, string> = { query };
  if (options.time) params.time = String(options.time.getTime() / 1000);
  return parseVector(await getJson(prometheusApiUrl(baseUrl, "/api/v1/query", params), options.timeoutMs ?? REQUEST_TIMEOUT_MS));
}

/** `GET /api/v1/query_range`: series between start and end every stepSeconds. */
export async function queryRange(baseUrl: string, query: string, range: { start: Date; end: Date; stepSeconds: number }, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Series[]> {
  const params = { query, start: String(range.start.getTime() / 1000), end: String(range.end.getTime() / 1000), step: String(range.stepSeconds) };
  return parseMatrix(await getJson(prometheusApiUrl(baseUrl, "/api/v1/query_range", params), timeoutMs));
}

/**
 * The queries behind the view. dcgm-exporter labels a GPU held by a pod with `namespace` and `pod`
 * (`exported_*` when a scrape config renamed them); unassigned GPUs have neither.
 */
export function utilizationQueries(idleWindowSeconds = IDLE_WINDOW_SECONDS) {
  const held = `pod!=""`;
  return {
    chartUtilization: `avg(${UTIL_METRIC}{${held}})`,
    chartMemoryGiB: `sum(${MEMORY_METRIC}{${held}}) / 1024`,
    utilizationNow: UTIL_METRIC,
    memoryNow: MEMORY_METRIC,
    idleMax: `max_over_time(${UTIL_METRIC}[${idleWindowSeconds}s])`,
    idleAverage: `avg_over_time(${UTIL_METRIC}[${idleWindowSeconds}s])`,
  };
}

const podOf = (metric: Record<string, string>) => {
  const namespace = metric.namespace || metric.exported_namespace;
  const pod = metric.pod || metric.exported_pod;
  return namespace && pod ? { namespace, pod } : null;
};

interface PerPod {
  namespace: string;
  name: string;
  values: number[];
}

/** Samples grouped by the pod that holds each GPU (GPUs held by no pod are left out). */
export function groupByPod(samples: Sample[]): Map<string, PerPod> {
  const byPod = new Map<string, PerPod>();
  for (const sample of samples) {
    const owner = podOf(sample.metric);
    if (!owner) continue;
    const key = `${owner.namespace}/${owner.pod}`;
    let entry = byPod.get(key);
    if (!entry) byPod.set(key, (entry = { namespace: owner.namespace, name: owner.pod, values: [] }));
    entry.values.push(sample.value);
  }
  return byPod;
}

const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const round1 = (value: number) => Math.round(value * 10) / 10;

/** The chart's points: one per step from the start (Prometheus answers at start + k × step), null where a series has no sample. */
export function chartPoints(utilization: Series[], memory: Series[], range: { start: Date; end: Date; stepSeconds: number }): UtilizationPoint[] {
  // Timestamps compared in whole milliseconds: Prometheus keeps millisecond precision.
  const byMs = (series: Series[]) => new Map((series[0]?.values ?? []).map(([time, value]) => [Math.round(time * 1000), value]));
  const util = byMs(utilization);
  const used = byMs(memory);
  const points: UtilizationPoint[] = [];
  for (let time = range.start.getTime(); time <= range.end.getTime(); time += range.stepSeconds * 1000) {
    const utilValue = util.get(time);
    const usedValue = used.get(time);
    points.push({
      time: new Date(time).toISOString(),
      utilization: utilValue === undefined ? null : round1(utilValue),
      memoryUsedGiB: usedValue === undefined ? null : round1(usedValue),
    });
  }
  return points;
}

interface UtilizationSamples {
  utilizationNow: Sample[];
  memoryNow: Sample[];
  idleMax: Sample[];
  idleAverage: Sample[];
}

/** Per-project GPUs and average utilization, weighting each pod by its GPUs (pods of no project: NOT_FROM_BERTH). */
export function projectFigures(pods: PodUtilization[], unlabelled: string): ProjectUtilization[] {
  const totals = new Map<string, { gpus: number; sum: number }>();
  for (const pod of pods) {
    const key = pod.project ?? unlabelled;
    const total = totals.get(key) ?? { gpus: 0, sum: 0 };
    total.gpus += pod.gpus;
    total.sum += pod.utilization * pod.gpus;
    totals.set(key, total);
  }
  return [...totals].map(([project, total]) => ({ project, gpus: total.gpus, utilization: round1(total.sum / Math.max(1, total.gpus)) })).sort((a, b) => a.project.localeCompare(b.project));
}

/** Per-pod utilization now and the idle GPU holders, joined to the pods the aggregator knows. */
export function podFigures(samples: UtilizationSamples, known: (namespace: string, name: string) => KnownPod | undefined, now: number, idleWindowSeconds = IDLE_WINDOW_SECONDS): { pods: PodUtilization[]; idle: IdleGpuPod[] } {
  const utilization = groupByPod(samples.utilizationNow);
  const memory = groupByPod(samples.memoryNow);
  const describe = (namespace: string, name: string) => {
    const pod = known(namespace, name);
    return { namespace, name, run: pod?.run ?? null, project: pod?.project ?? null, user: pod?.user ?? null };
  };
  const pods = [...utilization.values()].map((entry) => ({
    ...describe(entry.namespace, entry.name),
    gpus: entry.values.length,
    utilization: round1(average(entry.values)),
    memoryUsedMiB: Math.round((memory.get(`${entry.namespace}/${entry.name}`)?.values ?? []).reduce((sum, value) => sum + value, 0)),
  }));
  pods.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));

  const averages = groupByPod(samples.idleAverage);
  const idle: IdleGpuPod[] = [];
  for (const [key, entry] of groupByPod(samples.idleMax)) {
    // Idle means every GPU of the pod stayed low the whole window, and the pod (still) holds them
    // and has existed that long: a pod that just started is not idle yet.
    if (!entry.values.every((value) => value < IDLE_UTILIZATION_PERCENT)) continue;
    const pod = known(entry.namespace, entry.name);
    if (!pod || pod.gpus === 0) continue;
    if (pod.startedAt === null || now - pod.startedAt < idleWindowSeconds * 1000) continue;
    idle.push({ ...describe(entry.namespace, entry.name), gpus: pod.gpus, utilization: round1(average(averages.get(key)?.values ?? entry.values)) });
  }
  idle.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { pods, idle };
}

export const PROMETHEUS_HINT = "Set the cluster's Prometheus URL (Clusters → the cluster → Settings, or PATCH /api/v1/clusters/{cluster} with prometheusUrl) to see GPU utilization.";

/** Everything the utilization view needs, asked of Prometheus at once. */
export async function readUtilization(
  prometheusUrl: string | null,
  known: (namespace: string, name: string) => KnownPod | undefined,
  options: { now?: Date; idleWindowSeconds?: number; timeoutMs?: number } = {},
): Promise<UtilizationView> {
  if (!prometheusUrl) return { status: "unconfigured", configured: false, hint: PROMETHEUS_HINT };
  const now = options.now ?? new Date();
  // The last step is now, so a Prometheus that started a moment ago already shows a point.
  const end = now;
  const range = { start: new Date(end.getTime() - CHART_MINUTES * 60_000), end, stepSeconds: CHART_STEP_SECONDS };
  const queries = utilizationQueries(options.idleWindowSeconds);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  try {
    const [chartUtilization, chartMemory, utilizationNow, memoryNow, idleMax, idleAverage] = await Promise.all([
      queryRange(prometheusUrl, queries.chartUtilization, range, timeoutMs),
      queryRange(prometheusUrl, queries.chartMemoryGiB, range, timeoutMs),
      queryInstant(prometheusUrl, queries.utilizationNow, { time: now, timeoutMs }),
      queryInstant(prometheusUrl, queries.memoryNow, { time: now, timeoutMs }),
      queryInstant(prometheusUrl, queries.idleMax, { time: now, timeoutMs }),
      queryInstant(prometheusUrl, queries.idleAverage, { time: now, timeoutMs }),
    ]);
    const { pods, idle } = podFigures({ utilizationNow, memoryNow, idleMax, idleAverage }, known, now.getTime(), options.idleWindowSeconds);
    const projects = projectFigures(pods, NOT_FROM_BERTH);
    return { status: "ok", configured: true, available: true, points: chartPoints(chartUtilization, chartMemory, range), pods, projects, idle, generatedAt: now.toISOString() };
  } catch (error) {
    const message = error instanceof PrometheusError ? error.message : `Prometheus could not be queried: ${(error as Error).message}`;
    return { status: "unavailable", configured: true, available: false, message, error: message };
  }
}
