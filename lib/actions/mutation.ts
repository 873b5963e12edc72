import "server-only";

import { z } from "zod";

import { getDb, type Tx } from "@/db";
import { recordAudit, type AuditEntry, type AuditSource } from "@/lib/audit/record";
import { recordRefusedChange } from "@/lib/audit/refusals";
import { can, type Actor, type Permission, type Scope } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";

import { DomainError, refusalFrom, type Result } from "./result";

export interface MutationContext {
  actor: Actor;
  source: AuditSource;
  /** Runs `fn` in one transaction and writes its audit entry in the same transaction. */
  write<R>(fn: (tx: Tx) => { result: R; audit: Omit<AuditEntry, "action"> & { action?: string } }): R;
  /**
   * Makes this change through another mutation (an import creates or updates): that one's
   * permission, zod parse and audit action apply as if it were called alone; its refusal is thrown.
   */
  delegate<S extends z.ZodType, T>(mutation: Mutation<S, T>, rawInput: unknown): Promise<T>;
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
  /** May do slow work (hashing) before calling ctx.write exactly once for the writes, or hands them to ctx.delegate. */
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
  try {
    return { ok: true, data: await runChecked(mutation, rawInput, actor, source) };
  } catch (error) {
    const refusal = refusalFrom(error);
    if (refusal)
      return {
        ok: false,
        status: refusal.status,
        error: refusal.message,
        fieldErrors: refusal.fieldErrors,
        details: refusal.details,
      };
    throw error;
  }
}

/** Permission → zod parse → run; every refusal is a thrown DomainError. */
async function runChecked<S extends z.ZodType, T>(
  mutation: Mutation<S, T>,
  rawInput: unknown,
  actor: Actor,
  source: AuditSource,
): Promise<T> {
  const refused = new DomainError(403, `You do not have the permission "${mutation.permission}"`);
  const unscoped = can(actor, mutation.permission);
  if (!unscoped && !mutation.scope) throw refused;
  const parsed = mutation.schema.safeParse(rawInput);
  if (!parsed.success) throw new DomainError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
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
    delegate: (inner, input) => runChecked(inner, input, actor, source),
  };
  if (!unscoped && !can(actor, mutation.permission, mutation.scope!(parsed.data))) throw refused;
  return mutation.run(parsed.data, ctx);
}
