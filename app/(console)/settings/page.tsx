import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/session";
import { BUILD_NAMESPACE, buildSettingsView, DEFAULT_BUILDKIT_IMAGE, DEFAULT_KANIKO_IMAGE } from "@/lib/images/builds";
import { can } from "@/lib/permissions";
import { loadCatalog } from "@/lib/resolution/catalog";
import { getSettingsView } from "@/lib/settings/queries";
import type { SettingField } from "@/lib/settings/schema";

import { BuildSettingsForm } from "./_components/build-settings-form";
import { KubeconfigSwitchesForm } from "./_components/kubeconfig-switches-form";
import { SettingsForm } from "./_components/settings-form";

export const metadata: Metadata = { title: "Settings" };

const LABELS: Record<SettingField, string> = {
  defaultExecutionConfig: "Execution config (user code)",
  defaultVisualRecipeExecutionConfig: "Execution config (visual recipes)",
  defaultSparkConfig: "Spark config",
  defaultCluster: "Cluster",
};

export default async function SettingsPage() {
  const actor = await requireActor();
  const catalog = loadCatalog();
  const current = getSettingsView(undefined, catalog);
  const names = (items: { name: string }[]) => items.map((item) => item.name);
  return (
    <>
      <PageHeader
        title="Settings"
        description="Instance defaults. A project may set its own values and an object in a project may override them; what is not set anywhere comes from here."
      />
      <div className="space-y-6">
        <Card title="Current defaults">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2" aria-label="Current defaults">
            {(Object.keys(LABELS) as SettingField[]).map((field) => (
              <div key={field}>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{LABELS[field]}</dt>
                <dd className="mt-0.5 text-slate-900">
                  {current[field] ??
                    (current.errors?.[field] ? (
                      <span className="text-red-700">{current.errors[field]}</span>
                    ) : (
                      <span className="text-slate-400">not set</span>
                    ))}
                </dd>
              </div>
            ))}
          </dl>
        </Card>
        {can(actor, "settings.manage") && (
          <Card
            title="Change defaults"
            description="Only administrators change these; each change is in the audit log."
          >
            <SettingsForm
              current={current}
              executionConfigs={names(catalog.executionConfigs)}
              sparkConfigs={names(catalog.sparkConfigs)}
              clusters={names(catalog.clusters)}
            />
          </Card>
        )}
        {can(actor, "settings.manage") && (
          <Card title="Image builds" description="How base images and code environments are built in the clusters.">
            <BuildSettingsForm
              current={buildSettingsView()}
              defaultKanikoImage={DEFAULT_KANIKO_IMAGE}
              defaultBuildkitImage={DEFAULT_BUILDKIT_IMAGE}
              defaultNamespace={BUILD_NAMESPACE}
            />
          </Card>
        )}
        {can(actor, "settings.manage") && (
          <Card
            title="Kubeconfig safety"
            description="Kubeconfigs may hold only inline credentials and https servers. These switches widen that for every cluster; turning one off applies at once to kubeconfigs stored while it was on."
          >
            <KubeconfigSwitchesForm current={current} />
          </Card>
        )}
      </div>
    </>
  );
}
