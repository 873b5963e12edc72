import "server-only";

import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";

import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError } from "./errors";
import { withTimeout } from "./timeout";

/** Each call to the cluster; a hanging cluster ends the test as failed, not as a hung request. */
const CALL_TIMEOUT_MS = 8_000;

export type PodTestOutcome = "succeeded" | "failed" | "unschedulable" | "refused" | "pull-failed" | "timeout";

export interface PodTestResult {
  outcome: PodTestOutcome;
  reason: string;
  namespace: string;
  pod: string;
  steps: { scheduled: boolean; node?: string; pulled: boolean; ran: boolean; exitCode?: number };
  events: { type: string; reason: string; message: string }[];
}

const PULL_FAILURES = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a pod's status says so far: a final outcome, or undefined while it is still on its way. */
export function podTestVerdict(pod: V1Pod): { outcome: PodTestOutcome; reason: string } | undefined {
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable")
    return { outcome: "unschedulable", reason: scheduled.message ?? "The scheduler found no node for it" };
  const container = pod.status?.containerStatuses?.[0];
  const waiting = container?.state?.waiting;
  if (waiting?.reason && PULL_FAILURES.has(waiting.reason))
    return {
      outcome: "pull-failed",
      reason: `${waiting.reason}: ${waiting.message ?? "the image could not be pulled"}`,
    };
  const terminated = container?.state?.terminated;
  if (pod.status?.phase === "Succeeded")
    return {
      outcome: "succeeded",
      reason: `Scheduled on ${pod.spec?.nodeName}, image pulled, ran and exited with code ${terminated?.exitCode ?? 0}`,
    };
  if (pod.status?.phase === "Failed") {
    return {
      outcome: "failed",
      reason: `Ran on ${pod.spec?.nodeName} and exited with code ${terminated?.exitCode ?? "?"}${terminated?.reason ? ` (${terminated.reason})` : ""}${pod.status.message ? `: ${pod.status.message}` : ""}`,
    };
  }
  return undefined;
}

function steps(pod: V1Pod | undefined): PodTestResult["steps"] {
  const container = pod?.status?.containerStatuses?.[0];
  const ran = Boolean(container?.state?.running || container?.state?.terminated);
  return {
    scheduled: Boolean(pod?.spec?.nodeName),
    ...(pod?.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    pulled: Boolean(container?.imageID) || ran,
    ran,
    ...(container?.state?.terminated ? { exitCode: container.state.terminated.exitCode } : {}),
  };
}

/**
 * Creates the pod, follows it until it completes, fails or cannot go further (or `timeoutMs`
 * passes), then deletes it. Every refusal of the cluster becomes an outcome, never a throw.
 */
export async function runTestPod(cluster: ClusterConnection, pod: V1Pod, timeoutMs = 20_000): Promise<PodTestResult> {
  const namespace = pod.metadata!.namespace!;
  const name = pod.metadata!.name!;
  const base = { namespace, pod: name };
  const { core } = kubeClients(cluster);
  try {
    await withTimeout(core.createNamespacedPod({ namespace, body: pod }), CALL_TIMEOUT_MS);
  } catch (error) {
    const failure = describeKubeError(error);
    return {
      ...base,
      outcome: failure.reason === "Unreachable" ? "failed" : "refused",
      reason: failure.message,
      steps: steps(undefined),
      events: [],
    };
  }
  let last: V1Pod | undefined;
  let verdict: { outcome: PodTestOutcome; reason: string } | undefined;
  const deadline = Date.now() + timeoutMs;
  try {
    while (!verdict && Date.now() < deadline) {
      await sleep(400);
      try {
        last = await withTimeout(core.readNamespacedPod({ namespace, name }), CALL_TIMEOUT_MS);
        verdict = podTestVerdict(last);
      } catch (error) {
        verdict = { outcome: "failed", reason: describeKubeError(error).message };
      }
    }
    const events = await podEvents(cluster, namespace, name);
    const result = verdict ?? {
      outcome: "timeout" as const,
      reason: `Not finished after ${Math.round(timeoutMs / 1000)} s (phase ${last?.status?.phase ?? "unknown"})`,
    };
    return { ...base, ...result, steps: steps(last), events };
  } finally {
    await withTimeout(core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 }), CALL_TIMEOUT_MS).catch(
      () => undefined,
    );
  }
}

async function podEvents(
  cluster: ClusterConnection,
  namespace: string,
  name: string,
): Promise<PodTestResult["events"]> {
  try {
    const list = await withTimeout(
      kubeClients(cluster).core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` }),
      CALL_TIMEOUT_MS,
    );
    return list.items
      .filter((event: CoreV1Event) => event.involvedObject?.name === name)
      .map((event) => ({ type: event.type ?? "Normal", reason: event.reason ?? "", message: event.message ?? "" }));
  } catch {
    return [];
  }
}
