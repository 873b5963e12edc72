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
import { can } from "@/lib/permissions";
import { sparkImage } from "@/lib/spark-configs/builders";
import { listSparkConfigs } from "@/lib/spark-configs/queries";

import { importSparkConfigAction } from "./actions";

export const metadata: Metadata = { title: "Spark configs" };

export default async function SparkConfigsPage() {
  const actor = await requirePermission("configs.read");
  const manage = can(actor, "configs.manage");
  const configs = listSparkConfigs(actor, manage);
  return (
    <>
      <PageHeader
        title="Spark configs"
        description="Spark on Kubernetes: spark conf, managed namespaces with a service account per job, executor pod templates. Each produces a spark-submit line and a SparkApplication."
        actions={
          manage ? (
            <Link href="/spark-configs/new" className={buttonClasses("primary")}>
              New Spark config
            </Link>
          ) : undefined
        }
      />
      <div className="space-y-6">
        {configs.length === 0 ? (
          <EmptyState title="No Spark configs yet">
            {manage ? "Create one, or import a YAML document below." : "None you may use yet."}
          </EmptyState>
        ) : (
          <Table label="Spark configs">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Image</Th>
                <Th>Executors</Th>
                <Th>Namespace</Th>
                <Th>Cluster</Th>
                <Th>Usable by</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {configs.map((config) => (
                <tr key={config.id}>
                  <Td>
                    <Link
                      href={`/spark-configs/${encodeURIComponent(config.name)}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      {config.name}
                    </Link>
                    {config.description && <p className="text-xs text-slate-500">{config.description}</p>}
                  </Td>
                  <Td className="font-mono text-xs">{sparkImage(config)}</Td>
                  <Td>
                    {config.conf["spark.dynamicAllocation.enabled"] === "true"
                      ? `dynamic ${config.conf["spark.dynamicAllocation.minExecutors"] ?? "0"}–${config.conf["spark.dynamicAllocation.maxExecutors"] ?? "∞"}`
                      : `${config.conf["spark.executor.instances"] ?? "2"} × ${config.conf["spark.executor.memory"] ?? "1g"}`}
                  </Td>
                  <Td>
                    {config.managed.enabled ? (
                      <span className="flex items-center gap-2">
                        <span className="font-mono text-xs">{config.managed.namespace}</span>{" "}
                        <Badge tone="blue">managed</Badge>
                      </span>
                    ) : (
                      <span className="font-mono text-xs">
                        {config.conf["spark.kubernetes.namespace"] ?? "default"}
                      </span>
                    )}
                  </Td>
                  <Td>{config.cluster ?? <span className="text-slate-400">default</span>}</Td>
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
            description="A SparkConfig document (as exported from a config's page) creates the config, or saves a new version of the one with its name."
          >
            <YamlImportForm action={importSparkConfigAction} successMessage="Spark config imported." />
          </Card>
        )}
      </div>
    </>
  );
}
