/**
 * Server-side `meta.k8s.io/v1` Table output, which `kubectl get` asks for. Columns and cell
 * formats follow kubernetes pkg/printers/internalversion/printers.go for the kinds served here,
 * and CRD additionalPrinterColumns for custom resources.
 */
import type { KubeObject, ResourceType, Store } from "../contract";
import { CRDS } from "./builtin-types";
import { isPlainObject } from "./objects";

interface Column {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  format?: string;
  description: string;
  priority?: number;
}
type Cell = string | number | boolean | null;
interface Printer {
  columns: Column[];
  cells(object: KubeObject): Cell[];
}

/** HumanDuration from apimachinery's duration.go: 45s, 3m12s, 5h, 2d3h, 2y331d. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 192) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

const since = (timestamp: string | undefined) =>
  timestamp ? humanDuration(Date.now() - Date.parse(timestamp)) : "<unknown>";
const orNone = (value: unknown) => (value === undefined || value === null || value === "" ? "<none>" : String(value));

const NAME: Column = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace.",
};
const AGE: Column = {
  name: "Age",
  type: "string",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
};
const CREATED_AT: Column = {
  name: "Created At",
  type: "date",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
};
const col = (name: string, description: string, type: Column["type"] = "string", priority = 0): Column => ({
  name,
  type,
  description,
  priority,
});

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    running?: object;
    terminated?: { reason?: string; exitCode?: number; signal?: number };
  };
  lastState?: { terminated?: { finishedAt?: string } };
}

/** The STATUS column of `kubectl get pods` (printPod). */
export function podStatusText(pod: KubeObject): {
  reason: string;
  ready: number;
  restarts: number;
  lastRestart?: string;
} {
  const status = pod.status ?? {};
  let reason: string = status.reason || status.phase || "Pending";
  let restarts = 0;
  let ready = 0;
  let lastRestart: string | undefined;
  let initializing = false;
  const initStatuses: ContainerStatus[] = status.initContainerStatuses ?? [];
  const initCount = pod.spec?.initContainers?.length ?? initStatuses.length;
  initStatuses.forEach((c, i) => {
    if (initializing) return;
    restarts += c.restartCount ?? 0;
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) return;
    // A native sidecar (restartPolicy Always) that has started does not hold the pod in Init (printPod, kubectl 1.29+).
    const sidecar = (pod.spec?.initContainers ?? []).some(
      (spec: { name?: string; restartPolicy?: string }) => spec.name === c.name && spec.restartPolicy === "Always",
    );
    if (sidecar && c.started) return;
    initializing = true;
    if (terminated)
      reason = terminated.reason
        ? `Init:${terminated.reason}`
        : terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
    else if (waiting?.reason && waiting.reason !== "PodInitializing") reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initCount}`;
  });
  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    const statuses: ContainerStatus[] = [...(status.containerStatuses ?? [])].reverse();
    for (const c of statuses) {
      restarts += c.restartCount ?? 0;
      const finished = c.lastState?.terminated?.finishedAt;
      if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
      const { waiting, terminated, running } = c.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const readyCondition = (status.conditions ?? []).find((c: { type?: string }) => c.type === "Ready");
      reason = readyCondition?.status === "True" ? "Running" : "NotReady";
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === "NodeLost" ? "Unknown" : "Terminating";
  return { reason, ready, restarts, lastRestart };
}

const podPrinter: Printer = {
  columns: [
    NAME,
    col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "The aggregate status of the containers in this pod."),
    col(
      "Restarts",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
      "string",
    ),
    AGE,
    col(
      "IP",
      "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
      "string",
      1,
    ),
    col("Node", "NodeName is a request to schedule this pod onto a specific node.", "string", 1),
    col("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.", "string", 1),
    col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", "string", 1),
  ],
  cells(pod) {
    const { reason, ready, restarts, lastRestart } = podStatusText(pod);
    const total = pod.spec?.containers?.length ?? 0;
    const restartText = lastRestart ? `${restarts} (${since(lastRestart)} ago)` : String(restarts);
    const gates: { conditionType: string }[] = pod.spec?.readinessGates ?? [];
    const gateText = gates.length
      ? `${gates.filter((g) => (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === g.conditionType && c.status === "True")).length}/${gates.length}`
      : "<none>";
    return [
      pod.metadata.name!,
      `${ready}/${total}`,
      reason,
      restartText,
      since(pod.metadata.creationTimestamp),
      orNone(pod.status?.podIP),
      orNone(pod.spec?.nodeName),
      orNone(pod.status?.nominatedNodeName),
      gateText,
    ];
  },
};

const nodePrinter: Printer = {
  columns: [
    NAME,
    col("Status", "The status of the node"),
    col("Roles", "The roles of the node"),
    AGE,
    col("Version", "Kubelet Version reported by the node."),
    col(
      "Internal-IP",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      "string",
      1,
    ),
    col(
      "External-IP",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      "string",
      1,
    ),
    col(
      "OS-Image",
      "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
      "string",
      1,
    ),
    col(
      "Kernel-Version",
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      "string",
      1,
    ),
    col(
      "Container-Runtime",
      "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
      "string",
      1,
    ),
  ],
  cells(node) {
    const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
    let status = !ready
      ? "Unknown"
      : ready.status === "True"
        ? "Ready"
        : ready.status === "False"
          ? "NotReady"
          : "Unknown";
    if (node.spec?.unschedulable) status += ",SchedulingDisabled";
    const roles = new Set<string>();
    for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
      if (key.startsWith("node-role.kubernetes.io/") && key.length > 24) roles.add(key.slice(24));
      else if (key === "kubernetes.io/role" && value) roles.add(value);
    }
    const address = (type: string) =>
      (node.status?.addresses ?? []).find((a: { type: string }) => a.type === type)?.address;
    const info = node.status?.nodeInfo ?? {};
    // 1.37's printer adds the architecture to the kernel, as `uname -r` plus the machine.
    const kernel =
      info.kernelVersion && info.architecture ? `${info.kernelVersion} (${info.architecture})` : info.kernelVersion;
    return [
      node.metadata.name!,
      status,
      roles.size ? [...roles].sort().join(",") : "<none>",
      since(node.metadata.creationTimestamp),
      info.kubeletVersion ?? "",
      orNone(address("InternalIP")),
      orNone(address("ExternalIP")),
      orNone(info.osImage),
      orNone(kernel),
      orNone(info.containerRuntimeVersion),
    ];
  },
};

const namespacePrinter: Printer = {
  columns: [NAME, col("Status", "The status of the namespace"), AGE],
  cells: (ns) => [ns.metadata.name!, ns.status?.phase ?? "Active", since(ns.metadata.creationTimestamp)],
};

const eventPrinter: Printer = {
  columns: [
    col("Last Seen", "Time when last event from this source was seen"),
    col("Type", "Type of this event (Normal, Warning), new types could be added in the future."),
    col(
      "Reason",
      "Reason is why the action was taken. It is human-readable. This field cannot be empty for new Events and it can have at most 128 characters.",
    ),
    col("Object", "The object that this event is about"),
    col("Subobject", "The subobject (if any) of the object this event is about", "string", 1),
    col("Source", "The component reporting this event. Should be a short machine understandable string.", "string", 1),
    col("Message", "A human-readable description of the status of this operation."),
    col(
      "First Seen",
      "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
      "string",
      1,
    ),
    col("Count", "The number of times this event has occurred.", "string", 1),
    { ...NAME, priority: 1 },
  ],
  cells(event) {
    const involved = (event.involvedObject ?? {}) as { kind?: string; name?: string; fieldPath?: string };
    const source = (event.source ?? {}) as { component?: string; host?: string };
    // events.k8s.io events (printEvent upstream): the series holds the count and the last observation.
    const series = event.series as { count?: number; lastObservedTime?: string } | undefined;
    const first =
      (event.firstTimestamp as string | undefined) ??
      (event.eventTime as string | undefined) ??
      event.metadata.creationTimestamp;
    const last = series?.lastObservedTime ?? (event.lastTimestamp as string | undefined) ?? first;
    const count = series?.count ?? (event.count as number | undefined) ?? 1;
    const lastSeen = !series && count > 1 ? `${since(last)} (x${count} over ${since(first)})` : since(last);
    const component = source.component || (event.reportingComponent as string | undefined) || "";
    const instance = source.host || (event.reportingInstance as string | undefined) || "";
    const sourceText = instance ? `${component}, ${instance}` : component;
    return [
      lastSeen,
      String(event.type ?? ""),
      String(event.reason ?? ""),
      `${(involved.kind ?? "").toLowerCase()}/${involved.name ?? ""}`,
      involved.fieldPath ?? "",
      sourceText,
      String(event.message ?? ""),
      since(first),
      String(count),
      event.metadata.name!,
    ];
  },
};

function quotaSummary(object: KubeObject, limits: boolean): string {
  const hard: Record<string, string> = object.status?.hard ?? object.spec?.hard ?? {};
  const used: Record<string, string> = object.status?.used ?? {};
  return Object.keys(hard)
    .filter((k) => k.startsWith("limits.") === limits)
    .sort()
    .map((k) => `${k}: ${used[k] ?? "0"}/${hard[k]}`)
    .join(", ");
}

// Column order of pkg/printers/internalversion/printers.go in 1.37: AGE moved after LIMIT.
const quotaPrinter: Printer = {
  columns: [
    NAME,
    col("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
    col(
      "Limit",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
    AGE,
  ],
  cells: (q) => [q.metadata.name!, quotaSummary(q, false), quotaSummary(q, true), since(q.metadata.creationTimestamp)],
};

const createdAtPrinter: Printer = {
  columns: [NAME, CREATED_AT],
  cells: (o) => [o.metadata.name!, o.metadata.creationTimestamp ?? ""],
};

const secretPrinter: Printer = {
  columns: [
    NAME,
    col("Type", "The type of the secret"),
    col("Data", "The number of entries in the secret", "integer"),
    AGE,
  ],
  cells: (s) => [
    s.metadata.name!,
    String(s.type ?? "Opaque"),
    Object.keys((s.data as object) ?? {}).length + Object.keys((s.stringData as object) ?? {}).length,
    since(s.metadata.creationTimestamp),
  ],
};

const configMapPrinter: Printer = {
  columns: [NAME, col("Data", "The number of entries in the configmap", "integer"), AGE],
  cells: (c) => [
    c.metadata.name!,
    Object.keys((c.data as object) ?? {}).length + Object.keys((c.binaryData as object) ?? {}).length,
    since(c.metadata.creationTimestamp),
  ],
};

const serviceAccountPrinter: Printer = {
  columns: [
    NAME,
    col(
      "Secrets",
      "Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount.",
      "integer",
    ),
    AGE,
  ],
  cells: (sa) => [sa.metadata.name!, ((sa.secrets as unknown[]) ?? []).length, since(sa.metadata.creationTimestamp)],
};

function jobStatus(job: KubeObject): string {
  const conditions: { type: string; status: string }[] = job.status?.conditions ?? [];
  const has = (type: string) => conditions.some((c) => c.type === type && c.status === "True");
  if (has("Complete")) return "Complete";
  if (has("Failed")) return "Failed";
  if (has("FailureTarget")) return "FailureTarget";
  if (has("SuccessCriteriaMet")) return "SuccessCriteriaMet";
  if (has("Suspended")) return "Suspended";
  return "Running";
}

const listOf = (containers: { name?: string; image?: string }[] | undefined, field: "name" | "image") =>
  (containers ?? []).map((c) => c[field] ?? "").join(",");

function selectorText(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: { key: string; operator: string; values?: string[] }[];
      }
    | undefined,
): string {
  if (!selector) return "<none>";
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === "exists") parts.push(e.key);
    else if (op === "doesnotexist") parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${(e.values ?? []).join(",")})`);
  }
  return parts.length ? parts.join(",") : "<none>";
}

