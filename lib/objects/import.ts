import type { Result } from "@/lib/actions/result";
import { can, type Actor, type Permission } from "@/lib/permissions";

/** The longest YAML document an import accepts (the API's import schemas use the same bound). */
export const MAX_IMPORT_CHARACTERS = 200_000;

/**
 * Why an import must be refused before its YAML is parsed, or null: parsing is work done for the
 * caller, so only someone allowed to change objects of that kind gets it, and only for a
 * document of bounded size. The create or update mutation checks the permission again.
 */
export function importRefusal(actor: Actor | null, permission: Permission, yaml: string): Extract<Result<never>, { ok: false }> | null {
  if (!actor) return { ok: false, status: 401, error: "Sign in to continue" };
  if (!can(actor, permission)) return { ok: false, status: 403, error: `You do not have the permission "${permission}"` };
  if (yaml.length > MAX_IMPORT_CHARACTERS) {
    const message = `The document is too large: at most ${MAX_IMPORT_CHARACTERS.toLocaleString("en")} characters`;
    return { ok: false, status: 400, error: message, fieldErrors: { yaml: [message] } };
  }
  return null;
}
