import "server-only";

import { getDb, type Tx } from "@/db";
import { settings } from "@/db/schema";
import { loadCatalog, type Catalog, type CatalogKind } from "@/lib/resolution/catalog";
import type { InstanceDefaults } from "@/lib/resolution/resolve";

import { instanceKubeconfigPolicy } from "./kubeconfig-policy";
import type { SettingField, SettingsView } from "./schema";

type Reader = ReturnType<typeof getDb> | Tx;

/** Which catalog each setting names, and the resolver's field it fills. */
export const SETTING_TARGETS: Record<SettingField, { kind: CatalogKind; key: keyof InstanceDefaults }> = {
  defaultExecutionConfig: { kind: "executionConfigs", key: "executionConfigId" },
  defaultVisualRecipeExecutionConfig: { kind: "executionConfigs", key: "visualRecipeExecutionConfigId" },
  defaultSparkConfig: { kind: "sparkConfigs", key: "sparkConfigId" },
  defaultCluster: { kind: "clusters", key: "clusterId" },
};

/** The instance defaults as stored ids (each settings row holds the id under the setting's name). */
export function getInstanceDefaults(db: Reader = getDb()): InstanceDefaults {
  const defaults: InstanceDefaults = {
    executionConfigId: null,
    visualRecipeExecutionConfigId: null,
    sparkConfigId: null,
    clusterId: null,
  };
  for (const row of db.select().from(settings).all()) {
    const target = SETTING_TARGETS[row.key as SettingField];
    const id = row.value;
    if (target && typeof id === "number") defaults[target.key] = id;
  }
  return defaults;
}

/** The defaults by name, for the settings page and `GET /api/v1/settings`. */
export function getSettingsView(db: Reader = getDb(), catalog: Catalog = loadCatalog(db)): SettingsView {
  const defaults = getInstanceDefaults(db);
  const policy = instanceKubeconfigPolicy(db);
  const view: SettingsView = {
    defaultExecutionConfig: null,
    defaultVisualRecipeExecutionConfig: null,
    defaultSparkConfig: null,
    defaultCluster: null,
    allowKubeconfigExecPlugins: policy.allowExecPlugins,
    allowInsecureKubeconfigTls: policy.allowInsecureTls,
  };
  const errors: Record<string, string> = {};
  for (const [field, target] of Object.entries(SETTING_TARGETS) as [
    SettingField,
    (typeof SETTING_TARGETS)[SettingField],
  ][]) {
    const id = defaults[target.key];
    if (id == null) continue;
    const item = catalog[target.kind].find((candidate) => candidate.id === id);
    if (item) view[field] = item.name;
    else errors[field] = `config not found: #${id} was deleted`;
  }
  return Object.keys(errors).length ? { ...view, errors } : view;
}
