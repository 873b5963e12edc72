/** A submitted form's fields as a plain object (kept to run the same request again). */
export function formInputFromForm(formData: FormData): Record<string, unknown> {
  return Object.fromEntries(
    [...formData.entries()].filter(([key]) => !key.startsWith("$ACTION")).map(([key, value]) => [key, String(value)]),
  );
}

/**
 * The GPU label fields travel as `gpuMetricLabels.pod`, `.namespace` and `.container` (so each
 * shows its own error); the schema takes them as one object.
 */
export function nestGpuMetricLabels(input: Record<string, unknown>): Record<string, unknown> {
  const prefix = "gpuMetricLabels.";
  const flat = Object.keys(input).filter((key) => key.startsWith(prefix));
  if (flat.length === 0) return input;
  const rest = Object.fromEntries(Object.entries(input).filter(([key]) => !key.startsWith(prefix)));
  return { ...rest, gpuMetricLabels: Object.fromEntries(flat.map((key) => [key.slice(prefix.length), input[key]])) };
}
