import "server-only";

import { PassThrough, type Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type Docker from "dockerode";

import { describeDockerError, dockerCall, DockerCallError } from "./connection";
import type { DockerContainerCreateBody } from "./container-body";

/**
 * Containers on one Docker Engine (or podman's compat service): create + start, wait, logs,
 * inspect, kill + remove, list and events, selected by labels. A pure adapter: callers pass the
 * client (`dockerClient(connection)`) and decide what the labels mean.
 */

/** What the engine says about one container, in the shape Berth reasons about. */
export interface ContainerState {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** The engine's state: created, running, paused, restarting, removing, exited or dead. */
  status: string;
  running: boolean;
  /** Set once the container has exited (from inspect: podman 4.3's compat wait can report 0 for a non-zero exit). */
  exitCode: number | null;
  oomKilled: boolean;
  /** The engine's own error for a container that could not run (e.g. the command was not found). */
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A container in a label-selected list. */
export interface ContainerListing {
  id: string;
  labels: Record<string, string>;
  status: string;
}

/** One container event: `create`, `start`, `die`, `oom`, `kill`, `destroy`/`remove`, …. */
export interface ContainerEvent {
  id: string;
  action: string;
  labels: Record<string, string>;
  /** From `die` events; the exit code is read from inspect all the same. */
  exitCode: number | null;
}

/** The image could not be pulled: `message` says why in plain words (never credentials). */
export class ImagePullError extends Error {
  constructor(
    readonly image: string,
    detail: string,
  ) {
    super(`The image ${image} could not be pulled: ${detail}`);
    this.name = "ImagePullError";
  }
}

// Engines report times as RFC 3339; a container that never started or finished has Go's zero time.
function engineTime(value: string | undefined): Date | null {
  if (!value || value.startsWith("0001-")) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: unknown } | null)?.statusCode === 404;
}

/** The engine's state of a container, or null when the engine has no such container. */
export async function inspectContainer(client: Docker, id: string): Promise<ContainerState | null> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await client.getContainer(id).inspect();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw new DockerCallError(describeDockerError(error));
  }
  const state = info.State;
  // podman reports "stopped" for a container that exited but was not cleaned up yet.
  const exited = state.Status === "exited" || state.Status === "dead" || state.Status === "stopped";
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    image: info.Config?.Image ?? info.Image,
    labels: info.Config?.Labels ?? {},
    status: exited ? "exited" : state.Status,
    running: state.Running,
    exitCode: exited ? state.ExitCode : null,
    oomKilled: Boolean(state.OOMKilled),
    error: state.Error ? state.Error : null,
    startedAt: engineTime(state.StartedAt),
    finishedAt: exited ? engineTime(state.FinishedAt) : null,
  };
}

/** Pulls an image, waiting for the engine to finish; a refusal in the progress stream throws ImagePullError. */
export async function pullImage(client: Docker, image: string): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await client.pull(image);
  } catch (error) {
    throw new ImagePullError(image, describeDockerError(error).message);
  }
  await new Promise<void>((resolve, reject) => {
    client.modem.followProgress(
      stream,
      (error: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const refused = output.find((line) => line.error || line.errorDetail?.message);
        if (error || refused)
          reject(
            new ImagePullError(
              image,
              refused?.errorDetail?.message ?? refused?.error ?? describeDockerError(error).message,
            ),
          );
        else resolve();
      },
    );
  });
}

/**
 * Creates and starts a container from an exact `ContainerCreate` body, pulling its image first
 * when the engine does not have it (as `docker run` does). A container that was created but
 * could not start is removed again, so nothing half-made is left behind. Returns its id.
 */
export async function createAndStartContainer(
  client: Docker,
  body: DockerContainerCreateBody,
  options: { name?: string } = {},
): Promise<string> {
  const create = () => client.createContainer({ ...body, ...(options.name ? { name: options.name } : {}) });
  let container: Docker.Container;
  try {
    container = await create();
  } catch (error) {
    if (!isNotFound(error)) throw new DockerCallError(describeDockerError(error));
    await pullImage(client, body.Image);
    container = await dockerCall(create);
  }
  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw new DockerCallError(describeDockerError(error));
  }
  return container.id;
}

/**
 * Waits until a container has stopped and returns its final state. The exit code comes from
 * inspect, not from the wait answer: podman 4.3's compat wait can answer 0 for a container that
 * exited non-zero. Null when the container was removed meanwhile.
 */
export async function waitContainer(client: Docker, id: string): Promise<ContainerState | null> {
  try {
    await client.getContainer(id).wait({ condition: "not-running" });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw new DockerCallError(describeDockerError(error));
  }
  return inspectContainer(client, id);
}

/**
 * The container's output (stdout and stderr interleaved, as text), following it while the
 * container runs when `follow` is set; ends when the container stops or `signal` aborts.
 */
