import { z } from "zod";

import { DomainError } from "@/lib/actions/result";

/** The version a form or API client read; a save with an older one is refused. Optional on the API. */
export const versionSchema = z.coerce.number({ error: "Version must be a number" }).int().positive();

/**
 * Refuses a save made from a stale copy. The 409 carries the current object, so the person sees
 * the other change instead of silently overwriting it.
 */
export function assertFreshVersion(
  what: string,
  current: { version: number },
  expected: number | undefined,
  currentView: unknown,
): void {
  if (expected === undefined || expected === current.version) return;
  const message = `${what} was changed by someone else since you opened it (you had version ${expected}, it is now version ${current.version}). Their change is shown below; reload to edit the current version.`;
  throw new DomainError(409, message, { version: [message] }, { current: currentView });
}

/** True when a path segment names an object by numeric id rather than by name. */
export const isIdRef = (ref: string | number) => typeof ref === "number" || /^\d+$/.test(ref);
