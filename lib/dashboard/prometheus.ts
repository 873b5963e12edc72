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
  /**
   * The pod asks for an NVIDIA device (nvidia.com/gpu, a MIG profile, a resource claim): a DCGM
   * series naming a pod that cannot hold one carries the exporter's own labels.
   */
  mayHoldGpu: boolean;
}

/** Which labels of a DCGM series name the pod holding the GPU: "auto", or the cluster's own names. */
export type GpuMetricLabels = "auto" | { pod: string; namespace: string; container?: string };

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
  /** Physical GPUs DCGM reports for the pod (a time-sliced GPU counts once). */
  gpus: number;
  /** Of those, GPUs other pods share (time-slicing): their utilization is the whole device's. */
  sharedGpus: number;
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

/** Physical GPUs of a project's pods (as DCGM reports them, each once) and their average utilization now. */
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
      /** Physical GPUs held by pods now, each counted once however many pods share it. */
      gpusHeld: number;
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

const number = (text: unknown): number =>
  typeof text === "string" || typeof text === "number" ? Number(text) : Number.NaN;

/** Samples of an instant vector response (NaN samples dropped). */
export function parseVector(body: ApiBody): Sample[] {
  if (body.status !== "success")
    throw new PrometheusError(`Prometheus refused the query: ${body.error ?? body.errorType ?? "unknown error"}`);
  if (body.data?.resultType !== "vector" || !Array.isArray(body.data.result))
    throw new PrometheusError("Prometheus answered with something other than an instant vector");
  return (body.data.result as { metric?: Record<string, string>; value?: [number, string] }[])
    .map((entry) => ({ metric: entry.metric ?? {}, value: number(entry.value?.[1]) }))
    .filter((sample) => Number.isFinite(sample.value));
}

/** Series of a range (matrix) response. */
export function parseMatrix(body: ApiBody): Series[] {
  if (body.status !== "success")
    throw new PrometheusError(`Prometheus refused the query: ${body.error ?? body.errorType ?? "unknown error"}`);
  if (body.data?.resultType !== "matrix" || !Array.isArray(body.data.result))
    throw new PrometheusError("Prometheus answered with something other than a range matrix");
  return (body.data.result as { metric?: Record<string, string>; values?: [number, string][] }[]).map((entry) => ({
    metric: entry.metric ?? {},
    values: (entry.values ?? [])
      .map(([time, value]) => [Number(time), number(value)] as [number, number])
      .filter(([, value]) => Number.isFinite(value)),
  }));
}

async function getJson(url: string, timeoutMs: number): Promise<ApiBody> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if ((error as Error).name === "TimeoutError")
      throw new PrometheusError(`Prometheus did not answer within ${timeoutMs / 1000} s`);
    throw new PrometheusError(
      `Prometheus could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`,
    );
  }
  let body: ApiBody;
  try {
    body = (await response.json()) as ApiBody;
  } catch {
    throw new PrometheusError(
      `Prometheus answered ${response.status} without a JSON body: is the URL the Prometheus server's?`,
    );
  }
  if (!response.ok && body.status !== "error") throw new PrometheusError(`Prometheus answered ${response.status}`);
  return body;
}

/** `GET /api/v1/query`: an instant vector. */
export async function queryInstant(
  baseUrl: string,
  query: string,
  options: { time?: Date; timeoutMs?: number } = {},
): Promise<Sample[]> {
  const params: Record<string, string> = { query };
  if (options.time) params.time = String(options.time.getTime() / 1000);
  return parseVector(
    await getJson(prometheusApiUrl(baseUrl, "/api/v1/query", params), options.timeoutMs ?? REQUEST_TIMEOUT_MS),
  );
}

