import type { Metadata } from "next";
import Link from "next/link";

import { UsableBy } from "@/components/objects/usable-by";
import { YamlImportForm } from "@/components/objects/yaml-import-form";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listExecutionConfigs } from "@/lib/execution-configs/queries";
import type { ExecutionConfigView } from "@/lib/execution-configs/schema";
import { startingPoints } from "@/lib/execution-configs/starting-points";
import { can } from "@/lib/permissions";

import { importExecutionConfigAction } from "./actions";

export const metadata: Metadata = { title: "Execution configs" };

/** "cpu 1–2 · memory 1Gi–4Gi · nvidia.com/gpu 1": request–limit per resource. */
function resourceSummary(config: ExecutionConfigView): string {
  const { requests, limits } = config.resources;
  const names = [...new Set([...Object.keys(requests), ...Object.keys(limits)])];
  if (names.length === 0) return "no requests or limits";
  return names
    .map((name) => {
      const request = requests[name];
      const limit = limits[name];
      return `${name} ${request && limit && request !== limit ? `${request}–${limit}` : (request ?? `≤${limit}`)}`;
    })
    .join(" · ");
}

export default async function ExecutionConfigsPage() {
  const actor = await requirePermission("configs.read");
  const manage = can(actor, "configs.manage");
  const configs = listExecutionConfigs(actor, manage);
  // The config Berth seeded on its first start: a starting point an admin may change or delete.
  const seeded = startingPoints()?.executionConfigId ?? null;
  return (
    <>
      <PageHeader
        title="Execution configs"
        description="How containerized work runs: image, CPU, memory and GPU requests and limits, namespace, scheduling, and which groups may use each config."
        actions={
          manage ? (
            <Link href="/execution-configs/new" className={buttonClasses()}>
              New execution config
            </Link>
          ) : undefined
        }
      />
      <div className="space-y-6">
        {configs.length === 0 ? (
          <EmptyState title={manage ? "No execution configs yet" : "No execution config you may use"}>
            {manage
              ? "Create one, or import a YAML document exported from another Berth."
              : "Ask an administrator to let one of your groups use a config."}
          </EmptyState>
        ) : (
          <Table label="Execution configs">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Image</Th>
                <Th>Where it runs</Th>
                <Th>Resources</Th>
                <Th>Usable by</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {configs.map((config) => (
                <tr key={config.id}>
                  <Td>
                    <Link
                      href={`/execution-configs/${encodeURIComponent(config.name)}`}
                      className="whitespace-nowrap font-medium text-brand-600 hover:underline"
                    >
                      {config.name}
                    </Link>
                    {config.id === seeded && (
                      <span className="ml-2">
                        <Badge tone="amber">starting point</Badge>
                      </span>
                    )}
                    {config.description && <p className="text-xs text-slate-500">{config.description}</p>}
                  </Td>
                  <Td className="font-mono text-xs">{config.image}</Td>
                  <Td>
                    {config.engine === "docker" ? (
                      <>Docker host {config.dockerHost}</>
                    ) : (
                      <>
                        {config.cluster ?? <span className="text-slate-400">default</span>}
                        <span className="text-slate-400"> / </span>
                        <span className="font-mono text-xs">{config.namespace}</span>
                      </>
                    )}
                  </Td>
                  <Td className="text-xs">{resourceSummary(config)}</Td>
                  <Td>
                    <UsableBy usableBy={config.usableBy} mayUse={config.mayUse} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {manage && (
          <Card
            title="Import YAML"
            description="A document exported from an execution config (kind: ExecutionConfig). An existing config of that name gets it as its next version."
          >
            <YamlImportForm action={importExecutionConfigAction} label="Import execution config" />
          </Card>
        )}
      </div>
    </>
  );
}
