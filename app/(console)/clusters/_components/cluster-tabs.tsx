import Link from "next/link";

import { EventsTable } from "@/components/kube/events-table";
import { ObjectHistory } from "@/components/objects/object-history";
import { AutoSubmitSelect } from "@/components/ui/auto-submit-select";
import { Badge } from "@/components/ui/badge";
import { none } from "@/components/ui/facts";
import { Table, Td, Th, ThActions } from "@/components/ui/table";
import { DomainError } from "@/lib/actions/result";
import type { Cluster } from "@/lib/clusters/queries";
import type { NodeSummary } from "@/lib/clusters/status";
import {
  clusterNodeAllocations,
  formatAllocation,
  listClusterEvents,
  listClusterJobs,
  listClusterPods,
} from "@/lib/clusters/workloads";
import { formatDateTime } from "@/lib/format";
import type { Actor } from "@/lib/permissions";
import { visibleRunIds } from "@/lib/runs/queries";

import { restoreClusterAction } from "../actions";
import { DeletePodButton } from "./cluster-forms";

export const CLUSTER_TABS = [
  { id: "nodes", label: "Nodes" },
  { id: "pods", label: "Pods" },
  { id: "jobs", label: "Jobs" },
  { id: "events", label: "Events" },
  { id: "cleanup", label: "Cleanup" },
  { id: "permissions", label: "Permissions" },
  { id: "settings", label: "Settings" },
  { id: "history", label: "History" },
] as const;
export type ClusterTab = (typeof CLUSTER_TABS)[number]["id"];

/** Labels every node carries (arch, os, hostname): left out of the table so the telling ones stand out. */
const STANDARD_LABEL = /^(beta\.)?kubernetes\.io\/(arch|os|hostname)$/;