const jobPrinter: Printer = {
  columns: [
    NAME,
    col("Status", "Status of the job."),
    col("Completions", "The desired number of successfully finished pods the job should be run with."),
    col("Duration", "Time required to complete the job."),
    AGE,
    col("Containers", "Names of each container in the template.", "string", 1),
    col("Images", "Images referenced by each container in the template.", "string", 1),
    col("Selector", "Query over pods that should match the pod count.", "string", 1),
  ],
  cells(job) {
    const spec = job.spec ?? {};
    const succeeded = job.status?.succeeded ?? 0;
    const completions =
      spec.completions != null
        ? `${succeeded}/${spec.completions}`
        : (spec.parallelism ?? 1) > 1
          ? `${succeeded}/1 of ${spec.parallelism}`
          : `${succeeded}/1`;
    const start = job.status?.startTime;
    const end = job.status?.completionTime;
    const duration = !start ? "" : humanDuration((end ? Date.parse(end) : Date.now()) - Date.parse(start));
    const containers = spec.template?.spec?.containers;
    return [
      job.metadata.name!,
      jobStatus(job),
      completions,
      duration,
      since(job.metadata.creationTimestamp),
      listOf(containers, "name"),
      listOf(containers, "image"),
      selectorText(spec.selector),
    ];
  },
};

