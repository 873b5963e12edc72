import "server-only";

import type Docker from "dockerode";

import { describeDockerError, dockerCall, DockerCallError } from "./connection";

/**
 * The running containers of an engine with the CPU and memory limits they were created with: what
 * a host's dashboard section shows. A pure adapter, like containers.ts: the caller decides what the
 * labels mean.
 */

/** A running container and its limits (0: none set). */
export interface RunningContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  running: boolean;
  startedAt: string | null;
  /** The CPU limit in billionths of a CPU, as `NanoCpus` of the create body. */
  nanoCpus: number;
  memoryBytes: number;
}

/** The ids of the containers running now (`GET /containers/json` without `all`). */
export async function runningContainerIds(client: Docker): Promise<string[]> {
  const found = await dockerCall(() => client.listContainers({}));
  return found.map((container) => container.Id);
}

/**
 * One container with its limits, or null when the engine has no such container. Limits come from
 * the container's HostConfig, which holds what the create body set; an engine that turned
 * `NanoCpus` into a CFS quota (podman's compat service may) is read back from quota/period.
 */
export async function inspectRunningContainer(client: Docker, id: string): Promise<RunningContainer | null> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await client.getContainer(id).inspect();
  } catch (error) {
    if ((error as { statusCode?: unknown } | null)?.statusCode === 404) return null;
    throw new DockerCallError(describeDockerError(error));
  }
  const hostConfig = info.HostConfig ?? {};
  const quota = Number(hostConfig.CpuQuota ?? 0);
  const period = Number(hostConfig.CpuPeriod ?? 0);
  const nanoCpus =
    Number(hostConfig.NanoCpus ?? 0) || (quota > 0 && period > 0 ? Math.round((quota / period) * 1e9) : 0);
  const startedAt = info.State?.StartedAt;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    image: info.Config?.Image ?? info.Image,
    labels: info.Config?.Labels ?? {},
    running: Boolean(info.State?.Running),
    startedAt: startedAt && !startedAt.startsWith("0001-") ? new Date(startedAt).toISOString() : null,
    nanoCpus,
    memoryBytes: Number(hostConfig.Memory ?? 0),
  };
}
