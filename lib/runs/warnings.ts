import type { ActivityType } from "@/lib/resolution/activities";

export const PLUGIN_LIBS_WARNING =
  "Plugin recipes run in a container, where use_plugin_libs and import_from_plugin do not work: code that imports the plugin's libraries fails. Put those libraries in the code env instead.";
// The limitation is Dataiku DSS's for deep-learning training in containers: the DSS host, not the
// container, starts TensorBoard from the model's code env.
export const TENSORBOARD_WARNING =
  "Berth does not serve TensorBoard: this training writes its TensorBoard logs in the cluster. In a DSS-like setup, TensorBoard is started on the DSS host from the model's code env, so with a GPU-only TensorFlow in that code env it will not start when that host has no GPU; use a code env whose TensorFlow also runs on CPU to view the logs there.";

/** What the seed's limitations mean for this run, said at submit (kept on the run). */
export function runWarnings(activity: ActivityType, facts: { gpus: number }): string[] {
  const warnings: string[] = [];
  if (activity === "plugin-recipe") warnings.push(PLUGIN_LIBS_WARNING);
  if ((activity === "ml-train" || activity === "ml-retrain") && facts.gpus > 0) warnings.push(TENSORBOARD_WARNING);
  return warnings;
}