/** `GET /api/v1/query_range`: series between start and end every stepSeconds. */
export async function queryRange(
  baseUrl: string,
  query: string,
  range: { start: Date; end: Date; stepSeconds: number },
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Series[]> {
  const params = {
    query,
    start: String(range.start.getTime() / 1000),
    end: String(range.end.getTime() / 1000),
    step: String(range.stepSeconds),
  };
  return parseMatrix(await getJson(prometheusApiUrl(baseUrl, "/api/v1/query_range", params), timeoutMs));
}

/** The labels kept of each DCGM series: the physical GPU and whichever labels may name its pod. */
function ownerLabels(labels: GpuMetricLabels): string[] {
  const names =
    labels === "auto" ? ["exported_namespace", "exported_pod", "namespace", "pod"] : [labels.namespace, labels.pod];
  return ["Hostname", "UUID", "gpu", ...names];
}

/**
 * The queries behind the view. Each keeps one series per physical GPU and pod (`max by` the GPU's
 * and the owner's labels, dropping the rest to keep answers small); which GPU belongs to which pod
 * is decided here, not in PromQL, as the labels that name it depend on how Prometheus scrapes
 * dcgm-exporter.
 */
export function utilizationQueries(labels: GpuMetricLabels = "auto", idleWindowSeconds = IDLE_WINDOW_SECONDS) {
  const by = `max by (${ownerLabels(labels).join(", ")})`;
  return {
    chartUtilization: `${by} (${UTIL_METRIC})`,
    chartMemory: `${by} (${MEMORY_METRIC})`,
    utilizationNow: `${by} (${UTIL_METRIC})`,
    memoryNow: `${by} (${MEMORY_METRIC})`,
    idleMax: `${by} (max_over_time(${UTIL_METRIC}[${idleWindowSeconds}s]))`,
    idleAverage: `${by} (avg_over_time(${UTIL_METRIC}[${idleWindowSeconds}s]))`,
  };
}

/** Looks a pod up among the cluster's pods (undefined: not known, e.g. gone since). */
export type PodLookup = (namespace: string, name: string) => KnownPod | undefined;

/**
 * The pod a DCGM series names, or null for a GPU no pod holds. dcgm-exporter labels an allocated
 * GPU with `pod`, `namespace` and `container` (NVIDIA/dcgm-exporter
 * internal/pkg/transformation/kubernetes.go, const.go). Scraped through a ServiceMonitor
 * (prometheus-operator pkg/prometheus/promcfg.go: `honor_labels: false` unless honorLabels, target
 * labels `namespace`, `pod`, `container` of the exporter pod), those clash and are kept as
 * `exported_*`, while the plain ones name the exporter. "auto" prefers the `exported_*` pair, then
 * the plain one unless it names the exporter: a pod the cluster says holds no GPU, or one `exporters`
 * lists (see exporterPods).
 */
export function gpuOwner(
  metric: Record<string, string>,
  labels: GpuMetricLabels = "auto",
  known?: PodLookup,
  exporters?: Set<string>,
): { namespace: string; pod: string } | null {
  if (labels === "auto" && metric.exported_namespace && metric.exported_pod)
    return { namespace: metric.exported_namespace, pod: metric.exported_pod };
  const namespace = labels === "auto" ? metric.namespace : metric[labels.namespace];
  const pod = labels === "auto" ? metric.pod : metric[labels.pod];
  if (!namespace || !pod) return null;
  if (labels === "auto" && exporters?.has(`${namespace}/${pod}`)) return null;
  if (known?.(namespace, pod)?.mayHoldGpu === false) return null;
  return { namespace, pod };
}

/**
 * The plain pod/namespace pairs that sit beside `exported_*` ones: the scrape target's (the exporter
 * pod's), so on a GPU nobody holds, where dcgm-exporter adds no labels, they name no workload.
 */
export function exporterPods(metrics: Record<string, string>[]): Set<string> {
  const exporters = new Set<string>();
  for (const metric of metrics)
    if (metric.exported_pod && metric.namespace && metric.pod) exporters.add(`${metric.namespace}/${metric.pod}`);
  return exporters;
}

/** The physical GPU of a series: time-sliced sharers of one GPU report the same node and UUID (or index). */
export function gpuKey(metric: Record<string, string>, fallback: string): string {
  const device = metric.UUID || metric.gpu;
  return device ? `${metric.Hostname ?? ""}/${device}` : fallback;
}

interface PerPod {
  namespace: string;
  name: string;
  values: number[];
  /** The physical GPU of each value, in the same order. */
  gpuKeys: string[];
}

/** Samples grouped by the pod that holds each GPU (GPUs held by no pod are left out). */
export function groupByPod(
  samples: Sample[],
  labels: GpuMetricLabels = "auto",
  known?: PodLookup,
): Map<string, PerPod> {
  const byPod = new Map<string, PerPod>();
  const exporters = exporterPods(samples.map((sample) => sample.metric));
  samples.forEach((sample, index) => {
    const owner = gpuOwner(sample.metric, labels, known, exporters);
    if (!owner) return;
    const key = `${owner.namespace}/${owner.pod}`;
    let entry = byPod.get(key);
    if (!entry) byPod.set(key, (entry = { namespace: owner.namespace, name: owner.pod, values: [], gpuKeys: [] }));
    const device = gpuKey(sample.metric, `series-${index}`);
    // A pod holding two slices of one GPU sees one device.
    if (entry.gpuKeys.includes(device)) return;
    entry.values.push(sample.value);
    entry.gpuKeys.push(device);
  });
  return byPod;
}

/**
 * The held GPUs' average utilization and summed memory at each time of a range, each physical GPU
 * once (sharers report the same device), as single series for chartPoints.
 */
export function heldGpuSeries(
  utilization: Series[],
  memory: Series[],
  labels: GpuMetricLabels = "auto",
  known?: PodLookup,
): { utilization: Series[]; memory: Series[] } {
  const reduce = (series: Series[], combine: (values: number[]) => number): Series[] => {
    const byTime = new Map<number, Map<string, number>>();
    const exporters = exporterPods(series.map((entry) => entry.metric));
    series.forEach((entry, index) => {
      if (!gpuOwner(entry.metric, labels, known, exporters)) return;
      const device = gpuKey(entry.metric, `series-${index}`);
      for (const [time, value] of entry.values) {
        let devices = byTime.get(time);
        if (!devices) byTime.set(time, (devices = new Map()));
        devices.set(device, value);
      }
    });
    if (byTime.size === 0) return [];
    const values = [...byTime]
      .sort(([a], [b]) => a - b)
      .map(([time, devices]) => [time, combine([...devices.values()])] as [number, number]);
    return [{ metric: {}, values }];
  };
  return {
    utilization: reduce(utilization, average),
    memory: reduce(memory, (values) => values.reduce((sum, value) => sum + value, 0) / 1024),
  };
}

const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const round1 = (value: number) => Math.round(value * 10) / 10;

/** The chart's points: one per step from the start (Prometheus answers at start + k × step), null where a series has no sample. */
export function chartPoints(
  utilization: Series[],
  memory: Series[],
  range: { start: Date; end: Date; stepSeconds: number },
): UtilizationPoint[] {
  // Timestamps compared in whole milliseconds: Prometheus keeps millisecond precision.
  const byMs = (series: Series[]) =>
    new Map((series[0]?.values ?? []).map(([time, value]) => [Math.round(time * 1000), value]));
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

/**
 * Per-project physical GPUs and their average utilization (pods of no project: NOT_FROM_BERTH). A GPU
 * two pods of a project share counts once; one shared by two projects counts in each.
 */
export function projectFigures(
  pods: (PodUtilization & { gpuUtilization?: Map<string, number> })[],
  unlabelled: string,
): ProjectUtilization[] {
  const totals = new Map<string, Map<string, number>>();
  pods.forEach((pod, index) => {
    const key = pod.project ?? unlabelled;
    let devices = totals.get(key);
    if (!devices) totals.set(key, (devices = new Map()));
    // Without per-GPU figures (a pod given by hand), each of its GPUs counts at the pod's average.
    const perGpu =
      pod.gpuUtilization ?? new Map(Array.from({ length: pod.gpus }, (_, gpu) => [`${index}/${gpu}`, pod.utilization]));
    for (const [device, value] of perGpu) devices.set(device, value);
  });
  return [...totals]
    .map(([project, devices]) => ({ project, gpus: devices.size, utilization: round1(average([...devices.values()])) }))
    .sort((a, b) => a.project.localeCompare(b.project));
}

/** Per-pod utilization now and the idle GPU holders, joined to the pods the aggregator knows. */
export function podFigures(
  samples: UtilizationSamples,
  known: PodLookup,
  now: number,
  idleWindowSeconds = IDLE_WINDOW_SECONDS,
  labels: GpuMetricLabels = "auto",
): {
  pods: PodUtilization[];
  idle: IdleGpuPod[];
  gpusHeld: number;
  projectsOf: (unlabelled: string) => ProjectUtilization[];
} {
  const utilization = groupByPod(samples.utilizationNow, labels, known);
  const memory = groupByPod(samples.memoryNow, labels, known);
  // How many pods each physical GPU is reported for: more than one means time-sliced.
  const sharers = new Map<string, number>();
  for (const entry of utilization.values())
    for (const device of entry.gpuKeys) sharers.set(device, (sharers.get(device) ?? 0) + 1);
  const describe = (namespace: string, name: string) => {
    const pod = known(namespace, name);
    return { namespace, name, run: pod?.run ?? null, project: pod?.project ?? null, user: pod?.user ?? null };
  };
  const withDevices = [...utilization.values()].map((entry) => ({
    ...describe(entry.namespace, entry.name),
    gpus: entry.gpuKeys.length,
    sharedGpus: entry.gpuKeys.filter((device) => (sharers.get(device) ?? 0) > 1).length,
    utilization: round1(average(entry.values)),
    memoryUsedMiB: Math.round(
      (memory.get(`${entry.namespace}/${entry.name}`)?.values ?? []).reduce((sum, value) => sum + value, 0),
    ),
    gpuUtilization: new Map(entry.gpuKeys.map((device, index) => [device, entry.values[index]])),
  }));
  withDevices.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const pods: PodUtilization[] = withDevices.map((pod) => ({
    namespace: pod.namespace,
    name: pod.name,
    run: pod.run,
    project: pod.project,
    user: pod.user,
    gpus: pod.gpus,
    sharedGpus: pod.sharedGpus,
    utilization: pod.utilization,
    memoryUsedMiB: pod.memoryUsedMiB,
  }));

  const averages = groupByPod(samples.idleAverage, labels, known);
  const idle: IdleGpuPod[] = [];
  for (const [key, entry] of groupByPod(samples.idleMax, labels, known)) {
    // Idle means every GPU of the pod stayed low the whole window, and the pod (still) holds them
    // and has existed that long: a pod that just started is not idle yet.
    if (!entry.values.every((value) => value < IDLE_UTILIZATION_PERCENT)) continue;
    const pod = known(entry.namespace, entry.name);
    if (!pod || (pod.gpus === 0 && !pod.mayHoldGpu)) continue;
    if (pod.startedAt === null || now - pod.startedAt < idleWindowSeconds * 1000) continue;
    const shared = entry.gpuKeys.filter((device) => (sharers.get(device) ?? 0) > 1).length;
    idle.push({
      ...describe(entry.namespace, entry.name),
      gpus: entry.gpuKeys.length,
      sharedGpus: shared,
      utilization: round1(average(averages.get(key)?.values ?? entry.values)),
    });
  }
  idle.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return { pods, idle, gpusHeld: sharers.size, projectsOf: (unlabelled) => projectFigures(withDevices, unlabelled) };
}

export const PROMETHEUS_HINT =
  "Set the cluster's Prometheus URL (Clusters → the cluster → Settings, or PATCH /api/v1/clusters/{cluster} with prometheusUrl) to see GPU utilization.";

/** Everything the utilization view needs, asked of Prometheus at once. */
export async function readUtilization(
  prometheusUrl: string | null,
  known: PodLookup,
  options: { now?: Date; idleWindowSeconds?: number; timeoutMs?: number; labels?: GpuMetricLabels } = {},
): Promise<UtilizationView> {
  if (!prometheusUrl) return { status: "unconfigured", configured: false, hint: PROMETHEUS_HINT };
  const now = options.now ?? new Date();
  // The last step is now, so a Prometheus that started a moment ago already shows a point.
  const end = now;
  const range = { start: new Date(end.getTime() - CHART_MINUTES * 60_000), end, stepSeconds: CHART_STEP_SECONDS };
  const labels = options.labels ?? "auto";
  const queries = utilizationQueries(labels, options.idleWindowSeconds);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  try {
    const [chartUtilization, chartMemory, utilizationNow, memoryNow, idleMax, idleAverage] = await Promise.all([
      queryRange(prometheusUrl, queries.chartUtilization, range, timeoutMs),
      queryRange(prometheusUrl, queries.chartMemory, range, timeoutMs),
      queryInstant(prometheusUrl, queries.utilizationNow, { time: now, timeoutMs }),
      queryInstant(prometheusUrl, queries.memoryNow, { time: now, timeoutMs }),
      queryInstant(prometheusUrl, queries.idleMax, { time: now, timeoutMs }),
      queryInstant(prometheusUrl, queries.idleAverage, { time: now, timeoutMs }),
    ]);
    const { pods, idle, gpusHeld, projectsOf } = podFigures(
      { utilizationNow, memoryNow, idleMax, idleAverage },
      known,
      now.getTime(),
      options.idleWindowSeconds,
      labels,
    );
    const chart = heldGpuSeries(chartUtilization, chartMemory, labels, known);
    return {
      status: "ok",
      configured: true,
      available: true,
      points: chartPoints(chart.utilization, chart.memory, range),
      gpusHeld,
      pods,
      projects: projectsOf(NOT_FROM_BERTH),
      idle,
      generatedAt: now.toISOString(),
    };
  } catch (error) {
    const message =
      error instanceof PrometheusError ? error.message : `Prometheus could not be queried: ${(error as Error).message}`;
    return { status: "unavailable", configured: true, available: false, message, error: message };
  }
}
