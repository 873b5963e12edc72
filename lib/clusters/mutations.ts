import "server-only";

import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { eq } from "drizzle-orm";

import type { Tx } from "@/db";
import { clusterGrants, clusters, type Cluster } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { recordAudit } from "@/lib/audit/record";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secret-box";
import { requireGrantGroups } from "@/lib/groups/queries";
import { forgetKubeClients, kubeClients } from "@/lib/kube/client";
import { stopClusterInformers } from "@/lib/kube/informers";
import { jobOutcome } from "@/lib/kube/jobs";
import { isFinishedPod } from "@/lib/kube/pods";
import { withTimeout } from "@/lib/kube/timeout";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { can, type Actor } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";

import { resolveConnection } from "./connection";
import { kubeRefusal } from "./kube-refusal";
import { clusterGrantsOf, findCluster, toClusterView } from "./queries";
import { clusterReferences } from "./references";
import {
  cleanupSchema,
  createClusterSchema,
  deleteClusterSchema,
  deletePodSchema,
  restoreClusterSchema,
  setClusterGrantsSchema,
  updateClusterSchema,
  type CleanupInput,
  type CleanupResult,
  type GpuMetricLabelsInput,
} from "./schema";
import { forgetClusterStatus } from "./status";

/** The cluster a path or form names, or a 404. */
export function requireCluster(ref: string | number, tx?: Tx): Cluster {
  const cluster = findCluster(ref, tx);
  if (!cluster) throw notFound(`Cluster "${ref}"`);
  return cluster;
}

/** For scoped permissions: the id of the cluster the input acts on. */
const clusterScope = (input: { cluster: string | number }) => ({ cluster: requireCluster(input.cluster).id });

/** What the audit log keeps of a cluster: never the kubeconfig. */
export function clusterAuditBody(cluster: Cluster) {
  return {
    name: cluster.name,
    description: cluster.description,
    context: cluster.context,
    server: cluster.server,
    prometheusUrl: cluster.prometheusUrl,
    gpuMetricLabels: cluster.gpuMetricLabels ?? "auto",
    sparkJobNamespaces: cluster.sparkJobNamespaces ?? null,
  };
}

const clusterAudit = (cluster: Cluster) => ({ objectType: "cluster", objectId: cluster.id, objectName: cluster.name });

export const createCluster = defineMutation({
  name: "cluster.create",
  permission: "clusters.create",
  schema: createClusterSchema,
  run(input, ctx) {
    const connection = resolveConnection(input.kubeconfig, input.context);
    const kubeconfigEncrypted = encryptSecret(input.kubeconfig);
    return ctx.write((tx) => {
      if (findCluster(input.name, tx)) throw conflict("name", `A cluster named "${input.name}" already exists`);
      const cluster = tx
        .insert(clusters)
        .values({
          name: input.name,
          description: input.description,
          kubeconfigEncrypted,
          ...connection,
          prometheusUrl: input.prometheusUrl ?? null,
          gpuMetricLabels: storedGpuLabels(input.gpuMetricLabels) ?? null,
          sparkJobNamespaces: input.sparkJobNamespaces ?? null,
        })
        .returning()
        .get();
      return { result: toClusterView(cluster), audit: { ...clusterAudit(cluster), after: clusterAuditBody(cluster) } };
    });
  },
});

/** The column's value: null for "auto", undefined when not given. */
function storedGpuLabels(labels: GpuMetricLabelsInput | undefined): Cluster["gpuMetricLabels"] | undefined {
  if (labels === undefined) return undefined;
  return labels === "auto" ? null : labels;
}

interface ClusterChanges {
  name?: string;
  description?: string;
  prometheusUrl?: string | null;
  gpuMetricLabels?: GpuMetricLabelsInput;
  sparkJobNamespaces?: string[] | null;
  context?: string;
  kubeconfig?: string;
}

