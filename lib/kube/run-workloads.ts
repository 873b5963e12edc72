import "server-only";

import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError, KubeCallError, type KubeFailure } from "./errors";
import { BERTH_LABELS } from "./labels";
import { withTimeout } from "./timeout";

/** A Kubernetes object as Berth sends it (apiVersion, kind, metadata.name/namespace always set). */
export interface KubeManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * Every object a run creates, in creation order: the per-job ServiceAccount, Role and RoleBinding
 * (Spark managed mode), the script ConfigMap (Spark with a script), then the workload: a Pod or a
 * SparkApplication. Deleting a run deletes them all (and every pod labelled with its id).
 */
export interface RunObjects {
  supporting: KubeManifest[];
  workload: KubeManifest;
}

/** Each call to the cluster: a hanging cluster fails the submit or abort in words, not a hung request. */
const CALL_TIMEOUT_MS = 10_000;

export const SPARK_OPERATOR_GROUP = "sparkoperator.k8s.io";
export const SPARK_OPERATOR_VERSION = "v1beta2";

/** A refusal or failure of the cluster while creating or deleting a run's objects, naming the object. */
const objectError = (failure: KubeFailure, object: string) => new KubeCallError(failure, { object });

const describe = (manifest: KubeManifest) => `${manifest.kind} ${manifest.metadata.name}`;

async function call<T>(promise: Promise<T>, object: string): Promise<T> {
  try {
    return await withTimeout(promise, CALL_TIMEOUT_MS);
  } catch (error) {
    throw objectError(describeKubeError(error), object);
  }
}

/** Whether the cluster serves SparkApplication (the Kubeflow spark-operator's CRD is installed). */
export async function sparkOperatorInstalled(cluster: ClusterConnection): Promise<boolean> {
  try {
    const list = await withTimeout(
      kubeClients(cluster).custom.getAPIResources({ group: SPARK_OPERATOR_GROUP, version: SPARK_OPERATOR_VERSION }),
      CALL_TIMEOUT_MS,
    );
    return list.resources.some((resource) => resource.name === "sparkapplications");
  } catch (error) {
    const failure = describeKubeError(error);
    if (failure.reason === "NotFound") return false;
    throw objectError(failure, "SparkApplication API");
  }
}

/**
 * Creates a run's objects in order (supporting objects, then the workload). An object that already
 * exists is taken as created, so a queued run can be retried with the same objects. Throws a
 * KubeCallError naming the object the cluster refused.
 */
export async function createRunObjects(cluster: ClusterConnection, objects: RunObjects): Promise<void> {
  const { objects: api } = kubeClients(cluster);
  for (const manifest of [...objects.supporting, objects.workload]) {
    try {
      await call(api.create(manifest), describe(manifest));
    } catch (error) {
      if (error instanceof KubeCallError && error.failure.reason === "AlreadyExists") continue;
      throw error;
    }
  }
}

/**
 * Deletes everything of a run: its workload, its supporting objects, and every pod labelled
 * `berth.dev/run=<id>` in its namespace (Spark executors included). Objects already gone are fine.
 */
export async function deleteRunObjects(
  cluster: ClusterConnection,
  runId: string,
  namespace: string,
  objects: RunObjects | null,
): Promise<void> {
  const { objects: api, core } = kubeClients(cluster);
  const manifests = objects ? [objects.workload, ...objects.supporting] : [];
  for (const manifest of manifests) {
    try {
      await call(api.delete(manifest, undefined, undefined, 0, undefined, "Background"), describe(manifest));
    } catch (error) {
      if (error instanceof KubeCallError && error.failure.reason === "NotFound") continue;
      throw error;
    }
  }
  try {
    await call(
      core.deleteCollectionNamespacedPod({
        namespace,
        labelSelector: `${BERTH_LABELS.run}=${runId}`,
        gracePeriodSeconds: 0,
      }),
      `pods of run ${runId}`,
    );
  } catch (error) {
    if (!(error instanceof KubeCallError && error.failure.reason === "NotFound")) throw error;
  }
}
