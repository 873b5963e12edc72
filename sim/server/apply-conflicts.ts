/**
 * Field ownership between server-side apply managers: applying a field another Apply manager
 * owns, with a different value, is a 409 conflict unless `force` is set, in which case the
 * field changes hands. Fields written by plain updates (PUT, other patches) have no owner here:
 * only Apply operations record managed fields in this simulator.
 */
import type { StatusError } from "../contract";
import { statusError } from "./errors";
import { deepEqual, isPlainObject } from "./objects";

type Obj = Record<string, unknown>;
type Step = { field: string } | { key: string; value: unknown };

export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: Obj;
  subresource?: string;
}

interface Leaf {
  steps: Step[];
  text: string;
}

const IDENTITY = new Set([".apiVersion", ".kind", ".metadata.name", ".metadata.namespace"]);

/** The leaves of a FieldsV1 set, as steps into an object and as upstream prints paths. */
function leaves(set: Obj, prefix: Step[] = [], text = ""): Leaf[] {
  const out: Leaf[] = [];
  for (const [entry, child] of Object.entries(set)) {
    let step: Step;
    let stepText: string;
    if (entry.startsWith("f:")) {
      step = { field: entry.slice(2) };
      stepText = `.${entry.slice(2)}`;
    } else if (entry.startsWith("k:")) {
      const [key, value] = Object.entries(JSON.parse(entry.slice(2)) as Obj)[0];
      step = { key, value };
      stepText = `[${key}=${JSON.stringify(value)}]`;
    } else continue;
    const steps = [...prefix, step];
    const nested = isPlainObject(child) && Object.keys(child).some((k) => k !== ".");
    if (nested) out.push(...leaves(child, steps, text + stepText));
    else out.push({ steps, text: text + stepText });
  }
  return out;
}

function valueAt(object: unknown, steps: Step[]): unknown {
  let current = object;
  for (const step of steps) {
    if ("field" in step) current = isPlainObject(current) ? current[step.field] : undefined;
    else
      current = Array.isArray(current)
        ? current.find((item) => isPlainObject(item) && deepEqual(item[step.key], step.value))
        : undefined;
  }
  return current;
}

/** Removes one leaf from a set, and the parents it leaves empty. */
function removeLeaf(set: Obj, steps: Step[]): void {
  const [first, ...rest] = steps;
  const entry = "field" in first ? `f:${first.field}` : `k:${JSON.stringify({ [first.key]: first.value })}`;
  const child = set[entry];
  if (rest.length && isPlainObject(child)) {
    removeLeaf(child, rest);
    if (Object.keys(child).every((k) => k === ".")) delete set[entry];
  } else delete set[entry];
}

interface Conflict {
  manager: string;
  apiVersion: string;
  path: string;
}

function conflictError(conflicts: Conflict[]): StatusError {
  const who = (c: Conflict) => `"${c.manager}" using ${c.apiVersion}`;
  let message: string;
  if (conflicts.length === 1)
    message = `Apply failed with 1 conflict: conflict with ${who(conflicts[0])}: ${conflicts[0].path}`;
  else {
    const lines: string[] = [];
    for (const manager of [...new Set(conflicts.map(who))]) {
      lines.push(`conflicts with ${manager}`);
      for (const c of conflicts.filter((x) => who(x) === manager)) lines.push(`- ${c.path}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return statusError(409, "Conflict", message, {
    causes: conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with ${who(c)}`,
      field: c.path,
    })),
  });
}

/**
 * Checks an apply against the other Apply managers. Returns their entries with any forcibly
 * taken fields removed (entries left owning nothing are dropped); throws 409 without `force`.
 */
export function resolveApplyConflicts(
  others: ManagedFieldsEntry[],
  applied: Obj,
  appliedFields: Obj,
  live: Obj,
  force: boolean,
): ManagedFieldsEntry[] {
  const mine = leaves(appliedFields).filter((leaf) => !IDENTITY.has(leaf.text));
  const conflicts: (Conflict & { entry: ManagedFieldsEntry; steps: Step[] })[] = [];
  for (const entry of others) {
    if (entry.operation !== "Apply") continue;
    const theirs = new Set(leaves(entry.fieldsV1).map((leaf) => leaf.text));
    for (const leaf of mine) {
      if (theirs.has(leaf.text) && !deepEqual(valueAt(applied, leaf.steps), valueAt(live, leaf.steps))) {
        conflicts.push({
          manager: entry.manager,
          apiVersion: entry.apiVersion,
          path: leaf.text,
          entry,
          steps: leaf.steps,
        });
      }
    }
  }
  if (!conflicts.length) return others;
  if (!force) throw conflictError(conflicts);
  return others
    .map((entry) => {
      const taken = conflicts.filter((c) => c.entry === entry);
      if (!taken.length) return entry;
      const fieldsV1 = structuredClone(entry.fieldsV1);
      for (const c of taken) removeLeaf(fieldsV1, c.steps);
      return { ...entry, fieldsV1 };
    })
    .filter((entry) => leaves(entry.fieldsV1).some((leaf) => !IDENTITY.has(leaf.text)));
}
