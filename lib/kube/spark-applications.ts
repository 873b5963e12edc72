/**
 * The Kubeflow spark-operator's SparkApplication (sparkoperator.k8s.io/v1beta2) as Berth reads it:
 * types, the descriptor the shared informer lists and watches with, and pure helpers. Field names
 * and states follow kubeflow/spark-operator api/v1beta2/sparkapplication_types.go (v2.x).
 */
import type { KubernetesObject } from "@kubernetes/client-node";

export const SPARK_APPLICATION = {
  apiVersion: "sparkoperator.k8s.io/v1beta2",
  group: "sparkoperator.k8s.io",
  version: "v1beta2",
  kind: "SparkApplication",
  plural: "sparkapplications",
  namespaced: true,
} as const;

/**
 * ApplicationStateType: "" is NEW (the operator has not acted yet). SUSPENDING, SUSPENDED and
 * RESUMING came with v2.2's `spec.suspend`.
 */
export type SparkApplicationState =
  | ""
  | "SUBMITTED"
  | "RUNNING"
  | "COMPLETED"
  | "FAILED"
  | "SUBMISSION_FAILED"
  | "PENDING_RERUN"
  | "INVALIDATING"
  | "SUCCEEDING"
  | "FAILING"
  | "UNKNOWN"
  | "SUSPENDING"
  | "SUSPENDED"
  | "RESUMING";

export interface SparkApplicationStatus {
  applicationState?: { state?: string; errorMessage?: string };
  sparkApplicationId?: string;
  submissionID?: string;
  lastSubmissionAttemptTime?: string | Date;
  terminationTime?: string | Date;
  submissionAttempts?: number;
  executionAttempts?: number;
  driverInfo?: { podName?: string; webUIAddress?: string };
  executorState?: Record<string, string>;
}

export interface SparkApplicationObject extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: SparkApplicationStatus;
}

/** The application's state ("" while the operator has not given it one) and the operator's error message, trimmed. */
export function sparkApplicationState(app: SparkApplicationObject): { state: string; errorMessage: string | null } {
  const state = app.status?.applicationState?.state ?? "";
  const message = app.status?.applicationState?.errorMessage?.trim();
  return { state, errorMessage: message ? message : null };
}

/** Whether the operator has ended the application for good (no rerun follows). */
export function isFinalSparkState(state: string): boolean {
  return state === "COMPLETED" || state === "FAILED";
}
