import "server-only";

import { inArray } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { settings } from "@/db/schema";
import { STRICT_KUBECONFIG_POLICY, type KubeconfigPolicy } from "@/lib/kube/kubeconfig-policy";

type Reader = ReturnType<typeof getDb> | Tx;

/** The instance settings that widen what a kubeconfig may do, and the policy switch each sets. */
export const KUBECONFIG_SETTINGS = {
  allowKubeconfigExecPlugins: "allowExecPlugins",
  allowInsecureKubeconfigTls: "allowInsecureTls",
} as const satisfies Record<string, keyof KubeconfigPolicy>;
export type KubeconfigSetting = keyof typeof KUBECONFIG_SETTINGS;

/** What kubeconfigs may do on this instance now; off unless an admin set a switch to true. */
export function instanceKubeconfigPolicy(db: Reader = getDb()): KubeconfigPolicy {
  const policy = { ...STRICT_KUBECONFIG_POLICY };
  const rows = db
    .select()
    .from(settings)
    .where(inArray(settings.key, Object.keys(KUBECONFIG_SETTINGS)))
    .all();
  for (const row of rows) policy[KUBECONFIG_SETTINGS[row.key as KubeconfigSetting]] = row.value === true;
  return policy;
}
