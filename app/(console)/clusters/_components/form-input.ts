/** A submitted form's fields as a plain object (kept to run the same request again). */
export function formInputFromForm(formData: FormData): Record<string, unknown> {
  return Object.fromEntries([...formData.entries()].filter(([key]) => !key.startsWith("$ACTION")).map(([key, value]) => [key, String(value)]));
}