export async function containerLogs(
  client: Docker,
  id: string,
  options: { follow: boolean; tail?: number; signal?: AbortSignal },
): Promise<Readable> {
  const container = client.getContainer(id);
  const query = { stdout: true, stderr: true, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
  const raw = options.follow
    ? await dockerCall(() => container.logs({ ...query, follow: true }))
    : await dockerCall(async () => {
        const buffer = await container.logs({ ...query, follow: false });
        const stream = new PassThrough();
        stream.end(buffer);
        return stream;
      });
  // Containers Berth creates have no TTY, so the engine multiplexes stdout and stderr in frames.
  const text = new PassThrough();
  client.modem.demuxStream(raw, text, text);
  const finish = () => {
    (raw as Readable).destroy?.();
    text.end();
  };
  raw.on("end", () => text.end());
  raw.on("error", () => text.end());
  options.signal?.addEventListener("abort", finish, { once: true });
  return text;
}

/**
 * The container's whole output so far, or its last `tail` lines, as text. The last lines are kept
 * here rather than asked of the engine: podman before 4.7 drops the first pieces of a line written
 * in several writes (an unbuffered Python `print` writes word by word) from what `tail` returns
 * (containers/podman#19545, fixed by #19562).
 */
export async function readContainerLogs(client: Docker, id: string, tail?: number): Promise<string> {
  const stream = await containerLogs(client, id, { follow: false });
  const decoder = new StringDecoder("utf8");
  let text = "";
  for await (const chunk of stream) {
    text += decoder.write(Buffer.from(chunk as Buffer));
    if (tail !== undefined) text = lastLines(text, tail);
  }
  text += decoder.end();
  return tail === undefined ? text : lastLines(text, tail);
}

/** The last `count` lines of a text (a final line without its newline counts as one). */
function lastLines(text: string, count: number): string {
  if (count <= 0) return "";
  let at = text.length;
  // A text ending in a newline: its last line ends there, not after it.
  if (text.endsWith("\n")) at -= 1;
  for (let seen = 0; seen < count; seen += 1) {
    if (at <= 0) return text;
    at = text.lastIndexOf("\n", at - 1);
    if (at < 0) return text;
  }
  return text.slice(at + 1);
}

/**
 * Kills a container (if it runs) and removes it, then asks the engine again: resolves true once
 * the engine confirms it is gone, false when it was gone already.
 */
export async function killAndRemoveContainer(client: Docker, id: string): Promise<boolean> {
  const container = client.getContainer(id);
  try {
    await container.kill();
  } catch (error) {
    if (isNotFound(error)) return false;
    // 409/304/500: not running (any more); removal below still applies.
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    if (!isNotFound(error)) throw new DockerCallError(describeDockerError(error));
  }
  const still = await inspectContainer(client, id);
  if (still)
    throw new DockerCallError({
      status: 502,
      reason: "Error",
      message: `The engine still has container ${id.slice(0, 12)} after removing it (${still.status}).`,
    });
  return true;
}

/** The engine's label filter for a set of labels (every one must match). */
function labelFilter(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}

/** Every container (running or not) carrying all the given labels. */
export async function listContainersByLabels(
  client: Docker,
  labels: Record<string, string>,
): Promise<ContainerListing[]> {
  const found = await dockerCall(() =>
    client.listContainers({ all: true, filters: JSON.stringify({ label: labelFilter(labels) }) }),
  );
  return found.map((container) => ({ id: container.Id, labels: container.Labels ?? {}, status: container.State }));
}

/** A subscription to the engine's container events; `close()` ends it. */
export interface ContainerEventStream {
  close(): void;
}

/**
 * Subscribes to the engine's container events for containers carrying all the given labels.
 * `onEvent` gets each event; `onEnd` is called once if the stream breaks or the engine closes
 * it (not after `close()`), so the caller can resubscribe and reconcile what it missed.
 */
export async function watchContainerEvents(
  client: Docker,
  labels: Record<string, string>,
  onEvent: (event: ContainerEvent) => void,
  onEnd: (error: unknown) => void,
): Promise<ContainerEventStream> {
  const stream = (await dockerCall(() =>
    client.getEvents({ filters: JSON.stringify({ type: ["container"], label: labelFilter(labels) }) }),
  )) as Readable;
  let closed = false;
  let buffered = "";
  const ended = (error: unknown) => {
    if (closed) return;
    closed = true;
    onEnd(error);
  };
  stream.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      let raw: {
        id?: string;
        Action?: string;
        status?: string;
        Actor?: { ID?: string; Attributes?: Record<string, string> };
      };
      try {
        raw = JSON.parse(line);
      } catch {
        continue;
      }
      const attributes = { ...(raw.Actor?.Attributes ?? {}) };
      const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : null;
      // Docker puts the container's labels among the attributes, beside name and image.
      delete attributes.name;
      delete attributes.image;
      delete attributes.exitCode;
      delete attributes.containerExitCode;
      delete attributes.podId;
      const id = raw.Actor?.ID ?? raw.id;
      if (!id) continue;
      onEvent({
        id,
        action: raw.Action ?? raw.status ?? "",
        labels: attributes,
        exitCode: Number.isFinite(exitCode) ? exitCode : null,
      });
    }
  });
  stream.on("error", (error) => ended(error));
  stream.on("end", () => ended(null));
  stream.on("close", () => ended(null));
  return {
    close() {
      closed = true;
      stream.destroy();
    },
  };
}
