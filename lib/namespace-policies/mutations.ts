import "server-only";

import { eq } from "drizzle-orm";

import type { Tx } from "@/db";
import { namespacePolicies, type NamespacePolicyRow } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { findCluster } from "@/lib/clusters/queries";
import { isKubeCallError } from "@/lib/kube/errors";
import { createNamespace, namespaceExists } from "@/lib/kube/namespaces";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { fromYamlDocument } from "@/lib/objects/yaml";
import { fieldErrorsFrom } from "@/lib/validation";

import { applyPolicy, matchingNamespaces } from "./apply";
import { diffPolicy, matchesNamespace, podSecurityDrift } from "./drift";
import { patternProblem, REGEX_PREFIX } from "./pattern";
import { findPolicy, policySpecOf, toPolicyView } from "./queries";
import {
  applyPolicySchema,
  createPolicySchema,
  deletePolicySchema,
  importPolicySchema,
  restorePolicySchema,
  updatePolicySchema,
  type ApplyOutcome,
  type CreatePolicyInput,
  type NamespaceResult,
} from "./schema";

export const POLICY_KIND = "NamespacePolicy";
export const POLICY_OBJECT_TYPE = "namespace-policy";

function requirePolicy(tx: Tx, ref: string | number): NamespacePolicyRow {
  const row = findPolicy(ref, tx);
  if (!row) throw notFound(`Namespace policy "${ref}"`);
  return row;
}

/**
 * An older body without the fields that are not part of a policy's input. A pattern that is no
 * valid glob but a valid regular expression was saved when patterns were regular expressions
 * (every pattern saved since is checked): it is restored with the prefix re:, meaning the same.
 */
function withoutBookkeeping(body: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...body };
  delete copy.version;
  delete copy.restoredFrom;
  if (
    typeof copy.pattern === "string" &&
    patternProblem(copy.pattern) &&
    !patternProblem(`${REGEX_PREFIX}${copy.pattern}`)
  )
    copy.pattern = `${REGEX_PREFIX}${copy.pattern}`;
  return copy;
}

/** The full saved body, kept in the audit row so "restore this version" can save it again. */
function policyBody(row: NamespacePolicyRow): Record<string, unknown> {
  return {
    name: row.name,
    description: row.description,
    pattern: row.pattern,
    priority: row.priority,
    podSecurity: row.podSecurity,
    ...policySpecOf(row),
    version: row.version,
  };
}

const audit = (row: NamespacePolicyRow) => ({ objectType: POLICY_OBJECT_TYPE, objectId: row.id, objectName: row.name });

function insertPolicy(tx: Tx, input: CreatePolicyInput): NamespacePolicyRow {
  // By name only: a name made of digits would be looked up as an id.
  if (
    tx.select({ id: namespacePolicies.id }).from(namespacePolicies).where(eq(namespacePolicies.name, input.name)).get()
  ) {
    throw conflict("name", `A namespace policy named "${input.name}" already exists`);
  }
  return tx
    .insert(namespacePolicies)
    .values({
      name: input.name,
      description: input.description,
      pattern: input.pattern,
      priority: input.priority,
      podSecurity: input.podSecurity,
      spec: { resourceQuota: input.resourceQuota, limitRange: input.limitRange },
    })
    .returning()
    .get();
}

export const createPolicy = defineMutation({
  name: "namespace-policy.create",
  permission: "policies.manage",
  schema: createPolicySchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = insertPolicy(tx, input);
      return { result: toPolicyView(row), audit: { ...audit(row), after: policyBody(row) } };
    });
  },
});

type PolicyChanges = Partial<
  Pick<CreatePolicyInput, "description" | "pattern" | "priority" | "podSecurity" | "resourceQuota" | "limitRange">
>;

function savePolicy(tx: Tx, before: NamespacePolicyRow, changes: PolicyChanges): NamespacePolicyRow {
  const spec = { ...policySpecOf(before) };
  if (changes.resourceQuota !== undefined) spec.resourceQuota = changes.resourceQuota;
  if (changes.limitRange !== undefined) spec.limitRange = changes.limitRange;
  if (!spec.resourceQuota && !spec.limitRange) {
    throw new DomainError(400, "Some fields are not valid", {
      resourceQuota: ["A policy needs a ResourceQuota or a LimitRange template"],
    });
  }
  return tx
    .update(namespacePolicies)
    .set({
      description: changes.description ?? before.description,
      pattern: changes.pattern ?? before.pattern,
      priority: changes.priority ?? before.priority,
      podSecurity: changes.podSecurity ?? before.podSecurity,
      spec,
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(namespacePolicies.id, before.id))
    .returning()
    .get();
}

export const updatePolicy = defineMutation({
  name: "namespace-policy.update",
  permission: "policies.manage",
  schema: updatePolicySchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requirePolicy(tx, input.policy);
      assertFreshVersion(
        "This namespace policy",
        before,
        input.version,
        conflictView(POLICY_OBJECT_TYPE, before.id, toPolicyView(before), tx),
      );
      const after = savePolicy(tx, before, input);
      return {
        result: toPolicyView(after),
        audit: { ...audit(after), before: policyBody(before), after: policyBody(after) },
      };
    });
  },
});

