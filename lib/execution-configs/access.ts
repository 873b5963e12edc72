import "server-only";

import type { ExecutionConfigRow } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { can, mayUse, type Actor } from "@/lib/permissions";

import { findExecutionConfig } from "./queries";

/**
 * A config the actor may see: managers see every config, others only those their groups may
 * use (404 when it does not exist, 403 when it is not theirs to use).
 */
export function visibleExecutionConfig(ref: string, actor: Actor): ExecutionConfigRow {
  const row = findExecutionConfig(ref);
  if (!row) throw new DomainError(404, `Execution config "${ref}" not found`);
  if (!can(actor, "configs.manage") && !mayUse(actor, row.usableBy)) {
    throw new DomainError(403, `no usage permission: your groups may not use execution config "${row.name}"`);
  }
  return row;
}
