import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listClusters } from "@/lib/clusters/queries";
import { listDockerHostRows } from "@/lib/docker-hosts/queries";
import { gpuFactsByCluster } from "@/lib/execution-configs/gpu-facts";
import { listGroups } from "@/lib/groups/queries";
import { baseImageNames } from "@/lib/images/queries";

import { ExecutionConfigForm } from "../_components/execution-config-form";
import { createExecutionConfigAction } from "../actions";

export const metadata: Metadata = { title: "New execution config" };

export default async function NewExecutionConfigPage() {
  await requirePermission("configs.manage");
  return (
    <>
      <PageHeader
        title="New execution config"
        description="Every field is checked as Kubernetes would: quantities, names, labels, tolerations and affinity."
      />
      <Card>
        <ExecutionConfigForm
          action={createExecutionConfigAction}
          values={{
            namespace: "berth-${project}",
            imagePullPolicy: "IfNotPresent",
            workloadType: "any",
            usableBy: "all",
            createNamespace: true,
          }}
          clusterNames={listClusters().map((cluster) => cluster.name)}
          dockerHostNames={listDockerHostRows().map((host) => host.name)}
          groupNames={listGroups().map((group) => group.name)}
          gpuFacts={await gpuFactsByCluster()}
          baseImages={baseImageNames()}
        />
      </Card>
    </>
  );
}
