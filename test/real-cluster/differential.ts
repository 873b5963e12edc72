/**
 * What the differential test needs to ask two clusters the same questions: raw HTTP with a
 * kubeconfig's credentials (status codes and Status bodies as a client sees them), kubectl, a
 * scrubber for what differs by nature (uids, times, resourceVersions, IPs) and a structural diff.
 */
import { spawn } from "node:child_process";
import https from "node:https";
import { KubeConfig } from "@kubernetes/client-node";

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as the server sent it, read by path
  body: any;
}

export interface Cluster {
  name: "real" | "sim";
  kubeconfigPath: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** The lines of a watch that ends by `timeoutSeconds`, each parsed. */
  watch(path: string): Promise<Answer>;
  kubectl(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";

export function clusterClient(name: Cluster["name"], kubeconfigPath: string): Cluster {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const server = config.getCurrentCluster()!.server;

  async function request(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<{ status: number; text: string }> {
    const options: https.RequestOptions = { method, headers: { Accept: "application/json", ...headers } };
    await config.applyToHTTPSOptions(options);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    if (payload !== undefined) options.headers = { "Content-Type": "application/json", ...options.headers };
    return new Promise((resolve, reject) => {
      const outgoing = https.request(new URL(path, server), options, (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      });
      outgoing.on("error", reject);
      outgoing.end(payload);
    });
  }

  return {
    name,
    kubeconfigPath,
    async api(method, path, body, headers = {}) {
      const { status, text } = await request(method, path, body, headers);
      // Paths no API serves answer plain text ("404 page not found").
      try {
        return { status, body: text ? JSON.parse(text) : null };
      } catch {
        return { status, body: text };
      }
    },
    async watch(path) {
      const { status, text } = await request("GET", path, undefined, {});
      return {
        status,
        body: text
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
      };
    },
    kubectl(...args) {
      return new Promise((resolve, reject) => {
        const child = spawn("/usr/bin/kubectl", ["--kubeconfig", kubeconfigPath, ...args], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    },
  };
}

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
const UID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const AGE = /^(\d+(s|m|h|d))+$|^<invalid>$/;

/** Replaces what differs between any two clusters by nature, so what is left should be equal. */
export function scrub(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => scrub(item));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name]) => name !== "managedFields")
        .map(([name, item]) => [
          name,
          /^(uid|resourceVersion|podIP|hostIP)$/.test(name) && item ? `<${name}>` : scrub(item, name),
        ]),
    );
  }
  if (typeof value === "string") {
    if (key === "age" || AGE.test(value)) return "<age>";
    return value.replace(ISO_TIME, "<time>").replace(UID, "<uid>");
  }
  return value;
}

export interface Difference {
  path: string;
  real: unknown;
  sim: unknown;
}

/** Every leaf where the two observations differ, by JSON path. */
export function differences(real: unknown, sim: unknown, path = "$"): Difference[] {
  const isObject = (value: unknown): value is Record<string, unknown> => Boolean(value) && typeof value === "object";
  if (isObject(real) && isObject(sim) && Array.isArray(real) === Array.isArray(sim)) {
    const keys = [...new Set([...Object.keys(real), ...Object.keys(sim)])];
    return keys.flatMap((key) =>
      differences(real[key], sim[key], Array.isArray(real) ? `${path}[${key}]` : `${path}.${key}`),
    );
  }
  return JSON.stringify(real) === JSON.stringify(sim) ? [] : [{ path, real, sim }];
}

/** Polls until `done` holds, else fails with the last value seen. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
