import { z } from "zod";

export type FieldErrors = Record<string, string[]>;

/** Every problem of a failed parse, keyed by field path ("_form" for the object itself). */
export function fieldErrorsFrom(error: z.ZodError): FieldErrors {
  // No prototype while filling: a client's field may be called "__proto__" or "constructor".
  const fieldErrors: FieldErrors = Object.create(null);
  const add = (field: string, message: string) => (fieldErrors[field] ??= []).push(message);
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add([...issue.path, key].join("."), "Unknown field");
    } else {
      add(issue.path.join(".") || "_form", issue.message);
    }
  }
  // A plain object again (spreading defines "__proto__" as an own key): React refuses to pass
  // null-prototype objects from a server action to the browser.
  return { ...fieldErrors };
}

/** A camelCase key in words: "defaultRequest" → "default request". */
export const keyInWords = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();

/**
 * Keys of Berth's own nested objects. Any other key is a name the user chose (a quantity's
 * resource, a Spark conf key) that may itself contain dots, so it is shown whole.
 */
const STRUCTURAL_KEYS = new Set([
  "limits",
  "requests",
  "max",
  "min",
  "default",
  "defaultRequest",
  "hard",
  "type",
  "groups",
  "effect",
  "key",
  "value",
  "operator",
  "name",
  "version",
  "url",
  "repository",
  "executionConfigs",
  "sparkConfigs",
]);

const singular = (word: string) =>
  word.endsWith("ies")
    ? `${word.slice(0, -3)}y`
    : word.endsWith("s") && !word.endsWith("ss")
      ? word.slice(0, -1)
      : word;

/**
 * Where inside a form field an error is, in words, from the path below the field: list indexes
 * count from 1 and take the list's name ("limits.0.max.nvidia.com/gpu" → "Limit 1, max
 * nvidia.com/gpu"; a bare index → "Entry 2"). A last key the message starts with is left out
 * ("limits.0.type" with "Type must be…" → "Limit 1").
 */
export function pathInWords(segments: readonly string[], message = "", startsSentence = true): string {
  const parts: string[] = [];
  let words: string[] = [];
  let chosenFirst = false;
  const flush = () => {
    if (words.length) parts.push(words.join(" "));
    words = [];
  };
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (segment === "") continue;
    if (/^\d+$/.test(segment)) {
      const noun = words.length ? singular(words.pop()!) : "entry";
      flush();
      parts.push(`${noun} ${Number(segment) + 1}`);
    } else if (STRUCTURAL_KEYS.has(segment)) {
      words.push(keyInWords(segment));
    } else {
      chosenFirst ||= parts.length === 0 && words.length === 0;
      words.push(segments.slice(index).join("."));
      break;
    }
  }
  flush();
  if (parts.length > 1 && message.toLowerCase().startsWith(parts[parts.length - 1].toLowerCase())) parts.pop();
  const text = parts.join(", ");
  // A name the user chose keeps its case; Berth's own words start a sentence.
  return chosenFirst || !startsSentence ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/** Field errors of several sources as one, each message once per field. */
export function mergeFieldErrors(...sources: (FieldErrors | undefined)[]): FieldErrors {
  const merged: FieldErrors = {};
  for (const source of sources) {
    for (const [field, messages] of Object.entries(source ?? {})) {
      const list = (merged[field] ??= []);
      for (const message of messages) if (!list.includes(message)) list.push(message);
    }
  }
  return merged;
}

/**
 * The errors of a form that could not be read whole: the reader's (unreadable lines), plus the
 * schema's for every field the reader did not already refuse, so one bad line hides nothing.
 */
export function withSchemaErrors(
  readErrors: FieldErrors,
  schema: z.ZodType,
  input: unknown,
  onFormFields: (errors: FieldErrors) => FieldErrors | undefined = (errors) => errors,
): FieldErrors {
  const parsed = schema.safeParse(input);
  const schemaErrors = parsed.success ? {} : (onFormFields(fieldErrorsFrom(parsed.error)) ?? {});
  const others = Object.fromEntries(Object.entries(schemaErrors).filter(([field]) => !(field in readErrors)));
  return mergeFieldErrors(readErrors, others);
}

/** A login name: lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit. */
export const usernameSchema = z
  .string({ error: "Username is required" })
  .trim()
  .min(1, { error: "Username is required", abort: true })
  .max(64, { error: "Username must be at most 64 characters", abort: true })
  .regex(
    /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/,
    "Use lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
  );

/** A group name: letters, digits, ".", "_" or "-", up to 63 characters. */
export const groupNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(63, { error: "Name must be at most 63 characters", abort: true })
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/,
    "Use letters, digits, '.', '_' or '-', starting and ending with a letter or digit",
  );

/** At least 10 characters mixing at least two of: lowercase, uppercase, digits, symbols. */
export const passwordSchema = z
  .string({ error: "Password is required" })
  .min(10, "Password must be at least 10 characters")
  .max(200, "Password must be at most 200 characters")
  .refine(
    (value) => [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(value)).length >= 2,
    "Password must mix at least two of: lowercase, uppercase, digits, symbols",
  );

export const descriptionSchema = z.string().trim().max(1000, "Description must be at most 1000 characters");

/** A place work runs (a cluster, a Docker host) named by id or name, as in REST paths. */
export const objectRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(63)]);

/** A DNS-1123 label (lowercase letters, digits, "-"), so the name can appear in URLs and labels. */
export const dnsLabelNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(63, { error: "Name must be at most 63 characters", abort: true })
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    "Use lowercase letters, digits and '-', starting and ending with a letter or digit",
  );

/** The groups' levels on one object, as a set-grants request lists them. */
export const grantListSchema = <L extends z.ZodType>(level: L) =>
  z.array(z.strictObject({ group: groupNameSchema, level })).max(1000);

/** For a set-grants request's superRefine: a group listed twice is refused where it stands again. */
export function refuseRepeatedGroups(value: { grants: { group: string }[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  value.grants.forEach((grant, index) => {
    if (seen.has(grant.group))
      ctx.addIssue({
        code: "custom",
        path: ["grants", index, "group"],
        message: `Group "${grant.group}" is listed twice`,
      });
    seen.add(grant.group);
  });
}