/**
 * Writes changes over a cluster as its next version (fields left undefined keep their value).
 * A new kubeconfig or context is checked and resets the probed status: it has not been probed yet.
 * It changes whose credentials Berth acts with on the cluster, so it needs manage there, where
 * operate may change the rest.
 */
function saveClusterChanges(tx: Tx, actor: Actor, before: Cluster, changes: ClusterChanges): Cluster {
  if (changes.name && changes.name !== before.name && findCluster(changes.name, tx))
    throw conflict("name", `A cluster named "${changes.name}" already exists`);
  const connectionChanged =
    changes.kubeconfig !== undefined || (changes.context !== undefined && changes.context !== before.context);
  if (connectionChanged && !can(actor, "clusters.manage", { cluster: before.id })) {
    throw new DomainError(
      403,
      'Replacing the kubeconfig or its context needs the permission "clusters.manage" on this cluster',
    );
  }
  if (connectionChanged && before.inCluster) {
    // Its connection is the pod's ServiceAccount, rebuilt at every start: a pasted one would be replaced.
    const message =
      "This is the cluster Berth runs in: it connects as Berth's own ServiceAccount, and its kubeconfig cannot be replaced";
    throw new DomainError(422, message, { [changes.kubeconfig !== undefined ? "kubeconfig" : "context"]: [message] });
  }
  const connection = connectionChanged
    ? resolveConnection(
        changes.kubeconfig ?? decryptSecret(before.kubeconfigEncrypted),
        changes.context ?? (changes.kubeconfig ? undefined : before.context),
      )
    : {};
  return tx
    .update(clusters)
    .set({
      name: changes.name ?? before.name,
      description: changes.description ?? before.description,
      prometheusUrl: changes.prometheusUrl === undefined ? before.prometheusUrl : changes.prometheusUrl,
      gpuMetricLabels:
        changes.gpuMetricLabels === undefined ? before.gpuMetricLabels : storedGpuLabels(changes.gpuMetricLabels),
      sparkJobNamespaces:
        changes.sparkJobNamespaces === undefined ? before.sparkJobNamespaces : changes.sparkJobNamespaces,
      ...connection,
      ...(changes.kubeconfig !== undefined ? { kubeconfigEncrypted: encryptSecret(changes.kubeconfig) } : {}),
      ...(connectionChanged
        ? { reachable: null, kubernetesVersion: null, unreachableSince: null, lastError: null }
        : {}),
      version: before.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(clusters.id, before.id))
    .returning()
    .get();
}

export const updateCluster = defineMutation({
  name: "cluster.update",
  permission: "clusters.operate",
  scope: clusterScope,
  schema: updateClusterSchema,
  run(input, ctx) {
    const result = ctx.write((tx) => {
      const before = requireCluster(input.cluster, tx);
      // In a conflict, `version` is the revision the editor must send back (not the Kubernetes version).
      assertFreshVersion(
        `Cluster ${before.name}`,
        before,
        input.version,
        conflictView("cluster", before.id, { ...toClusterView(before), version: before.version }, tx),
      );
      const after = saveClusterChanges(tx, ctx.actor, before, input);
      return {
        result: toClusterView(after),
        audit: {
          ...clusterAudit(after),
          before: clusterAuditBody(before),
          after: {
            ...clusterAuditBody(after),
            ...(input.kubeconfig !== undefined ? { connectionReplaced: true } : {}),
          },
        },
      };
    });
    forgetClusterStatus(result.id);
    return result;
  },
});

/**
 * Saves the name, description, context and Prometheus URL of an older version again, as a new
 * version. The kubeconfig is never in the audit log, so the current one is kept.
 */
export const restoreCluster = defineMutation({
  name: "cluster.restore",
  permission: "clusters.operate",
  scope: clusterScope,
  schema: restoreClusterSchema,
  run(input, ctx) {
    const result = ctx.write((tx) => {
      const before = requireCluster(input.cluster, tx);
      const body = versionToRestore("cluster", before.id, input.auditEventId, clusterAuditBody(before), tx);
      const parsed = updateClusterSchema.safeParse({
        cluster: before.id,
        name: body.name,
        description: body.description,
        context: body.context,
        prometheusUrl: body.prometheusUrl ?? "",
        // Versions saved before the setting existed used "auto".
        gpuMetricLabels: body.gpuMetricLabels ?? "auto",
        sparkJobNamespaces: body.sparkJobNamespaces ?? null,
      });
      if (!parsed.success)
        throw new DomainError(422, "That version can no longer be saved as it is", fieldErrorsFrom(parsed.error));
      // The restored version's Prometheus URL is restored too, including "none".
      const after = saveClusterChanges(tx, ctx.actor, before, {
        ...parsed.data,
        prometheusUrl: parsed.data.prometheusUrl ?? null,
      });
      return {
        result: toClusterView(after),
        audit: {
          ...clusterAudit(after),
          before: clusterAuditBody(before),
          after: { ...clusterAuditBody(after), restoredFrom: input.auditEventId },
        },
      };
    });
    forgetClusterStatus(result.id);
    return result;
  },
});

export const deleteCluster = defineMutation({
  name: "cluster.delete",
  permission: "clusters.manage",
  scope: clusterScope,
  schema: deleteClusterSchema,
  run(input, ctx) {
    const result = ctx.write((tx) => {
      const cluster = requireCluster(input.cluster, tx);
      const references = clusterReferences(cluster, tx);
      if (references.length)
        throw new DomainError(
          409,
          `Cluster ${cluster.name} is used by ${references.join(", ")}; change those first.`,
          undefined,
          { usedBy: references },
        );
      tx.delete(clusters).where(eq(clusters.id, cluster.id)).run();
      return {
        result: { id: cluster.id, name: cluster.name },
        audit: { ...clusterAudit(cluster), before: clusterAuditBody(cluster) },
      };
    });
    forgetKubeClients(result.id);
    // Its watches end now, not when the last page or feed lets go of them.
    stopClusterInformers(result.id);
    forgetClusterStatus(result.id);
    return result;
  },
});

/** Replaces the groups' levels on a cluster (and, when given, whether everyone may use it); every group must exist. */
export const setClusterGrants = defineMutation({
  name: "cluster.set-grants",
  permission: "clusters.manage",
  scope: clusterScope,
  schema: setClusterGrantsSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const cluster = requireCluster(input.cluster, tx);
      const found = requireGrantGroups(input.grants, tx);
      const before = clusterGrantsOf(cluster.id, tx);
      tx.delete(clusterGrants).where(eq(clusterGrants.clusterId, cluster.id)).run();
      input.grants.forEach((grant, index) =>
        tx.insert(clusterGrants).values({ clusterId: cluster.id, groupId: found[index].id, level: grant.level }).run(),
      );
      const everyone = input.everyone ?? cluster.usableByAll;
      if (everyone !== cluster.usableByAll)
        tx.update(clusters)
          .set({ usableByAll: everyone, updatedAt: new Date() })
          .where(eq(clusters.id, cluster.id))
          .run();
      const after = clusterGrantsOf(cluster.id, tx);
      return {
        result: after,
        audit: {
          ...clusterAudit(cluster),
          before: { grants: before, usableByAll: cluster.usableByAll },
          after: { grants: after, usableByAll: everyone },
        },
      };
    });
  },
});

