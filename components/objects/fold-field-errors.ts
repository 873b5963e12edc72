import type { FieldErrors } from "@/lib/validation";

/**
 * Moves errors of nested paths onto the form field that edits them, keeping the path in the
 * message: "tolerations.0.effect" → field "tolerations", "tolerations.0.effect: …". Errors of
 * paths no form field covers go to "_form" so none is lost.
 */
export function foldFieldErrors(fieldErrors: FieldErrors | undefined, formFields: readonly string[]): FieldErrors | undefined {
  if (!fieldErrors) return undefined;
  const folded: FieldErrors = {};
  const add = (field: string, message: string) => {
    const list = (folded[field] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const [path, messages] of Object.entries(fieldErrors)) {
    const owner = [...formFields].sort((a, b) => b.length - a.length).find((field) => path === field || path.startsWith(`${field}.`));
    for (const message of messages) {
      if (owner === path) add(path, message);
      else add(owner ?? "_form", `${path}: ${message}`);
    }
  }
  return folded;
}
