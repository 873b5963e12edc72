import type { ActivityType } from "@/lib/resolution/activities";

export const PLUGIN_LIBS_WARNING =
  "Plugin recipes run in a container, where use_plugin_libs and import_from_plugin do not work: code that imports the plugin's libraries fails. Put those libraries in the code env instead.";
export const TENSORBOARD_WARNING =
  "This training runs on GPUs in the cluster, but TensorBoard is served from the Berth host: it will not work when the Berth host has no GPU.";

/** What the seed's limitations mean for this run, said at submit (kept on the run). */
export function runWarnings(activity: ActivityType, facts: { gpus: number }): string[] {
  const warnings: string[] = [];
  if (activity === "plugin-recipe") warnings.push(PLUGIN_LIBS_WARNING);
  if ((activity === "ml-train" || activity === "ml-retrain") && facts.gpus > 0) warnings.push(TENSORBOARD_WARNING);
  return warnings;
}