export function TabNav({ clusterId, current }: { clusterId: number; current: ClusterTab }) {
  return (
    <nav aria-label="Cluster sections" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200">
      {CLUSTER_TABS.map((tab) => (
        <Link
          key={tab.id}
          href={`/clusters/${clusterId}?tab=${tab.id}`}
          aria-current={tab.id === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${tab.id === current ? "border-brand-600 text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}

/** A GET form: the namespace filter of the pods, jobs and events tabs, server-rendered; choosing a namespace shows it. */
export function NamespaceFilter({
  tab,
  namespaces,
  current,
}: {
  tab: ClusterTab;
  namespaces: string[];
  current?: string;
}) {
  return (
    <form method="get" className="mb-4 flex items-end gap-2" aria-label="Namespace filter">
      <input type="hidden" name="tab" value={tab} />
      <label className="text-sm font-medium text-slate-800">
        Namespace
        <AutoSubmitSelect
          name="namespace"
          defaultValue={current ?? ""}
          className="ml-2 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        >
          <option value="">All namespaces</option>
          {namespaces.map((namespace) => (
            <option key={namespace} value={namespace}>
              {namespace}
            </option>
          ))}
        </AutoSubmitSelect>
      </label>
    </form>
  );
}

/** Reads from the cluster, or the plain-words reason it failed (never a crash). */
async function attempt<T>(read: () => Promise<T>): Promise<{ data: T } | { error: string }> {
  try {
    return { data: await read() };
  } catch (error) {
    if (error instanceof DomainError) return { error: error.message };
    throw error;
  }
}

function ReadFailure({ message }: { message: string }) {
  return (
    <p role="status" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}

/**
 * Nodes with what their pods request against what they offer (allocated / allocatable, as
 * `kubectl describe node` and Headlamp show it), their labels and taints.
 */
export async function NodesTab({ cluster, nodes }: { cluster: Cluster; nodes: NodeSummary[] }) {
  const { allocations, problem: readError } = await clusterNodeAllocations(cluster);
  const cell = (node: NodeSummary, resource: "cpu" | "memory" | "gpu", offered: string | null) => {
    const allocation = allocations?.[node.name];
    return allocation ? formatAllocation(resource, allocation[resource]) : (offered ?? none);
  };
  return (
    <div className="space-y-2">
      {readError && <ReadFailure message={readError} />}
      <Table label="Nodes">
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Ready</Th>
            <Th>{allocations ? "CPU allocated / allocatable" : "CPU"}</Th>
            <Th>{allocations ? "Memory allocated / allocatable" : "Memory"}</Th>
            <Th>{allocations ? "GPUs allocated / allocatable" : "GPUs"}</Th>
            <Th>Labels</Th>
            <Th>Taints</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {nodes.map((node) => (
            <tr key={node.name}>
              <Td className="font-medium whitespace-nowrap">{node.name}</Td>
              <Td>{node.ready ? <Badge tone="green">Ready</Badge> : <Badge tone="red">NotReady</Badge>}</Td>
              <Td className="whitespace-nowrap">{cell(node, "cpu", node.allocatable.cpu)}</Td>
              <Td className="whitespace-nowrap">{cell(node, "memory", node.allocatable.memory)}</Td>
              <Td className="whitespace-nowrap">{cell(node, "gpu", node.allocatable["nvidia.com/gpu"])}</Td>
              <Td className="max-w-md">
                <div className="flex flex-wrap gap-1 font-mono text-[11px] text-slate-600">
                  {Object.entries(node.labels)
                    .filter(([key]) => !STANDARD_LABEL.test(key))
                    .map(([key, value]) => (
                      <span key={key} className="rounded bg-slate-100 px-1">
                        {key}={value}
                      </span>
                    ))}
                </div>
              </Td>
              <Td className="max-w-[14rem]">
                {node.taints.length ? (
                  <div className="flex flex-wrap gap-1 font-mono text-[11px] text-amber-800">
                    {node.taints.map((taint) => {
                      const text = `${taint.key}${taint.value ? `=${taint.value}` : ""}:${taint.effect}`;
                      return (
                        <span key={text} className="break-all rounded bg-amber-50 px-1">
                          {text}
                        </span>
                      );
                    })}
                  </div>
                ) : (
                  none
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

export async function PodsTab({
  cluster,
  namespace,
  operate,
  actor,
}: {
  cluster: Cluster;
  namespace?: string;
  operate: boolean;
  actor: Actor;
}) {
  const pods = await attempt(() => listClusterPods(cluster, namespace));
  if ("error" in pods) return <ReadFailure message={pods.error} />;
  if (pods.data.length === 0)
    return <p className="text-sm text-slate-500">No pods{namespace ? ` in ${namespace}` : ""}.</p>;
  // Only runs this Berth knows and the viewer may see get a link (another Berth may share the cluster).
  const runs = visibleRunIds(
    actor,
    pods.data.flatMap((pod) => (pod.run ? [pod.run] : [])),
  );
  return (
    <Table label="Pods">
      <thead>
        <tr>
          <Th>Namespace</Th>
          <Th>Name</Th>
          <Th>Phase</Th>
          <Th>Ready</Th>
          <Th>Restarts</Th>
          <Th>Node</Th>
          <Th>Created</Th>
          <Th>Run</Th>
          {operate && <ThActions />}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {pods.data.map((pod) => (
          <tr key={`${pod.namespace}/${pod.name}`}>
            <Td>{pod.namespace}</Td>
            <Td>
              <Link
                href={`/clusters/${cluster.id}/pods/${pod.namespace}/${pod.name}`}
                className="font-medium text-brand-600 hover:underline"
              >
                {pod.name}
              </Link>
            </Td>
            <Td>
              <PhaseBadge phase={pod.phase} />
              {pod.reason && <span className="ml-1 text-xs text-slate-500">{pod.reason}</span>}
            </Td>
            <Td>{pod.ready}</Td>
            <Td>{pod.restarts}</Td>
            <Td className="font-mono text-xs">{pod.node ?? none}</Td>
            <Td className="whitespace-nowrap">{pod.createdAt ? formatDateTime(pod.createdAt) : none}</Td>
            <Td>
              {pod.run && runs.has(pod.run) ? (
                <Link
                  href={`/runs/${pod.run}`}
                  aria-label={`Run ${pod.run}`}
                  className="font-mono text-xs text-brand-600 hover:underline"
                >
                  {pod.run}
                </Link>
              ) : (
                none
              )}
            </Td>
            {operate && (
              <Td>
                <DeletePodButton clusterId={cluster.id} namespace={pod.namespace} pod={pod.name} />
              </Td>
            )}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function PhaseBadge({ phase }: { phase: string }) {
  const tone =
    phase === "Running" || phase === "Succeeded"
      ? "green"
      : phase === "Failed"
        ? "red"
        : phase === "Pending" || phase === "Terminating"
          ? "amber"
          : "gray";
  return <Badge tone={tone}>{phase}</Badge>;
}

export async function JobsTab({ cluster, namespace }: { cluster: Cluster; namespace?: string }) {
  const jobs = await attempt(() => listClusterJobs(cluster, namespace));
  if ("error" in jobs) return <ReadFailure message={jobs.error} />;
  if (jobs.data.length === 0)
    return <p className="text-sm text-slate-500">No jobs{namespace ? ` in ${namespace}` : ""}.</p>;
  return (
    <Table label="Jobs">
      <thead>
        <tr>
          <Th>Namespace</Th>
          <Th>Name</Th>
          <Th>Outcome</Th>
          <Th>Completions</Th>
          <Th>Active</Th>
          <Th>Failed pods</Th>
          <Th>Created</Th>
          <Th>Finished</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {jobs.data.map((job) => (
          <tr key={`${job.namespace}/${job.name}`}>
            <Td>{job.namespace}</Td>
            <Td className="font-medium">{job.name}</Td>
            <Td>
              <Badge tone={job.outcome === "complete" ? "green" : job.outcome === "failed" ? "red" : "amber"}>
                {job.outcome}
              </Badge>
            </Td>
            <Td>{job.completions}</Td>
            <Td>{job.active}</Td>
            <Td>{job.failed}</Td>
            <Td className="whitespace-nowrap">{job.createdAt ? formatDateTime(job.createdAt) : none}</Td>
            <Td className="whitespace-nowrap">{job.finishedAt ? formatDateTime(job.finishedAt) : none}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export async function EventsTab({ cluster, namespace }: { cluster: Cluster; namespace?: string }) {
  const events = await attempt(() => listClusterEvents(cluster, namespace));
  if ("error" in events) return <ReadFailure message={events.error} />;
  if (events.data.length === 0)
    return <p className="text-sm text-slate-500">No events{namespace ? ` in ${namespace}` : ""}.</p>;
  return <EventsTable events={events.data} showNamespace />;
}

/** The cluster's changes from the audit log; operators may restore a version (the kubeconfig stays as it is). */
export function HistoryTab({ clusterId, operate }: { clusterId: number; operate: boolean }) {
  return (
    <ObjectHistory
      objectType="cluster"
      objectId={clusterId}
      restore={operate ? restoreClusterAction.bind(null, clusterId) : undefined}
    />
  );
}
