import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { mayReadCluster } from "@/lib/clusters/access";
import { clusterContexts, clusterGrantsOf, findCluster, toClusterView } from "@/lib/clusters/queries";
import { clusterStatus } from "@/lib/clusters/status";
import { formatDateTime } from "@/lib/format";
import { listGroups } from "@/lib/groups/queries";
import { can } from "@/lib/permissions";

import { CleanupForm } from "../_components/cleanup-form";
import { ClusterGrantsForm, DeleteClusterButton, EditClusterForm } from "../_components/cluster-forms";
import {
  CLUSTER_TABS,
  EventsTab,
  HistoryTab,
  JobsTab,
  NamespaceFilter,
  NodesTab,
  PodsTab,
  TabNav,
  type ClusterTab,
} from "../_components/cluster-tabs";
import { ClusterStatusBadge } from "../_components/status-badge";
import { MissingPermissions } from "./_components/missing-permissions";

export const metadata: Metadata = { title: "Cluster" };

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

function NoAccess({ what }: { what: string }) {
  return (
    <p className="text-sm text-slate-500">
      You may see this cluster but not {what}: that needs a grant from someone who manages it.
    </p>
  );
}

export default async function ClusterPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ tab?: string; namespace?: string }>;
}) {
  const actor = await requirePermission("clusters.read");
  const row = findCluster(decodeURIComponent((await params).id));
  if (!row || !mayReadCluster(actor, row.id)) notFound();
  const query = await searchParams;
  const tab: ClusterTab = CLUSTER_TABS.find((candidate) => candidate.id === query.tab)?.id ?? "nodes";
  const namespace = query.namespace || undefined;
  const status = await clusterStatus(row);
  // The probe records reachability on the row; show what it recorded.
  const cluster = toClusterView(findCluster(row.id) ?? row);
  const scope = { cluster: row.id };
  const operate = can(actor, "clusters.operate", scope);
  const manage = can(actor, "clusters.manage", scope);
  const namespaces = status.reachable ? status.namespaces : [];
  const gpus = status.reachable
    ? status.nodes.reduce((sum, node) => sum + Number(node.allocatable["nvidia.com/gpu"] ?? 0), 0)
    : 0;

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {cluster.name}
            {cluster.embedded && <Badge tone="blue">embedded</Badge>}
            {cluster.inCluster && <Badge tone="blue">in-cluster</Badge>}
          </span>
        }
        description={cluster.description || undefined}
        actions={manage ? <DeleteClusterButton cluster={cluster} /> : undefined}
      />
      <Card className="mb-6">
        {!status.reachable && (
          <p role="status" className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            Unreachable since {formatDateTime(status.unreachableSince)}, last error: {status.lastError}
          </p>
        )}
        {status.reachable && status.permissions && <MissingPermissions permissions={status.permissions} />}
        <dl className="grid gap-4 sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Status">
            <ClusterStatusBadge cluster={cluster} />
          </Fact>
          <Fact label="Kubernetes">{cluster.kubernetesVersion ?? "—"}</Fact>
          <Fact label="Nodes">
            {status.reachable
              ? `${status.nodes.filter((node) => node.ready).length} of ${status.nodes.length} ready`
              : "—"}
          </Fact>
          <Fact label="GPUs">{status.reachable ? gpus : "—"}</Fact>
          <Fact label="Context">{cluster.context}</Fact>
          <Fact label="Server">
            <span className="font-mono text-xs break-all">{cluster.server}</span>
          </Fact>
        </dl>
        {namespaces.length > 0 && <p className="mt-4 text-xs text-slate-500">Namespaces: {namespaces.join(", ")}</p>}
        <p className="mt-2 text-xs text-slate-500">
          GPU utilization:{" "}
          {cluster.prometheusUrl ? (
            <span className="font-mono break-all">{cluster.prometheusUrl}</span>
          ) : (
            "no Prometheus URL set"
          )}{" "}
          · GPU metric labels:{" "}
          {cluster.gpuMetricLabels === "auto"
            ? "auto (exported_pod/exported_namespace, else pod/namespace)"
            : `pod ${cluster.gpuMetricLabels.pod}, namespace ${cluster.gpuMetricLabels.namespace}${cluster.gpuMetricLabels.container ? `, container ${cluster.gpuMetricLabels.container}` : ""}`}
        </p>
      </Card>

      <TabNav clusterId={cluster.id} current={tab} />
      {tab === "nodes" &&
        (status.reachable ? (
          <NodesTab cluster={row} nodes={status.nodes} />
        ) : (
          <p className="text-sm text-slate-500">Nodes are shown once the cluster answers.</p>
        ))}
      {(tab === "pods" || tab === "jobs" || tab === "events") && (
        <NamespaceFilter tab={tab} namespaces={namespaces} current={namespace} />
      )}
      {tab === "pods" && <PodsTab cluster={row} namespace={namespace} operate={operate} actor={actor} />}
      {tab === "jobs" && <JobsTab cluster={row} namespace={namespace} />}
      {tab === "events" && <EventsTab cluster={row} namespace={namespace} />}
      {tab === "cleanup" && (
        <Card
          title="Cleanup"
          description="Delete finished pods, or finished (and optionally failed) jobs with their pods. A dry run lists what would go first."
        >
          {operate ? <CleanupForm clusterId={cluster.id} namespaces={namespaces} /> : <NoAccess what="clean it up" />}
        </Card>
      )}
      {tab === "permissions" && (
        <Card
          title="Permissions"
          description="use: run work on it · operate: edit it, delete pods, clean up · manage: permissions and deleting it. Administrators may do everything."
        >
          {manage ? (
            <ClusterGrantsForm
              clusterId={cluster.id}
              groups={listGroups().map((group) => group.name)}
              grants={clusterGrantsOf(cluster.id)}
              everyone={cluster.usableByAll}
            />
          ) : (
            <ul className="text-sm text-slate-700">
              {cluster.usableByAll && <li>everyone: use</li>}
              {clusterGrantsOf(cluster.id).map((grant) => (
                <li key={grant.group}>
                  {grant.group}: {grant.level}
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
      {tab === "settings" && (
        <Card title="Settings">
          {operate ? (
            <EditClusterForm key={cluster.revision} cluster={cluster} contexts={clusterContexts(row)} manage={manage} />
          ) : (
            <NoAccess what="change it" />
          )}
        </Card>
      )}
      {tab === "history" && <HistoryTab clusterId={cluster.id} operate={operate} />}
    </>
  );
}
