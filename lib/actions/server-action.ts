import "server-only";

import { revalidatePath } from "next/cache";
import type { z } from "zod";

import { currentActor } from "@/lib/auth/session";

import { executeMutation, type Mutation } from "./mutation";
import type { Result } from "./result";

/**
 * The server-action side of the one mutation path: session → executeMutation (permission, zod,
 * transaction + audit) → revalidate the pages that show the change.
 */
export async function runServerAction<S extends z.ZodType, T>(
  mutation: Mutation<S, T>,
  input: unknown,
  revalidate: string[],
): Promise<Result<T>> {
  const result = await executeMutation(mutation, input, await currentActor(), "ui");
  // "layout" covers the area and its detail pages (/users and /users/12).
  if (result.ok) for (const path of revalidate) revalidatePath(path, "layout");
  return result;
}

/** A form's fields as an object; fields listed in `arrays` keep every value. */
export function formInput(formData: FormData, arrays: string[] = []): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue;
    input[key] = arrays.includes(key) ? formData.getAll(key).map(String) : String(formData.get(key));
  }
  for (const key of arrays) input[key] ??= [];
  return input;
}
