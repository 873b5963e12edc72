import "server-only";
import { z } from "zod";
import { getDb, type Tx } from "@/db";
import { recordAudit, type AuditEntry, type AuditSource } from "@/lib/audit/record";
import { recordRefusedChange } from "@/lib/audit/refusals";
import { can, type Actor, type Permission, type Scope } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";
import { DomainError, type Result } from "./result";

export interface MutationContext {
  actor: Actor;
  source: AuditSource;
  /** Runs `fn` in one transaction and writes its audit entry in the same transaction. */
  write<R>(fn: (tx: Tx) => { result: R; audit: Omit<AuditEntry, "action"> & { action?: string } }): R;
}

export interface Mutation<S extends z.ZodType, T> {
  /** Audit action name, e.g. "user.create". */
  name: string;
  permission: Permission;
  /**
   * For permissions granted per cluster or project: the scope the parsed input acts on. Without
   * the unscoped permission, the actor needs it on this scope. May throw DomainError (404).
   */
  scope?: (input: z.output<S>) => Scope;
  schema: S;
  /** May do slow work (hashing) before calling ctx.write exactly once for the writes. */
  run(input: z.output<S>, ctx: MutationContext): Promise<T> | T;
}

export function defineMutation<S extends z.ZodType, T>(mutation: Mutation<S, T>): Mutation<S, T> {
  return mutation;
}

/**
 * The one path of every change, from the UI or the API: permission → zod parse → domain code
 * (writes in a transaction with its audit row). Never throws for expected refusals; refusals
 * (401, 403, invalid input) are audited too, rate-limited.
 */
export async function executeMutation<S extends z.ZodType, T>(
  mutation: Mutation<S, T>,
  rawInput: unknown,
  actor: Actor | null,
  source: AuditSource,
): Promise<Result<T>> {
  const result = await attemptMutation(mutation, rawInput, actor, source);
  if (!result.ok) recordRefusedChange({ action: mutation.name, actor, source }, result);
  return result;
}

async function attemptMutation<S extends z.ZodType, T>(
  mutation: Mutation<S, T>,
  rawInput: unknown,
  actor: Actor | null,
  source: AuditSource,
): Promise<Result<T>> {
  if (!actor) return { ok: false, status: 401, error: "Sign in to continue" };
  const refused = { ok: false, status: 403, error: `You do not have the permission "${mutation.permission}"` } as const;
  const unscoped = can(actor, mutation.permission);
  if (!unscoped && !mutation.scope) return refused;
  const parsed = mutation.schema.safeParse(rawInput);
  if (!parsed.success) {
    return { ok: false, status: 400, error: "Some fields are not valid", fieldErrors: fieldErrorsFrom(parsed.error) };
  }
  const ctx: MutationContext = {
    actor,
    source,
    write(fn) {
      return getDb().transaction((tx) => {
        const { result, audit } = fn(tx);
        recordAudit(tx, actor, source, { ...audit, action: audit.action ?? mutation.name });
        return result;
      });
    },
  };
  try {
    if (!unscoped && !can(actor, mutation.permission, mutation.scope!(parsed.data))) return refused;
    return { ok: true, data: await mutation.run(parsed.data, ctx) };
  } catch (error) {
    if (error instanceof DomainError) {
      return { ok: false, status: error.status, error: error.message, fieldErrors: error.fieldErrors, details: error.details };
    }
    throw error;
  }
}
