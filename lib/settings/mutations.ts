import "server-only";
import { eq } from "drizzle-orm";
import { settings } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { DomainError } from "@/lib/actions/result";
import { findInCatalog, KIND_WORDS, loadCatalog } from "@/lib/resolution/catalog";
import type { FieldErrors } from "@/lib/validation";
import { getSettingsView, SETTING_TARGETS } from "./queries";
import { SETTING_FIELDS, updateSettingsSchema } from "./schema";

/** Sets or clears instance defaults; names that match nothing are field errors and nothing is saved. */
export const updateSettings = defineMutation({
  name: "settings.update",
  permission: "settings.manage",
  schema: updateSettingsSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
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
      if (Object.keys(fieldErrors).length) throw new DomainError(422, "Some defaults name nothing that exists", fieldErrors);
      for (const [key, id] of changes) {
        if (id === null) tx.delete(settings).where(eq(settings.key, key)).run();
        else
          tx.insert(settings)
            .values({ key, value: id })
            .onConflictDoUpdate({ target: settings.key, set: { value: id, updatedAt: new Date() } })
            .run();
      }
      const after = getSettingsView(tx, catalog);
      return { result: after, audit: { objectType: "settings", objectId: "instance", objectName: "instance defaults", before, after } };
    });
  },
});