export const deletePolicy = defineMutation({
  name: "namespace-policy.delete",
  permission: "policies.manage",
  schema: deletePolicySchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = requirePolicy(tx, input.policy);
      tx.delete(namespacePolicies).where(eq(namespacePolicies.id, row.id)).run();
      return { result: { id: row.id, name: row.name }, audit: { ...audit(row), before: policyBody(row) } };
    });
  },
});

/** Saves an older version (an audit row's `after`) again, as a new version. */
export const restorePolicy = defineMutation({
  name: "namespace-policy.restore",
  permission: "policies.manage",
  schema: restorePolicySchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requirePolicy(tx, input.policy);
      const body = versionToRestore(POLICY_OBJECT_TYPE, before.id, input.auditEventId, policyBody(before), tx);
      const parsed = createPolicySchema.safeParse({ ...withoutBookkeeping(body), name: before.name });
      if (!parsed.success)
        throw new DomainError(422, "That version can no longer be saved as it is", fieldErrorsFrom(parsed.error));
      const after = savePolicy(tx, before, parsed.data);
      return {
        result: toPolicyView(after),
        audit: {
          ...audit(after),
          before: policyBody(before),
          after: { ...policyBody(after), restoredFrom: input.auditEventId },
        },
      };
    });
  },
});

/**
 * Imports a YAML document `{ yaml }` (kind NamespacePolicy): creates the policy, or saves it as the
 * next version of the policy of that name, through the create or update mutation.
 */
export const importPolicy = defineMutation({
  name: "namespace-policy.import",
  permission: createPolicy.permission,
  schema: importPolicySchema,
  run(input, ctx) {
    const parsed = fromYamlDocument(input.yaml, POLICY_KIND, createPolicySchema);
    if (!parsed.ok) throw new DomainError(400, parsed.error, parsed.fieldErrors);
    const existing = findPolicy(parsed.value.name);
    if (!existing) return ctx.delegate(createPolicy, parsed.value);
    const { description, pattern, priority, podSecurity, resourceQuota, limitRange } = parsed.value;
    return ctx.delegate(updatePolicy, {
      policy: existing.id,
      description,
      pattern,
      priority,
      podSecurity,
      resourceQuota,
      limitRange,
    });
  },
});

/**
 * "Apply now": brings the chosen (default: every matching) namespace of a cluster in step with the
 * policy. A real apply is audited with each namespace's changes; a dry run stores nothing.
 */
export const applyPolicyNow = defineMutation({
  name: "namespace-policy.apply",
  permission: "policies.manage",
  schema: applyPolicySchema,
  async run(input, ctx): Promise<ApplyOutcome> {
    const policy = findPolicy(input.policy);
    if (!policy) throw notFound(`Namespace policy "${input.policy}"`);
    const cluster = findCluster(input.cluster);
    if (!cluster)
      throw new DomainError(404, `Cluster "${input.cluster}" not found`, {
        cluster: [`No cluster named "${input.cluster}"`],
      });
    const templates = { name: policy.name, spec: policySpecOf(policy), podSecurity: policy.podSecurity };
    const results: NamespaceResult[] = [];
    try {
      const names = input.namespaces ?? (await matchingNamespaces(cluster, policy.pattern));
      for (const namespace of names) {
        if (!matchesNamespace(policy.pattern, namespace)) {
          results.push({
            namespace,
            status: "skipped",
            changes: [],
            error: `"${namespace}" does not match the pattern ${policy.pattern}`,
          });
          continue;
        }
        let created = false;
        if (!(await namespaceExists(cluster, namespace))) {
          if (!input.create) {
            results.push({
              namespace,
              status: "failed",
              changes: [],
              error: `Namespace "${namespace}" does not exist on ${cluster.name}`,
            });
            continue;
          }
          // A dry run reports the namespace as to be created and the whole template as missing.
          if (!input.dryRun) created = await createNamespace(cluster, namespace, policy.podSecurity);
          else {
            results.push({
              namespace,
              status: "would-change",
              created: true,
              changes: [
                ...podSecurityDrift(policy.podSecurity, {}),
                ...diffPolicy(templates.spec, { resourceQuota: null, limitRange: null }),
              ],
            });
            continue;
          }
        }
        const result = await applyPolicy(cluster, templates, namespace, { dryRun: input.dryRun });
        results.push(created ? { ...result, created } : result);
      }
    } catch (error) {
      if (isKubeCallError(error, "namespace"))
        throw new DomainError(error.failure.status === 404 ? 404 : 422, `${cluster.name}: ${error.message}`, {
          cluster: [error.message],
        });
      throw error;
    }
    const touched = results
      .filter((result) => result.status === "applied" || result.status === "would-change" || result.created)
      .map((result) => result.namespace)
      .sort();
    const outcome = { policy: policy.name, cluster: cluster.name, dryRun: input.dryRun, touched, results };
    if (input.dryRun) return outcome;
    return ctx.write(() => ({
      result: outcome,
      audit: {
        ...audit(policy),
        after: {
          cluster: cluster.name,
          results: results.map(({ namespace, status, changes, error }) => ({
            namespace,
            status,
            changes: changes.length,
            ...(error ? { error } : {}),
          })),
        },
      },
    }));
  },
});
