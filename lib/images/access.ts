import "server-only";

import type { BaseImageRow } from "@/db/schema";
import { notFound } from "@/lib/actions/result";

import { findBaseImage } from "./queries";

/** The base image named in a path (id or name, as Next decoded it), or a 404. */
export function requireBaseImageRef(ref: string): BaseImageRow {
  const row = findBaseImage(ref);
  if (!row) throw notFound(`Base image "${ref}"`);
  return row;
}
