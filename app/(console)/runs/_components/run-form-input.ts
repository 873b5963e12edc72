import type { FieldErrors } from "@/lib/validation";

const SIM_PREFIX = "sim.berth.dev/";

/**
 * The form's "simulated behaviour" lines (`duration=20s`, `log-lines=a\nb` is not possible on one
 * line, so `log-rate=2` etc.) as the request's `annotations`: each name gets the simulator's
 * `sim.berth.dev/` prefix unless written with it. The schema then refuses any other prefix.
 */
export function simAnnotationsFromLines(text: string): {
  annotations?: Record<string, string>;
  fieldErrors: FieldErrors;
} {
  const annotations: Record<string, string> = {};
  const fieldErrors: FieldErrors = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const at = line.indexOf("=");
    if (at <= 0) {
      (fieldErrors.annotations ??= []).push(`line ${index + 1}: write name=value, e.g. duration=20s`);
      return;
    }
    const name = line.slice(0, at).trim();
    // "\n" in a value stands for a line break, so log-lines can hold several lines.
    annotations[name.startsWith(SIM_PREFIX) ? name : `${SIM_PREFIX}${name}`] = line
      .slice(at + 1)
      .trim()
      .replaceAll("\\n", "\n");
  });
  return { ...(Object.keys(annotations).length ? { annotations } : {}), fieldErrors };
}
