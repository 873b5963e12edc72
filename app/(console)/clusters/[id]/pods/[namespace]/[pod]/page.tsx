import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { EventsTable } from "@/components/kube/events-table";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { DomainError } from "@/lib/actions/result";
import { requirePermission } from "@/lib/auth/session";
import { mayReadCluster } from "@/lib/clusters/access";
import { findCluster } from "@/lib/clusters/queries";
import { describeClusterPod, type PodDescription } from "@/lib/clusters/workloads";
import { formatDateTime } from "@/lib/format";
import { can } from "@/lib/permissions";

import { DeletePodButton } from "../../../../_components/cluster-forms";
import { PhaseBadge } from "../../../../_components/cluster-tabs";

export const metadata: Metadata = { title: "Pod" };

export default async function PodPage({ params }: { params: Promise<{ id: string; namespace: string; pod: string }> }) {
  const actor = await requirePermission("clusters.read");
  const { id, namespace, pod: name } = await params;
  const cluster = findCluster(decodeURIComponent(id));
  if (!cluster || !mayReadCluster(actor, cluster.id)) notFound();
  const back = `/clusters/${cluster.id}?tab=pods`;
  let pod: PodDescription;
  try {
    pod = await describeClusterPod(cluster, decodeURIComponent(namespace), decodeURIComponent(name));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.status === 404) notFound();
    return (
      <>
        <PageHeader title={`${namespace}/${name}`} description={`Pod on ${cluster.name}`} />
        <p role="status" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.message}
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={`${pod.namespace}/${pod.name}`}
        description={
          <>
            Pod on{" "}
            <Link href={back} className="text-brand-600 hover:underline">
              {cluster.name}
            </Link>
          </>
        }
        actions={
          can(actor, "clusters.operate", { cluster: cluster.id }) ? (
            <DeletePodButton clusterId={cluster.id} namespace={pod.namespace} pod={pod.name} returnTo={back} />
          ) : undefined
        }
      />
      <div className="space-y-6">
        <Card title="Status">
          <dl className="grid gap-4 text-sm sm:grid-cols-3 lg:grid-cols-6">
            <div>
              <dt className="text-xs font-medium uppercase text-slate-500">Phase</dt>
              <dd>
                <PhaseBadge phase={pod.phase} /> {pod.reason}
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase text-slate-500">Ready</dt>
              <dd>{pod.ready}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase text-slate-500">Restarts</dt>
              <dd>{pod.restarts}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase text-slate-500">Node</dt>
              <dd className="font-mono text-xs">{pod.node ?? "not scheduled"}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase text-slate-500">Pod IP</dt>
              <dd className="font-mono text-xs">{pod.podIP ?? "—"}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase text-slate-500">Created</dt>
              <dd>{pod.createdAt ? formatDateTime(pod.createdAt) : "—"}</dd>
            </div>
          </dl>
          {Object.keys(pod.labels).length > 0 && (
            <p className="mt-4 font-mono text-xs text-slate-600">
              {Object.entries(pod.labels)
                .map(([key, value]) => `${key}=${value}`)
                .join("  ")}
            </p>
          )}
        </Card>
        <Card title="Conditions">
          <Table label="Conditions">
            <thead>
              <tr>
                <Th>Type</Th>
                <Th>Status</Th>
                <Th>Reason</Th>
                <Th>Message</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {pod.conditions.map((condition) => (
                <tr key={condition.type}>
                  <Td>{condition.type}</Td>
                  <Td>{condition.status}</Td>
                  <Td>{condition.reason ?? ""}</Td>
                  <Td>{condition.message ?? ""}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card title="Containers">
          <Table label="Containers">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Image</Th>
                <Th>State</Th>
                <Th>Ready</Th>
                <Th>Restarts</Th>
                <Th>Exit code</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {pod.containers.map((container) => (
                <tr key={container.name}>
                  <Td className="font-medium">
                    {container.name}
                    {container.kind && (
                      <span className="ml-1 text-xs font-normal text-slate-500">
                        ({container.kind === "sidecar" ? "sidecar" : "init container"})
                      </span>
                    )}
                  </Td>
                  <Td className="font-mono text-xs">{container.image}</Td>
                  <Td>
                    <Badge
                      tone={container.state === "running" ? "green" : container.state === "waiting" ? "amber" : "gray"}
                    >
                      {container.state}
                    </Badge>
                    {container.reason && <span className="ml-1 text-xs">{container.reason}</span>}
                    {container.message && <p className="text-xs text-slate-500">{container.message}</p>}
                  </Td>
                  <Td>{container.ready ? "yes" : "no"}</Td>
                  <Td>{container.restarts}</Td>
                  <Td>{container.exitCode ?? "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card title="Events">
          {pod.events.length ? (
            <EventsTable events={pod.events} />
          ) : (
            <p className="text-sm text-slate-500">No events for this pod.</p>
          )}
        </Card>
      </div>
    </>
  );
}
