import type { Metadata } from "next";
import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listClustersWithNodes } from "@/lib/clusters/detail";
import { can } from "@/lib/permissions";

import { ClusterStatusBadge } from "./_components/status-badge";

export const metadata: Metadata = { title: "Clusters" };

export default async function ClustersPage() {
  const actor = await requirePermission("clusters.read");
  const clusters = await listClustersWithNodes(actor);
  const attach = can(actor, "clusters.create") ? (
    <Link href="/clusters/new" className={buttonClasses("primary")}>
      Attach cluster
    </Link>
  ) : undefined;
  return (
    <>
      <PageHeader
        title="Clusters"
        description="Where work runs: attached Kubernetes clusters, their nodes, capacity and health."
        actions={attach}
      />
      {clusters.length === 0 ? (
        <EmptyState title="No clusters yet" action={attach}>
          {attach
            ? "Attach one by pasting its kubeconfig. The embedded simulated cluster appears here by itself when Berth runs with it."
            : "Clusters appear here once one of your groups is granted use, operate or manage on them."}
        </EmptyState>
      ) : (
        <Table label="Clusters">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Status</Th>
              <Th>Kubernetes</Th>
              <Th>Nodes</Th>
              <Th>GPUs</Th>
              <Th>Server</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {clusters.map(({ cluster, nodes }) => (
              <tr key={cluster.id}>
                <Td>
                  <Link href={`/clusters/${cluster.id}`} className="font-medium text-brand-600 hover:underline">
                    {cluster.name}
                  </Link>
                  {cluster.embedded && (
                    <span className="ml-2">
                      <Badge tone="blue">embedded</Badge>
                    </span>
                  )}
                  {cluster.inCluster && (
                    <span className="ml-2">
                      <Badge tone="blue">in-cluster</Badge>
                    </span>
                  )}
                  {cluster.description && <p className="text-xs text-slate-500">{cluster.description}</p>}
                </Td>
                <Td>
                  <ClusterStatusBadge cluster={cluster} />
                  {cluster.lastError && <p className="mt-1 max-w-xs text-xs text-red-700">{cluster.lastError}</p>}
                </Td>
                <Td>{cluster.kubernetesVersion ?? <span className="text-slate-400">—</span>}</Td>
                <Td>
                  {nodes ? (
                    `${nodes.filter((node) => node.ready).length}/${nodes.length} ready`
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </Td>
                <Td>
                  {nodes ? (
                    nodes.reduce((sum, node) => sum + Number(node.allocatable["nvidia.com/gpu"] ?? 0), 0)
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </Td>
                <Td className="font-mono text-xs">{cluster.server}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
