import "server-only";

import { redirect } from "next/navigation";
import type { z } from "zod";

import { withSchemaErrors, type FieldErrors } from "@/lib/validation";

import type { Mutation } from "./mutation";
import type { Result } from "./result";
import { formInput, runServerAction } from "./server-action";

/** A form's fields as a mutation's input, with the fields that could not be read (a line that is not NAME=value). */
export interface FormRead {
  input: Record<string, unknown>;
  fieldErrors?: FieldErrors;
}

export interface FormActionOptions<T> {
  /** The pages that show the change; each is revalidated with everything under it ("layout"). */
  revalidate: string[];
  /** The form's fields as the mutation's input; by default every field as text (formInput). */
  read?: (formData: FormData) => FormRead;
  /** Checks the other fields when the form could not be read whole; by default the mutation's schema. */
  readSchema?: z.ZodType;
  /** Input fields readSchema does not cover (an edit form's object id and version). */
  notInReadSchema?: readonly string[];
  /** Puts the errors of nested paths on the form field that edits them; by default they stay as they are. */
  fieldErrors?: (errors: FieldErrors) => FieldErrors | undefined;
  /** Where a successful submission goes (the saved object's page); without it the form stays and shows the answer. */
  redirectTo?: (data: T) => string;
}

const readEveryField = (formData: FormData): FormRead => ({ input: formInput(formData) });

/**
 * The rule of every console form, without Next's request context (formAction adds it):
 * 1. read the fields; if some could not be read, refuse them together with the schema's errors
 *    for every other field (so one bad line hides nothing) — the mutation does not run;
 * 2. run the mutation through `execute`;
 * 3. refused: the answer with its field errors folded onto the form's fields;
 * 4. saved: the answer, and where to go when the form leaves the page.
 */
export async function submitForm<S extends z.ZodType, T>(
  mutation: Mutation<S, T>,
  options: Omit<FormActionOptions<T>, "revalidate">,
  formData: FormData,
  execute: (input: Record<string, unknown>) => Promise<Result<T>>,
): Promise<{ result: Result<T>; redirectTo?: string }> {
  const onFormFields = options.fieldErrors ?? ((errors: FieldErrors) => errors);
  const { input, fieldErrors: readErrors } = (options.read ?? readEveryField)(formData);
  if (readErrors && Object.keys(readErrors).length > 0) {
    const checked = Object.fromEntries(
      Object.entries(input).filter(([field]) => !options.notInReadSchema?.includes(field)),
    );
    const fieldErrors = withSchemaErrors(readErrors, options.readSchema ?? mutation.schema, checked, onFormFields);
    return { result: { ok: false, status: 400, error: "Some fields are not valid", fieldErrors } };
  }
  const result = await execute(input);
  if (!result.ok)
    return { result: result.fieldErrors ? { ...result, fieldErrors: onFormFields(result.fieldErrors) } : result };
  return { result, redirectTo: options.redirectTo?.(result.data) };
}

/**
 * A server action for a `<form>` (useActionState): `(previous, formData) → Result`. Same path as
 * every change (runServerAction: session, permission, zod, transaction + audit row), and one rule
 * for every form:
 * - fields: read by `read` (default: every field as text); fields it could not read are refused
 *   with every other field's schema error, and nothing is run;
 * - field errors: folded by `fieldErrors` onto the form's fields, whether from reading or from the
 *   mutation, so each shows under the input that edits it;
 * - revalidate: only after a saved change, each `revalidate` page with everything under it;
 * - redirect: only after a saved change and only with `redirectTo` (to the object's page after a
 *   create or a save that leaves the form); a refused submission always stays on the form.
 */
export function formAction<S extends z.ZodType, T>(mutation: Mutation<S, T>, options: FormActionOptions<T>) {
  return async (_previous: unknown, formData: FormData): Promise<Result<T>> => {
    const { result, redirectTo } = await submitForm(mutation, options, formData, (input) =>
      runServerAction(mutation, input, options.revalidate),
    );
    // redirect() ends the action by throwing, so it stays outside any try/catch.
    if (redirectTo) redirect(redirectTo);
    return result;
  };
}
