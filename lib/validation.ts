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

/** A login name: lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit. */
export const usernameSchema = z
  .string({ error: "Username is required" })
  .trim()
  .min(1, { error: "Username is required", abort: true })
  .max(64, { error: "Username must be at most 64 characters", abort: true })
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, "Use lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit");

/** A group name: letters, digits, ".", "_" or "-", up to 63 characters. */
export const groupNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(63, { error: "Name must be at most 63 characters", abort: true })
  .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "Use letters, digits, '.', '_' or '-', starting and ending with a letter or digit");

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
