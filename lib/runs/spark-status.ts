/**
 * Pure derivation of a Spark run's status when the spark-operator runs it: the SparkApplication's
 * `status.applicationState` (kubeflow/spark-operator api/v1beta2/sparkapplication_types.go, v2.x)
 * decides whether the run has ended and why; the pods say why a live one waits.
 */
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";

import { sparkApplicationState, type SparkApplicationObject } from "@/lib/kube/spark-applications";

import { deriveRunStatus, isFinalRunStatus, type DerivedRunStatus } from "./status";

const toDate = (value: Date | string | undefined | null): Date | null => (value ? new Date(value) : null);

/** The run's reason when the operator never gave its application a status within `graceMs`. */
export function operatorSilentReason(namespace: string, graceMs: number): string {
  return (
    `The Spark operator is not handling namespace ${namespace}: the SparkApplication got no status within ${Math.round(graceMs / 1000)} s. ` +
    `The operator acts only in its job namespaces (Helm value spark.jobNamespaces); ask a cluster admin to add ${namespace}, or use a Spark config whose namespace it handles`
  );
}

function live(status: "pending" | "running", reason: string, fromPods: DerivedRunStatus | null): DerivedRunStatus {
  return { status, reason, exitCode: null, startedAt: fromPods?.startedAt ?? null, finishedAt: null };
}

/**
 * A Spark run's status from its SparkApplication and pods. Null while the operator has given no
 * state and no pod exists (NEW): the caller decides how long that may last.
 */
export function deriveSparkRunStatus(
  app: SparkApplicationObject,
  pods: readonly V1Pod[],
  events: readonly CoreV1Event[] = [],
): DerivedRunStatus | null {
  const { state, errorMessage } = sparkApplicationState(app);
  const fromPods = deriveRunStatus(pods, events);
  switch (state) {
    case "":
      return fromPods && !isFinalRunStatus(fromPods.status) ? fromPods : null;
    case "COMPLETED":
      return {
        status: "succeeded",
        reason: null,
        exitCode: fromPods?.exitCode ?? 0,
        startedAt: fromPods?.startedAt ?? null,
        finishedAt: fromPods?.finishedAt ?? toDate(app.status?.terminationTime),
      };
    case "SUBMISSION_FAILED":
    case "FAILED": {
      let reason: string;
      if (state === "SUBMISSION_FAILED") {
        reason = `The Spark operator could not submit the application: ${errorMessage ?? "no message"}`;
      } else if (fromPods?.status === "failed" && fromPods.reason) {
        // The driver's own failure explains more (e.g. OOMKilled against its limit) than the operator's summary.
        reason = errorMessage ? `${fromPods.reason} (Spark operator: ${errorMessage})` : fromPods.reason;
      } else {
        reason = errorMessage
          ? `The Spark application failed: ${errorMessage}`
          : "The Spark application failed (the Spark operator gave no message)";
      }
      return {
        status: "failed",
        reason,
        exitCode: fromPods?.exitCode ?? null,
        startedAt: fromPods?.startedAt ?? null,
        finishedAt: fromPods?.finishedAt ?? toDate(app.status?.terminationTime),
      };
    }
    case "SUCCEEDING":
      return live("running", "The driver has finished; the Spark operator is completing the application", fromPods);
    case "FAILING":
      return live(
        "running",
        `The driver failed; the Spark operator is ending the application or will retry it${errorMessage ? `: ${errorMessage}` : ""}`,
        fromPods,
      );
    case "PENDING_RERUN":
      return live(
        "pending",
        `The Spark operator will submit the application again${errorMessage ? ` after: ${errorMessage}` : ""}`,
        null,
      );
    case "INVALIDATING":
      return live("pending", "The application was changed; the Spark operator is submitting it again", null);
    case "UNKNOWN":
      return live(
        "running",
        "The Spark operator cannot tell the driver's state (UNKNOWN): its node may have stopped reporting",
        fromPods,
      );
    case "SUSPENDING":
      return live("pending", "The application is being suspended", null);
    case "SUSPENDED":
      return live("pending", "The application is suspended", null);
    case "RESUMING":
      return live("pending", "The application is resuming", null);
    case "SUBMITTED":
    case "RUNNING":
      if (!fromPods)
        return live(
          state === "RUNNING" ? "running" : "pending",
          "The Spark operator submitted the application; waiting for the driver pod",
          null,
        );
      // The driver has ended but the operator has not recorded it: the run ends when the operator says how.
      if (isFinalRunStatus(fromPods.status))
        return live("running", "The driver has ended; waiting for the Spark operator to record it", fromPods);
      return fromPods;
    default:
      return fromPods && !isFinalRunStatus(fromPods.status)
        ? fromPods
        : live("pending", `The Spark operator reports state ${state}`, fromPods);
  }
}