const qualified = (object: V1Pod | V1Job) => `${object.metadata?.namespace}/${object.metadata?.name}`;

/** The finished pods, or the complete (and with includeFailed, failed) jobs, a cleanup removes. */
async function cleanupCandidates(cluster: Cluster, input: CleanupInput): Promise<(V1Pod | V1Job)[]> {
  const { core, batch } = kubeClients(cluster);
  const filter = { labelSelector: input.labelSelector || undefined };
  if (input.target === "pods") {
    const list = await withTimeout(
      input.namespace
        ? core.listNamespacedPod({ namespace: input.namespace, ...filter })
        : core.listPodForAllNamespaces(filter),
      8_000,
    );
    return list.items.filter(isFinishedPod);
  }
  const list = await withTimeout(
    input.namespace
      ? batch.listNamespacedJob({ namespace: input.namespace, ...filter })
      : batch.listJobForAllNamespaces(filter),
    8_000,
  );
  return list.items.filter(
    (job) => jobOutcome(job) === "complete" || (input.includeFailed && jobOutcome(job) === "failed"),
  );
}

/**
 * Deletes finished pods or finished jobs (matching the label selector). With dryRun, only lists
 * what would go, and nothing is written. Jobs go with their pods (background propagation).
 */
export const cleanupCluster = defineMutation({
  name: "cluster.cleanup",
  permission: "clusters.operate",
  scope: clusterScope,
  schema: cleanupSchema,
  async run(input, ctx): Promise<CleanupResult> {
    const cluster = requireCluster(input.cluster);
    let candidates: (V1Pod | V1Job)[];
    try {
      candidates = await cleanupCandidates(cluster, input);
    } catch (error) {
      throw kubeRefusal(error, `list the ${input.target} to clean up`);
    }
    const names = candidates.map(qualified).sort();
    if (input.dryRun) return { dryRun: true, wouldDelete: names };
    const { core, batch } = kubeClients(cluster);
    const deleted: string[] = [];
    const failed: { name: string; error: string }[] = [];
    for (const object of candidates) {
      const target = { namespace: object.metadata!.namespace!, name: object.metadata!.name! };
      try {
        await (input.target === "pods"
          ? core.deleteNamespacedPod(target)
          : batch.deleteNamespacedJob({ ...target, propagationPolicy: "Background" }));
        deleted.push(qualified(object));
      } catch (error) {
        failed.push({ name: qualified(object), error: kubeRefusal(error, `delete ${qualified(object)}`).message });
      }
    }
    return ctx.write(() => ({
      result: { dryRun: false, deleted: deleted.sort(), failed },
      audit: {
        ...clusterAudit(cluster),
        after: {
          target: input.target,
          includeFailed: input.includeFailed,
          labelSelector: input.labelSelector,
          namespace: input.namespace ?? null,
          deleted,
          failed,
        },
      },
    }));
  },
});

