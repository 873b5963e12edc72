import { z } from "zod";

/** The longest YAML document an import accepts (the API's import schemas use the same bound). */
export const MAX_IMPORT_CHARACTERS = 200_000;

/**
 * The body of an import `{ yaml }`. The import mutation checks the permission before this parse,
 * and the bound keeps an oversized document from ever being parsed as YAML.
 */
export const importDocumentSchema = z.strictObject({
  yaml: z
    .string({ error: "yaml is required" })
    .min(1, "Paste or upload a YAML document")
    .max(
      MAX_IMPORT_CHARACTERS,
      `The document is too large: at most ${MAX_IMPORT_CHARACTERS.toLocaleString("en")} characters`,
    ),
});
