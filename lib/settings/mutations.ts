import "server-only";

import { eq } from "drizzle-orm";

import { settings } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { DomainError } from "@/lib/actions/result";
import { setKubeconfigPolicy } from "@/lib/kube/client";
import { reconnectAllInformers } from "@/lib/kube/informers";
import { findInCatalog, KIND_WORDS, loadCatalog } from "@/lib/resolution/catalog";
import type { FieldErrors } from "@/lib/validation";

import { instanceKubeconfigPolicy, KUBECONFIG_SETTINGS, type KubeconfigSetting } from "./kubeconfig-policy";
import { getSettingsView, SETTING_TARGETS } from "./queries";
import { SETTING_FIELDS, updateSettingsSchema } from "./schema";

/**
 * Sets or clears instance defaults and the kubeconfig switches; names that match nothing are field
 * errors and nothing is saved. A changed switch applies to stored kubeconfigs at once: every
 * cluster's clients and watches are rebuilt under the new policy.
 */
export const updateSettings = defineMutation({
  name: "settings.update",
  permission: "settings.manage",
  schema: updateSettingsSchema,
  run(input, ctx) {
    const result = ctx.write((tx) => {
      const catalog = loadCatalog(tx);
      const before = getSettingsView(tx, catalog);
      const fieldErrors: FieldErrors = {};
      const changes: [string, number | null][] = [];
      for (const field of SETTING_FIELDS) {
        const ref = input[field];
        if (ref === undefined) continue;
        if (ref === null) {
          changes.push([field, null]);
          continue;
        }
        const { kind } = SETTING_TARGETS[field];
        const item = findInCatalog(catalog[kind], ref);
        if (item) changes.push([field, item.id]);
        else fieldErrors[field] = [`No ${KIND_WORDS[kind]} named "${ref}"`];
      }
      if (Object.keys(fieldErrors).length)
        throw new DomainError(422, "Some defaults name nothing that exists", fieldErrors);
      const switches = (Object.keys(KUBECONFIG_SETTINGS) as KubeconfigSetting[])
        .filter((key) => input[key] !== undefined)
        .map((key): [string, boolean] => [key, input[key]!]);
      for (const [key, value] of [...changes, ...switches]) {
        if (value === null) tx.delete(settings).where(eq(settings.key, key)).run();
        else
          tx.insert(settings)
            .values({ key, value })
            .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } })
            .run();
      }
      const after = getSettingsView(tx, catalog);
      return {
        result: after,
        audit: { objectType: "settings", objectId: "instance", objectName: "instance defaults", before, after },
      };
    });
    if (setKubeconfigPolicy(instanceKubeconfigPolicy())) reconnectAllInformers();
    return result;
  },
});