export const deleteClusterPod = defineMutation({
  name: "cluster.delete-pod",
  permission: "clusters.operate",
  scope: clusterScope,
  schema: deletePodSchema,
  async run(input, ctx) {
    const cluster = requireCluster(input.cluster);
    try {
      await withTimeout(
        kubeClients(cluster).core.deleteNamespacedPod({ namespace: input.namespace, name: input.pod }),
        8_000,
      );
    } catch (error) {
      throw kubeRefusal(error, `delete pod ${input.namespace}/${input.pod}`);
    }
    const name = `${input.namespace}/${input.pod}`;
    return ctx.write(() => ({ result: { deleted: name }, audit: { ...clusterAudit(cluster), after: { pod: name } } }));
  },
});

/**
 * Gives a cluster Berth registered itself (embedded, in-cluster) a new connection: a new version,
 * its status reset and forgotten, audited as system.
 */
export function replaceConnectionAsSystem(
  tx: Tx,
  existing: Cluster,
  connection: { kubeconfig: string; context: string; server: string },
): void {
  const { kubeconfig, context, server } = connection;
  const updated = tx
    .update(clusters)
    .set({
      kubeconfigEncrypted: encryptSecret(kubeconfig),
      context,
      server,
      version: existing.version + 1,
      reachable: null,
      unreachableSince: null,
      lastError: null,
      updatedAt: new Date(),
    })
    .where(eq(clusters.id, existing.id))
    .returning()
    .get();
  recordAudit(tx, null, "system", {
    action: "cluster.update",
    objectType: "cluster",
    objectId: updated.id,
    objectName: updated.name,
    before: clusterAuditBody(existing),
    after: { ...clusterAuditBody(updated), connectionReplaced: true },
  });
  forgetClusterStatus(updated.id);
}
