import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listGroups } from "@/lib/groups/queries";
import { clusterChoices } from "@/lib/namespace-policies/queries";
import { findVisibleSparkConfig, toSparkConfigView } from "@/lib/spark-configs/queries";

import { SparkConfigForm } from "../../_components/spark-config-form";
import { updateSparkConfigAction } from "../../actions";

export const metadata: Metadata = { title: "Edit Spark config" };

export default async function EditSparkConfigPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("configs.manage");
  const row = findVisibleSparkConfig(actor, decodeURIComponent((await params).id));
  if (!row) notFound();
  const config = toSparkConfigView(row, actor);
  return (
    <>
      <PageHeader
        title={`Edit ${config.name}`}
        description={`Version ${config.version}. Saving makes version ${config.version + 1}; if someone saves first, you see their change instead of overwriting it.`}
        actions={
          <Link
            href={`/spark-configs/${encodeURIComponent(config.name)}`}
            className="text-sm font-medium text-brand-600 hover:underline"
          >
            Back to {config.name}
          </Link>
        }
      />
      <Card>
        {/* Keyed by version: after "reload" the form starts again from the version now saved. */}
        <SparkConfigForm
          key={config.version}
          config={config}
          clusters={clusterChoices().map((cluster) => cluster.name)}
          groups={listGroups().map((group) => group.name)}
          action={updateSparkConfigAction}
        />
      </Card>
    </>
  );
}
