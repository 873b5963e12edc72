/**
 * The Docker Engine API `ContainerCreate` body Berth sends for one run: a pure function, so the
 * execution-config preview shows exactly what a run on a Docker host will create.
 * Field names follow the Engine API (docs.docker.com/reference/api/engine/version/v1.41,
 * `POST /containers/create`), which podman's compat service also serves.
 */

/** What Berth decides about a container before it is created. */
export type DockerContainerInput = {
  image: string;
  command: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** CPU limit in billionths of a CPU (the Engine API's unit: 1.5 CPUs = 1_500_000_000). */
  nanoCpus?: number;
  memoryBytes?: number;
  gpus?: { count: number | "all"; driver: "nvidia" };
  labels: Record<string, string>;
};

/** A GPU request in the Engine API's shape (`docker run --gpus` sends the same). */
export type DockerDeviceRequest = {
  Driver: string;
  Count: number;
  Capabilities: string[][];
};

/** The part of the Engine API `ContainerCreate` body Berth sets. */
export type DockerContainerCreateBody = {
  Image: string;
  Cmd: string[];
  Env: string[];
  WorkingDir?: string;
  Labels: Record<string, string>;
  HostConfig: {
    NanoCpus?: number;
    Memory?: number;
    MemorySwap?: number;
    DeviceRequests?: DockerDeviceRequest[];
  };
};

/** The exact `ContainerCreate` JSON body for an input (keys sorted so previews and diffs are stable). */
export function containerCreateBody(input: DockerContainerInput): DockerContainerCreateBody {
  const hostConfig: DockerContainerCreateBody["HostConfig"] = {};
  if (input.nanoCpus !== undefined) hostConfig.NanoCpus = input.nanoCpus;
  if (input.memoryBytes !== undefined) {
    hostConfig.Memory = input.memoryBytes;
    // Without this the engine lets the container swap up to twice the limit, so an
    // over-memory run would crawl instead of being OOM-killed like a pod over its limit.
    hostConfig.MemorySwap = input.memoryBytes;
  }
  if (input.gpus) {
    hostConfig.DeviceRequests = [
      {
        Driver: input.gpus.driver,
        // The Engine API spells "all GPUs" as Count -1.
        Count: input.gpus.count === "all" ? -1 : input.gpus.count,
        Capabilities: [["gpu"]],
      },
    ];
  }
  const body: DockerContainerCreateBody = {
    Image: input.image,
    Cmd: [...input.command],
    Env: Object.keys(input.env)
      .sort()
      .map((name) => `${name}=${input.env[name]}`),
    Labels: sortedRecord(input.labels),
    HostConfig: hostConfig,
  };
  if (input.workingDir) body.WorkingDir = input.workingDir;
  return body;
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}
