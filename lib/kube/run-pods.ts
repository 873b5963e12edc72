import "server-only";

import { PassThrough } from "node:stream";
import { Log, type CoreV1Event } from "@kubernetes/client-node";

import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError, isUnreadableLog, KubeCallError } from "./errors";
import { callCluster } from "./timeout";

/**
 * Pod reads besides the shared informers: events about a run's pods, and pod logs read and
 * followed (runs, and image builds' Kaniko pods).
 */

/** A log read for a kept tail or a non-following request never asks for more lines than this. */
const MAX_LOG_LINES = 20_000;

/** Events about the named pods of a namespace, one list per pod by involvedObject.name. */
export async function listPodEvents(
  cluster: ClusterConnection,
  namespace: string,
  podNames: readonly string[],
): Promise<CoreV1Event[]> {
  const { core } = kubeClients(cluster);
  const lists = await Promise.all(
    podNames.map((name) =>
      callCluster(
        core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}` }),
      ),
    ),
  );
  return lists.flatMap((list) => list.items);
}

/**
 * A pod container's log as it is now (empty when the container has not started or the pod is
 * gone); without `container`, the pod's only container. `timestamps` prefixes each line with its RFC 3339 time.
 */
export async function readPodLog(
  cluster: ClusterConnection,
  namespace: string,
  podName: string,
  container?: string,
  options: { timestamps?: boolean } = {},
): Promise<string> {
  try {
    return await callCluster(
      kubeClients(cluster).core.readNamespacedPodLog({
        namespace,
        name: podName,
        container,
        tailLines: MAX_LOG_LINES,
        timestamps: options.timestamps,
      }),
    );
  } catch (error) {
    if (isUnreadableLog(error)) return "";
    throw error;
  }
}

/**
 * Follows a pod container's log (client-node Log with follow) and calls `onChunk` with each piece
 * of text (lines prefixed with their RFC 3339 time with `timestamps`); resolves when the log ends (the container stopped) or `signal` aborts. Throws when it
 * cannot start, e.g. 400 while the container is still waiting to start.
 */
export async function followPodLog(
  cluster: ClusterConnection,
  target: { namespace: string; podName: string; container: string; timestamps?: boolean },
  onChunk: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const { config } = kubeClients(cluster);
  const stream = new PassThrough();
  stream.setEncoding("utf8");
  const ended = new Promise<void>((resolve) => {
    stream.on("data", (chunk: string) => onChunk(chunk));
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", () => resolve());
  });
  let controller: AbortController;
  try {
    controller = await new Log(config).log(target.namespace, target.podName, target.container, stream, {
      follow: true,
      timestamps: target.timestamps,
    });
  } catch (error) {
    throw new KubeCallError(describeKubeError(error));
  }
  const abort = () => {
    controller.abort();
    stream.end();
  };
  if (signal.aborted) abort();
  signal.addEventListener("abort", abort, { once: true });
  try {
    await ended;
  } finally {
    signal.removeEventListener("abort", abort);
  }
}
