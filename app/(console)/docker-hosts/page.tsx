import type { Metadata } from "next";
import Link from "next/link";

import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { none } from "@/components/ui/facts";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listReadableDockerHostsWithStatus } from "@/lib/docker-hosts/reads";
import { can } from "@/lib/permissions";

import { EngineStatusBadge, formatMemory } from "./_components/engine-status";

export const metadata: Metadata = { title: "Docker hosts" };

export default async function DockerHostsPage() {
  const actor = await requirePermission("dockerHosts.read");
  const hosts = await listReadableDockerHostsWithStatus(actor);
  const attach = can(actor, "dockerHosts.create") ? (
    <Link href="/docker-hosts/new" className={buttonClasses("primary")}>
      Attach Docker host
    </Link>
  ) : undefined;
  return (
    <>
      <PageHeader
        title="Docker hosts"
        description="Container engines runs can use instead of a cluster: their version, capacity and running containers, read live."
        actions={attach}
      />
      {hosts.length === 0 ? (
        <EmptyState title="No Docker hosts yet" action={attach}>
          {attach
            ? "Attach one by its Docker API endpoint: a unix socket on this host, or tcp:// with a TLS client certificate."
            : "Docker hosts appear here once one of your groups is granted use, operate or manage on them."}
        </EmptyState>
      ) : (
        <Table label="Docker hosts">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Status</Th>
              <Th>Engine</Th>
              <Th>CPUs</Th>
              <Th>Memory</Th>
              <Th>Running containers</Th>
              <Th>Endpoint</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {hosts.map((host) => (
              <tr key={host.id}>
                <Td>
                  <Link href={`/docker-hosts/${host.id}`} className="font-medium text-brand-600 hover:underline">
                    {host.name}
                  </Link>
                  {host.description && <p className="text-xs text-slate-500">{host.description}</p>}
                </Td>
                <Td>
                  <EngineStatusBadge status={host.status} />
                  {!host.status.reachable && <p className="mt-1 max-w-xs text-xs text-red-700">{host.status.error}</p>}
                </Td>
                <Td>{host.status.reachable ? host.status.engineVersion : none}</Td>
                <Td>{host.status.reachable ? host.status.cpus : none}</Td>
                <Td>{host.status.reachable ? formatMemory(host.status.memoryBytes) : none}</Td>
                <Td>{host.status.reachable ? host.status.containersRunning : none}</Td>
                <Td className="font-mono text-xs">{host.endpoint}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
