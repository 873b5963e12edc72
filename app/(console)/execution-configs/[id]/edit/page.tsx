import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listClusters } from "@/lib/clusters/queries";
import { listDockerHostRows } from "@/lib/docker-hosts/queries";
import { executionConfigToForm } from "@/lib/execution-configs/form";
import { gpuFactsByCluster } from "@/lib/execution-configs/gpu-facts";
import { executionConfigBody, findExecutionConfig } from "@/lib/execution-configs/queries";
import { listGroups } from "@/lib/groups/queries";
import { baseImageNames } from "@/lib/images/queries";

import { ExecutionConfigForm } from "../../_components/execution-config-form";
import { updateExecutionConfigAction } from "../../actions";

export const metadata: Metadata = { title: "Edit execution config" };

export default async function EditExecutionConfigPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("configs.manage");
  const row = findExecutionConfig(decodeURIComponent((await params).id));
  if (!row) notFound();
  return (
    <>
      <PageHeader
        title={`Edit ${row.name}`}
        description={`Version ${row.version}. Saving makes version ${row.version + 1}; if someone saves first, you see their change instead of overwriting it.`}
        actions={
          <Link
            href={`/execution-configs/${encodeURIComponent(row.name)}`}
            className="text-sm font-medium text-brand-600 hover:underline"
          >
            Back to {row.name}
          </Link>
        }
      />
      <Card>
        {/* Keyed by version: after "reload" the form starts again from the version now saved. */}
        <ExecutionConfigForm
          key={row.version}
          action={updateExecutionConfigAction}
          values={executionConfigToForm(executionConfigBody(row))}
          clusterNames={listClusters().map((cluster) => cluster.name)}
          dockerHostNames={listDockerHostRows().map((host) => host.name)}
          groupNames={listGroups().map((group) => group.name)}
          gpuFacts={await gpuFactsByCluster()}
          baseImages={baseImageNames()}
          configId={row.id}
          version={row.version}
        />
      </Card>
    </>
  );
}
