/** Container log buffers and the `pods/log` subresource (follow, tail, since, timestamps, previous, limitBytes). */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { RouteContext, StatusError, Store } from "../contract";
import { badRequest, notFound } from "../server/errors";
import { sendStatus } from "../server/respond";
import type { Pod } from "./model";

export interface LogLine {
  /** Milliseconds since the epoch. */
  at: number;
  text: string;
}

const MAX_LINES = 10_000;

/** The log of one container instance; closed once that instance terminates. */
export class LogBuffer {
  readonly lines: LogLine[] = [];
  closed = false;
  private readonly followers = new Set<(line: LogLine | undefined) => void>();

  append(text: string, at = Date.now()): void {
    if (this.closed) return;
    const line = { at, text };
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    for (const follower of this.followers) follower(line);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const follower of this.followers) follower(undefined);
    this.followers.clear();
  }

  /** Called with each new line, then once with undefined when the container stops. */
  follow(listener: (line: LogLine | undefined) => void): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }
}

/** What the route needs from the kubelet about one container. */
export interface ContainerLogs {
  current?: LogBuffer;
  previous?: LogBuffer;
  /** Waiting reason when the container has not started (`ContainerCreating`, `ImagePullBackOff`). */
  waitingReason?: string;
}

export type LogSource = (store: Store, pod: Pod, container: string) => ContainerLogs | undefined;

/** RFC3339Nano as the kubelet writes it (nanoseconds padded from milliseconds). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

export interface LogOptions {
  tailLines?: number;
  sinceMs?: number;
  timestamps: boolean;
  limitBytes?: number;
}

export function formatLine(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${rfc3339Nano(line.at)} ` : ""}${line.text}\n`;
}

/** The lines a request selects from a buffer, oldest first. */
export function selectLines(lines: LogLine[], options: LogOptions): LogLine[] {
  let selected = options.sinceMs === undefined ? lines : lines.filter((l) => l.at >= options.sinceMs!);
  if (options.tailLines !== undefined && options.tailLines >= 0)
    selected = selected.slice(Math.max(0, selected.length - options.tailLines));
  return selected;
}

function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${raw}`);
  return n;
}

const boolParam = (url: URL, name: string) =>
  url.searchParams.get(name) === "true" || url.searchParams.get(name) === "1";

/** Resolves the container a request means, or the apiserver's error for it. */
export function resolveContainer(pod: Pod, requested: string | null): string | StatusError {
  const names = (pod.spec.containers ?? []).map((c) => c.name);
  const initNames = (pod.spec.initContainers ?? []).map((c) => c.name);
  const podName = pod.metadata.name;
  if (!requested) {
    if (names.length === 1) return names[0];
    const init = initNames.length ? ` or one of the init containers: [${initNames.join(" ")}]` : "";
    return badRequest(
      `a container name must be specified for pod ${podName}, choose one of: [${names.join(" ")}]${init}`,
    );
  }
  if (!names.includes(requested) && !initNames.includes(requested))
    return badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

/** GET /api/v1/namespaces/:namespace/pods/:name/log */
export function logRoute(source: LogSource) {
  return (req: IncomingMessage, res: ServerResponse, ctx: RouteContext): boolean => {
    const { namespace, name } = ctx.params;
    const pod = ctx.store.get("pods", namespace, name) as Pod | undefined;
    if (!pod) {
      sendStatus(res, notFound({ plural: "pods", group: "" }, name));
      return true;
    }
    let options: LogOptions;
    try {
      const sinceSeconds = intParam(ctx.url, "sinceSeconds");
      const sinceTime = ctx.url.searchParams.get("sinceTime");
      options = {
        tailLines: intParam(ctx.url, "tailLines"),
        limitBytes: intParam(ctx.url, "limitBytes"),
        timestamps: boolParam(ctx.url, "timestamps"),
        sinceMs:
          sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined,
      };
    } catch (error) {
      sendStatus(res, error as StatusError);
      return true;
    }
    const container = resolveContainer(pod, ctx.url.searchParams.get("container"));
    if (typeof container !== "string") {
      sendStatus(res, container);
      return true;
    }
    const previous = boolParam(ctx.url, "previous");
    const logs = source(ctx.store, pod, container);
    const buffer = previous ? logs?.previous : logs?.current;
    if (!buffer) {
      const message = previous
        ? `previous terminated container "${container}" in pod "${name}" not found`
        : `container "${container}" in pod "${name}" is waiting to start: ${logs?.waitingReason ?? "ContainerCreating"}`;
      sendStatus(res, badRequest(message));
      return true;
    }
    streamLogs(req, res, buffer, options, boolParam(ctx.url, "follow") && !previous);
    return true;
  };
}

function streamLogs(
  req: IncomingMessage,
  res: ServerResponse,
  buffer: LogBuffer,
  options: LogOptions,
  follow: boolean,
): void {
  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache", "Transfer-Encoding": "chunked" });
  let budget = options.limitBytes ?? Infinity;
  // Returns false once limitBytes is spent.
  const write = (text: string): boolean => {
    if (budget <= 0) return false;
    const bytes = Buffer.from(text);
    const chunk = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
    budget -= chunk.length;
    res.write(chunk);
    return budget > 0;
  };
  for (const line of selectLines(buffer.lines, options)) {
    if (!write(formatLine(line, options.timestamps))) return void res.end();
  }
  if (!follow || buffer.closed) return void res.end();
  const stop = buffer.follow((line) => {
    if (!line) {
      stop();
      res.end();
      return;
    }
    if (options.sinceMs !== undefined && line.at < options.sinceMs) return;
    if (!write(formatLine(line, options.timestamps))) {
      stop();
      res.end();
    }
  });
  const cancel = () => stop();
  req.on("close", cancel);
  res.on("close", cancel);
}
