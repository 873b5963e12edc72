/** A tiny HTTPS client for tests that trusts the simulator's CA and sends its token. */
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

import type { RunningSimulator } from "../index";

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON of any shape
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string | null;
}

export function call(
  sim: RunningSimulator,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<RawResponse> {
  const url = new URL(path, sim.url);
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const token = options.token === undefined ? sim.token : options.token;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: sim.caPem,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Opens a watch and collects its events until `stop()` or the server ends the stream. */
export function openWatch(sim: RunningSimulator, path: string, headers: Record<string, string> = {}) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- watch events are JSON
  const events: any[] = [];
  let ended = false;
  let buffer = "";
  let stopFn = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, sim.url),
      { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}`, ...headers } },
      (res) => {
        res.on("data", (chunk: Buffer) => {
          buffer += chunk.toString("utf8");
          let nl: number;
          while ((nl = buffer.indexOf("\n")) >= 0) {
            events.push(JSON.parse(buffer.slice(0, nl)));
            buffer = buffer.slice(nl + 1);
          }
        });
        res.on("end", () => {
          ended = true;
          resolve();
        });
        res.on("error", () => resolve());
      },
    );
    req.on("error", (e) => (ended ? resolve() : reject(e)));
    req.end();
    stopFn = () => {
      ended = true;
      req.destroy();
      resolve();
    };
  });
  return {
    events,
    done,
    stop: () => stopFn(),
    get ended() {
      return ended;
    },
  };
}

/** Polls until `check` returns truthy (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
