import { keyInWords, pathInWords, type FieldErrors } from "@/lib/validation";

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Moves errors of nested paths onto the form field that edits them, saying where in words
 * ("tolerations.0.effect" → field "tolerations", "Entry 1, effect: …"). Errors of paths no form
 * field covers go to "_form" under the field's label (`labels`, else its name in words) so none
 * is lost. A message shows once per field.
 */
export function foldFieldErrors(
  fieldErrors: FieldErrors | undefined,
  formFields: readonly string[],
  labels: Record<string, string> = {},
): FieldErrors | undefined {
  if (!fieldErrors) return undefined;
  const folded: FieldErrors = {};
  const add = (field: string, message: string) => {
    const list = (folded[field] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  const fields = [...formFields].sort((a, b) => b.length - a.length);
  for (const [path, messages] of Object.entries(fieldErrors)) {
    const owner = fields.find((field) => path === field || path.startsWith(`${field}.`));
    for (const message of messages) {
      if (owner === path) {
        add(path, message);
        continue;
      }
      const segments = (owner ? path.slice(owner.length + 1) : path).split(".");
      const field = owner ? undefined : segments.shift()!;
      const where = [field && (labels[field] ?? capitalize(keyInWords(field))), pathInWords(segments, message, !field)]
        .filter(Boolean)
        .join(", ");
      add(owner ?? "_form", where ? `${where}: ${message}` : message);
    }
  }
  return folded;
}
