import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listGroups } from "@/lib/groups/queries";
import { clusterChoices } from "@/lib/namespace-policies/queries";

import { SparkConfigForm } from "../_components/spark-config-form";
import { createSparkConfigAction } from "../actions";

export const metadata: Metadata = { title: "New Spark config" };

export default async function NewSparkConfigPage() {
  await requirePermission("configs.manage");
  return (
    <>
      <PageHeader
        title="New Spark config"
        description="After saving, the config's page previews the spark-submit line and the SparkApplication it produces."
      />
      <Card>
        <SparkConfigForm
          clusters={clusterChoices().map((cluster) => cluster.name)}
          groups={listGroups().map((group) => group.name)}
          action={createSparkConfigAction}
        />
      </Card>
    </>
  );
}
