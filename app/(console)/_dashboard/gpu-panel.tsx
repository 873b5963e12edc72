import Link from "next/link";

import type { GpuHolder, GpuNode } from "@/lib/dashboard/aggregate";

import { podHref } from "./links";
import { Meter } from "./meter";
import type { ClusterDashboard } from "./types";
import { nodeSlots, nodesToDraw } from "./view-model";

/** Colours for GPU holders on the node map, by project (stable: hashed from the name). */
const PALETTE = [
  "bg-sky-500",
  "bg-violet-500",
  "bg-emerald-500",
  "bg-amber-500",
  "bg-rose-500",
  "bg-teal-500",
  "bg-indigo-500",
  "bg-lime-600",
];
const NODE_MAP_LIMIT = 64;
/** Above this many GPU nodes the map switches to small tiles so it stays about a screen high. */
const COMPACT_FROM = 12;
const LEGEND_LIMIT = 10;

export function SubHeading({ children }: { children: React.ReactNode }) {
  return <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{children}</h3>;
}

function colorOf(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

const holderKey = (pod: GpuHolder) => pod.project ?? pod.namespace;
const holderTitle = (pod: GpuHolder) =>
  `${pod.namespace}/${pod.name}${pod.project ? ` · project ${pod.project}` : ""}${pod.user ? ` · ${pod.user}` : ""} · ${pod.gpus} GPU`;

export function GpuAllocation({ cluster }: { cluster: ClusterDashboard }) {
  const { allocatable, requested, projects } = cluster.gpu;
  if (allocatable === 0 && requested === 0)
    return <p className="text-sm text-slate-500">This cluster has no GPU nodes.</p>;
  return (
    <div className="space-y-3">
      <SubHeading>Allocated</SubHeading>
      <Meter
        label={`${cluster.name} GPU allocation`}
        value={requested}
        max={allocatable}
        text={`${requested} of ${allocatable} GPUs`}
      />
      {cluster.gpu.physical !== allocatable && (
        <p className="text-xs text-slate-500">
          Time-sliced: the {allocatable} schedulable GPUs are {cluster.gpu.physical} physical GPU
          {cluster.gpu.physical === 1 ? "" : "s"}.
        </p>
      )}
      {projects.length > 0 && (
        <ul aria-label={`${cluster.name} GPUs by project`} className="space-y-1.5">
          {projects.map((row) => (
            <li key={row.project} className="grid grid-cols-[8rem_1fr] items-center gap-2 text-xs">
              <span className="truncate text-slate-700" title={row.project}>
                {row.project}
              </span>
              <Meter
                label={`${cluster.name} GPUs of project ${row.project}`}
                value={row.gpus}
                max={allocatable}
                text={`${row.gpus} GPU${row.gpus === 1 ? "" : "s"}`}
                warnAt={2}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A node's GPUs as squares: filled ones link to the holder's run or pod. `compact` for clusters with many GPU nodes. */
function NodeSlots({ clusterId, node, compact }: { clusterId: number; node: GpuNode; compact: boolean }) {
  const size = compact ? "h-3 w-3 rounded-sm" : "h-5 w-5 rounded";
  return (
    <span
      role="img"
      aria-label={`${node.node}: ${node.requested} of ${node.allocatable} GPUs taken`}
      className={`flex flex-wrap ${compact ? "gap-0.5" : "gap-1"}`}
    >
      {nodeSlots(node).map((pod, index) =>
        pod ? (
          <Link
            key={index}
            href={podHref(clusterId, pod)}
            title={holderTitle(pod)}
            className={`${size} ${colorOf(holderKey(pod))} ring-1 ring-inset ring-black/10`}
          >
            <span className="sr-only">{holderTitle(pod)}</span>
          </Link>
        ) : (
          <span key={index} title="free" className={`${size} border border-dashed border-slate-300 bg-slate-50`} />
        ),
      )}
    </span>
  );
}

function NodeItem({ clusterId, node, compact }: { clusterId: number; node: GpuNode; compact: boolean }) {
  if (compact) {
    return (
      <li className="min-w-0" title={`${node.node}: ${node.requested}/${node.allocatable}`}>
        <span className="block truncate font-mono text-[10px] leading-4 text-slate-600">{node.node}</span>
        <NodeSlots clusterId={clusterId} node={node} compact />
      </li>
    );
  }
  return (
    <li className="flex items-center gap-3">
      <span className="w-32 shrink-0 truncate font-mono text-xs text-slate-700" title={node.node}>
        {node.node}
      </span>
      <NodeSlots clusterId={clusterId} node={node} compact={false} />
      <span className="text-xs tabular-nums text-slate-500">
        {node.requested}/{node.allocatable}
      </span>
    </li>
  );
}

/** Holders' colours, the biggest GPU users first. */
function legendEntries(nodes: GpuNode[]): { key: string; label: string; gpus: number }[] {
  const entries = new Map<string, { key: string; label: string; gpus: number }>();
  for (const node of nodes) {
    for (const pod of node.pods) {
      const key = holderKey(pod);
      const entry = entries.get(key) ?? {
        key,
        label: pod.project ? `project ${pod.project}` : `namespace ${pod.namespace}`,
        gpus: 0,
      };
      entry.gpus += pod.gpus;
      entries.set(key, entry);
    }
  }
  return [...entries.values()].sort((a, b) => b.gpus - a.gpus || a.label.localeCompare(b.label));
}

/** Which GPUs of which node are taken, and by whom (colour = project; hover or focus for the pod). */
export function GpuNodeMap({ cluster }: { cluster: ClusterDashboard }) {
  const nodes = cluster.gpu.nodes;
  if (nodes.length === 0) return null;
  const shown = nodesToDraw(nodes, NODE_MAP_LIMIT);
  const compact = shown.length > COMPACT_FROM;
  const legend = legendEntries(shown);
  return (
    <div>
      <SubHeading>Nodes: who holds which GPU</SubHeading>
      <ul
        aria-label={`${cluster.name} GPU node map`}
        className={
          compact
            ? "grid grid-cols-[repeat(auto-fill,minmax(7.5rem,1fr))] gap-x-3 gap-y-2"
            : "grid gap-x-6 gap-y-1.5 2xl:grid-cols-2"
        }
      >
        {shown.map((node) => (
          <NodeItem key={node.node} clusterId={cluster.id} node={node} compact={compact} />
        ))}
      </ul>
      {nodes.length > shown.length && (
        <p className="mt-1 text-xs text-slate-500">and {nodes.length - shown.length} more GPU nodes</p>
      )}
      {legend.length > 0 && (
        <ul
          aria-label={`${cluster.name} GPU holders legend`}
          className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600"
        >
          {legend.slice(0, LEGEND_LIMIT).map((entry) => (
            <li key={entry.key} className="flex items-center gap-1">
              <span aria-hidden className={`h-2.5 w-2.5 rounded-sm ${colorOf(entry.key)}`} />
              {entry.label} ({entry.gpus})
            </li>
          ))}
          {legend.length > LEGEND_LIMIT && <li className="text-slate-500">and {legend.length - LEGEND_LIMIT} more</li>}
        </ul>
      )}
    </div>
  );
}
