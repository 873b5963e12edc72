import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { Card } from "@/components/ui/card";
import { Facts } from "@/components/ui/facts";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { readableDockerHostDetail } from "@/lib/docker-hosts/reads";
import { listGroups } from "@/lib/groups/queries";
import { can } from "@/lib/permissions";

import { DeleteDockerHostButton, DockerHostGrantsForm, EditDockerHostForm } from "../_components/docker-host-forms";
import { EngineStatusBadge, formatMemory } from "../_components/engine-status";

export const metadata: Metadata = { title: "Docker host" };

export default async function DockerHostPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("dockerHosts.read");
  const host = await readableDockerHostDetail(actor, decodeURIComponent((await params).id));
  if (!host) notFound();
  const scope = { dockerHost: host.id };
  const operate = can(actor, "dockerHosts.operate", scope);
  const manage = can(actor, "dockerHosts.manage", scope);
  const { status } = host;
  return (
    <>
      <PageHeader
        title={host.name}
        description={host.description || undefined}
        actions={manage ? <DeleteDockerHostButton host={host} /> : undefined}
      />
      <Card className="mb-6">
        {!status.reachable && (
          <p role="status" className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            The engine cannot be read: {status.error}
          </p>
        )}
        <Facts
          items={[
            ["Status", <EngineStatusBadge key="status" status={status} />],
            ["Engine", status.reachable ? `${status.engineVersion} (API ${status.apiVersion})` : "—"],
            ["CPUs", status.reachable ? String(status.cpus) : "—"],
            ["Memory", status.reachable ? formatMemory(status.memoryBytes) : "—"],
            ["Running containers", status.reachable ? String(status.containersRunning) : "—"],
            [
              "Endpoint",
              <span key="endpoint" className="font-mono text-xs break-all">
                {host.endpoint}
              </span>,
            ],
            ["TLS", host.tls ? "client certificate stored" : "none"],
          ]}
        />
      </Card>
      {operate && (
        <Card className="mb-6">
          <EditDockerHostForm host={host} manage={manage} />
        </Card>
      )}
      {manage && (
        <Card>
          <DockerHostGrantsForm
            hostId={host.id}
            groups={listGroups().map((group) => group.name)}
            grants={host.grants}
            everyone={host.usableByAll}
          />
        </Card>
      )}
    </>
  );
}