const roleBindingPrinter: Printer = {
  columns: [
    NAME,
    col("Role", "RoleBinding references a role."),
    AGE,
    col("Users", "Users in the roleBinding", "string", 1),
    col("Groups", "Groups in the roleBinding", "string", 1),
    col("ServiceAccounts", "ServiceAccounts in the roleBinding", "string", 1),
  ],
  cells(rb) {
    const subjects = (rb.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? [];
    const names = (kind: string) =>
      subjects
        .filter((s) => s.kind === kind)
        .map((s) => (kind === "ServiceAccount" ? `${s.namespace ?? ""}/${s.name}` : s.name))
        .join(", ");
    const ref = (rb.roleRef ?? {}) as { kind?: string; name?: string };
    return [
      rb.metadata.name!,
      `${ref.kind ?? ""}/${ref.name ?? ""}`,
      since(rb.metadata.creationTimestamp),
      names("User"),
      names("Group"),
      names("ServiceAccount"),
    ];
  },
};

const PRINTERS: Record<string, Printer> = {
  pods: podPrinter,
  nodes: nodePrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  resourcequotas: quotaPrinter,
  limitranges: createdAtPrinter,
  secrets: secretPrinter,
  configmaps: configMapPrinter,
  serviceaccounts: serviceAccountPrinter,
  "jobs.batch": jobPrinter,
  "roles.rbac.authorization.k8s.io": createdAtPrinter,
  "rolebindings.rbac.authorization.k8s.io": roleBindingPrinter,
  [CRDS]: createdAtPrinter,
};

interface PrinterColumn {
  name: string;
  type: Column["type"];
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Evaluates the simple JSONPath forms CRDs use: `.status.state`, `.spec.items[0].name`. */
function evaluateJsonPath(object: unknown, path: string): unknown {
  const steps = path
    .replace(/^\{?\.?/, "")
    .replace(/\}$/, "")
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== "");
  let current: unknown = object;
  for (const step of steps) {
    if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
    else if (isPlainObject(current)) current = current[step];
    else return undefined;
  }
  return current;
}

function customResourcePrinter(store: Store, type: ResourceType): Printer {
  const crd = store.get(CRDS, undefined, type.key);
  const version = (crd?.spec?.versions ?? []).find((v: { name: string }) => v.name === type.version);
  const extra: PrinterColumn[] = version?.additionalPrinterColumns ?? [];
  if (!extra.length)
    return { columns: [NAME, AGE], cells: (o) => [o.metadata.name!, since(o.metadata.creationTimestamp)] };
  return {
    columns: [
      NAME,
      ...extra.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format,
        description: c.description ?? "",
        priority: c.priority ?? 0,
      })),
    ],
    cells(o) {
      return [
        o.metadata.name!,
        ...extra.map((c): Cell => {
          const value = evaluateJsonPath(o, c.jsonPath);
          if (value === undefined || value === null) return null;
          if (c.type === "date" && typeof value === "string") return since(value);
          if (typeof value === "object") return JSON.stringify(value);
          return value as Cell;
        }),
      ];
    },
  };
}

export function printerFor(store: Store, type: ResourceType): Printer {
  return (
    PRINTERS[type.key] ?? (store.get(CRDS, undefined, type.key) ? customResourcePrinter(store, type) : createdAtPrinter)
  );
}

export type IncludeObject = "None" | "Metadata" | "Object";

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return object;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
}

/** A Table of objects; `listMeta` carries resourceVersion/continue for lists. */
export function toTable(
  printer: Printer,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
  withColumns = true,
): Record<string, unknown> {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: withColumns
      ? printer.columns.map((c) => ({
          name: c.name,
          type: c.type,
          format: c.format ?? "",
          description: c.description,
          priority: c.priority ?? 0,
        }))
      : [],
    rows: objects.map((o) => ({ cells: printer.cells(o), object: rowObject(o, include) })),
  };
}
