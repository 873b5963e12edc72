import "server-only";

import { eq } from "drizzle-orm";

import { runs, type RunRow } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { DomainError, notFound } from "@/lib/actions/result";
import { findCluster } from "@/lib/clusters/queries";
import { KubeCallError } from "@/lib/kube/errors";
import { deleteRunObjects } from "@/lib/kube/run-workloads";
import type { Actor } from "@/lib/permissions";

import { mayAbortRun, maySeeRun } from "./access";
import { abortDockerContainers, isDockerRun } from "./docker";
import { publishRunChange, runChangeOf } from "./events";
import { findRun } from "./queries";
import { keepRunRecord } from "./reconciler";
import { abortRunSchema } from "./schema";
import { appendTransition, isFinalRunStatus } from "./status";
import { RUN_OBJECT_TYPE } from "./submit";
import { runObjectsOf, toRunView } from "./views";

/** The run if the actor may see it; a 404 otherwise, so others cannot tell it exists. */
function visibleRunOr404(actor: Actor | null, id: string): RunRow {
  const row = findRun(id);
  if (!row || !actor || !maySeeRun(actor, row)) throw notFound(`Run ${id}`);
  return row;
}

const finishedConflict = (row: RunRow) =>
  new DomainError(
    409,
    `Run ${row.id} has already ${row.status === "lost" ? "been lost" : row.status}: there is nothing to abort`,
  );

/**
 * Aborts a run: deletes its pods (every pod labelled with its id, Spark executors included), its
 * SparkApplication and per-job service account, role and binding, then records it as aborted.
 * A queued run may have nothing on the cluster yet: an unreachable cluster does not stop that.
 * Its submitter or a manager of its project may abort; a finished run is a 409.
 */
export const abortRun = defineMutation({
  name: "run.abort",
  // Submitters are contributors; mayAbortRun below narrows to the submitter or a project manager.
  permission: "projects.contribute",
  scope: (input) => {
    const row = findRun(input.id);
    return { project: row?.projectId ?? -1 };
  },
  schema: abortRunSchema,
  async run(input, ctx) {
    const row = visibleRunOr404(ctx.actor, input.id);
    if (!mayAbortRun(ctx.actor, row))
      throw new DomainError(
        403,
        `Only ${row.username}, who submitted run ${row.id}, or a manager of project ${row.project} may abort it`,
      );
    if (isFinalRunStatus(row.status)) throw finishedConflict(row);
    // A container on a Docker host: killed and removed, the engine confirming it is gone.
    if (isDockerRun(row)) await abortDockerContainers(row);
    const cluster = row.clusterId === null ? undefined : findCluster(row.clusterId);
    if (cluster) {
      // Events and the end of the log go with the pods: keep them first. Keeping is best effort;
      // a log that cannot be read must not stop the abort.
      if (row.status !== "queued") await keepRunRecord(row).catch(() => undefined);
      try {
        await deleteRunObjects(cluster, row.id, row.namespace, runObjectsOf(row));
      } catch (error) {
        // Only a refusal naming one of the run's objects: a kubeconfig Berth cannot use is not the cluster's answer.
        if (!(error instanceof KubeCallError && error.object !== undefined)) throw error;
        if (row.status !== "queued") {
          throw new DomainError(
            error.failure.status === 503 ? 503 : 502,
            `Run ${row.id} was not aborted: deleting ${error.object} failed: ${error.message}`,
          );
        }
      }
    }
    const reason = `Aborted by ${ctx.actor.username}`;
    const saved = ctx.write((tx) => {
      const current = tx.select().from(runs).where(eq(runs.id, row.id)).get()!;
      // The reconciler may have seen it finish while the objects were being deleted.
      if (isFinalRunStatus(current.status)) throw finishedConflict(current);
      const at = new Date();
      const updated = tx
        .update(runs)
        .set({
          status: "aborted",
          reason,
          finishedAt: at,
          timeline: appendTransition(current.timeline, { status: "aborted", at, reason }),
        })
        .where(eq(runs.id, row.id))
        .returning()
        .get();
      return {
        result: updated,
        audit: {
          objectType: RUN_OBJECT_TYPE,
          objectId: row.id,
          objectName: `${row.project} ${row.activity}`,
          before: { status: current.status },
          after: { status: "aborted", reason },
        },
      };
    });
    publishRunChange(runChangeOf(saved));
    return toRunView(saved);
  },
});
