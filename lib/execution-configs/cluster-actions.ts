import "server-only";

import { randomBytes } from "node:crypto";
import type { V1Pod } from "@kubernetes/client-node";
import { asc } from "drizzle-orm";
import { z } from "zod";

import { getDb } from "@/db";
import { clusters, type Cluster, type ExecutionConfigRow } from "@/db/schema";
import { defineMutation, executeMutation } from "@/lib/actions/mutation";
import { DomainError, notFound } from "@/lib/actions/result";
import type { AuditSource } from "@/lib/audit/record";
import { findCluster } from "@/lib/clusters/queries";
import { BaseImageUnavailable, withBaseImageResolved } from "@/lib/images/base-image-resolve";
import { fitsOnCluster } from "@/lib/kube/capacity-reader";
import { describeKubeError, isKubeCallError } from "@/lib/kube/errors";
import { runTestPod, type PodTestResult } from "@/lib/kube/pod-test";
import { withTimeout } from "@/lib/kube/timeout";
import { ensureNamespace } from "@/lib/namespace-policies/apply";
import type { Actor } from "@/lib/permissions";
import { getInstanceDefaults } from "@/lib/settings/queries";

import { buildPod, PodBuildError, RunEnvError, type PodRun } from "./pod";
import { EXECUTION_CONFIG_OBJECT_TYPE, executionConfigBody, findExecutionConfig } from "./queries";

/**
 * The run a preview, fits and test use: the caller in project "sample", running a Python recipe,
 * as the first of their groups that may use the config (what `${group}` resolves to).
 */
export function sampleRun(actor: Actor, row: Pick<ExecutionConfigRow, "usableBy">, runId = "preview"): PodRun {
  const granting =
    row.usableBy === "all"
      ? actor.groups
      : actor.groups.filter((group) => (row.usableBy as { groups: string[] }).groups.includes(group));
  return {
    user: actor.username,
    project: "sample",
    group: granting[0] ?? actor.groups[0] ?? "users",
    activity: "python-recipe",
    runId,
  };
}

/** The pod a config produces for a run; a config that cannot serve the run is a 422 with the reason. */
export function podFor(row: ExecutionConfigRow, run: PodRun): V1Pod {
  try {
    // A config naming a Berth base image previews and tests its current revision, by digest.
    return buildPod(withBaseImageResolved({ ...executionConfigBody(row), version: row.version }), run);
  } catch (error) {
    if (error instanceof BaseImageUnavailable)
      throw new DomainError(422, `Execution config ${row.name} cannot run: ${error.message}`, {
        image: [error.message],
      });
    if (error instanceof RunEnvError) throw new DomainError(422, error.message, { env: error.problems });
    if (error instanceof PodBuildError) throw new DomainError(422, error.message, { namespace: [error.message] });
    throw error;
  }
}

/** The clusters a config may run on: its own, else the instance default, else every cluster. */
export function targetClusters(row: ExecutionConfigRow): Cluster[] {
  const id = row.clusterId ?? getInstanceDefaults().clusterId;
  if (id !== null) {
    const cluster = findCluster(id);
    return cluster ? [cluster] : [];
  }
  return getDb().select().from(clusters).orderBy(asc(clusters.name)).all();
}

export interface ClusterFit {
  cluster: string;
  fits: number;
  reason: string;
  namespace: string;
  reachable: boolean;
}

/** Per cluster the config may run on: how many of its pods fit now, and why. */
export async function executionConfigFits(row: ExecutionConfigRow, actor: Actor): Promise<ClusterFit[]> {
  const pod = podFor(row, sampleRun(actor, row));
  const namespace = pod.metadata!.namespace!;
  return Promise.all(
    targetClusters(row).map(async (cluster) => {
      const result = await fitsOnCluster(cluster, namespace, pod.spec!);
      return {
        cluster: cluster.name,
        fits: result.fits,
        reason: result.reason,
        namespace,
        reachable: !("error" in result),
      };
    }),
  );
}

export interface ExecutionConfigTestResult extends PodTestResult {
  cluster: string;
}

/**
 * "Test": starts a short pod with the config on its cluster and reports what happened (see
 * runTestPod). The namespace is created (with its policy) when missing and the config allows it.
 * The pod runs before the transaction, which holds only the audit row of the outcome.
 */
export const runExecutionConfigTest = defineMutation({
  name: "execution-config.test",
  permission: "configs.manage",
  schema: z.strictObject({ config: z.union([z.number().int().positive(), z.string().min(1)]) }),
  async run(input, ctx): Promise<ExecutionConfigTestResult> {
    const row = findExecutionConfig(input.config);
    if (!row) throw notFound(`Execution config "${input.config}"`);
    const [cluster] = targetClusters(row);
    if (!cluster)
      throw new DomainError(422, "No cluster selected: set the config's cluster or the instance's default cluster", {
        cluster: ["No cluster selected"],
      });
    const runId = `test-${randomBytes(3).toString("hex")}`;
    // The simulator completes the pod after 2 s; a real cluster ignores the annotation.
    const pod = podFor(row, { ...sampleRun(ctx.actor, row, runId), annotations: { "sim.berth.dev/duration": "2s" } });
    const namespace = pod.metadata!.namespace!;
    const spec = executionConfigBody(row);
    let result: PodTestResult;
    try {
      await withTimeout(ensureNamespace(cluster, namespace, { create: spec.createNamespace }), 15_000);
      result = await runTestPod(cluster, pod);
    } catch (error) {
      // The namespace is missing (and may not be created) or the cluster refused it: no pod was made.
      const refused = isKubeCallError(error, "namespace") && error.failure.reason !== "Unreachable";
      const reason = describeKubeError(error).message;
      result = {
        outcome: refused ? "refused" : "failed",
        reason,
        namespace,
        pod: pod.metadata!.name!,
        steps: { scheduled: false, pulled: false, ran: false },
        events: [],
      };
    }
    return ctx.write(() => ({
      result: { cluster: cluster.name, ...result },
      audit: {
        objectType: EXECUTION_CONFIG_OBJECT_TYPE,
        objectId: row.id,
        objectName: row.name,
        after: { cluster: cluster.name, namespace, outcome: result.outcome, reason: result.reason },
      },
    }));
  },
});

/** runExecutionConfigTest for a caller that holds the row; a refusal is thrown as a DomainError. */
export async function testExecutionConfig(
  row: ExecutionConfigRow,
  actor: Actor,
  source: AuditSource,
): Promise<ExecutionConfigTestResult> {
  const outcome = await executeMutation(runExecutionConfigTest, { config: row.id }, actor, source);
  if (!outcome.ok)
    throw new DomainError(outcome.status as DomainError["status"], outcome.error, outcome.fieldErrors, outcome.details);
  return outcome.data;
}
