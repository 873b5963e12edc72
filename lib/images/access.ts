import "server-only";
import type { BaseImageRow } from "@/db/schema";
import { notFound } from "@/lib/actions/result";
import { findBaseImage } from "./queries";

/** The base image named in a path (id or name), or a 404. */
export function requireBaseImageRef(ref: string): BaseImageRow {
  const name = decodeURIComponent(ref);
  const row = findBaseImage(name);
  if (!row) throw notFound(`Base image "${name}"`);
  return row;
}
