import "server-only";

import type Docker from "dockerode";

import { dockerCall } from "./connection";

/** What an engine says about itself: version, capacity, and how many containers run now. */
export type EngineFacts = {
  engineVersion: string;
  apiVersion: string;
  os: string;
  cpus: number;
  memoryBytes: number;
  containersRunning: number;
};

// dockerode passes `abortSignal` on to the request (lib/docker.js `version`/`info`), which its
// typings do not declare.
type WithAbort<T> = (options: { abortSignal: AbortSignal }) => Promise<T>;

/** Reads `/version` and `/info`, giving up after `timeoutMs`; a failure is a DockerCallError in plain words. */
export async function engineFacts(docker: Docker, timeoutMs: number): Promise<EngineFacts> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  const [version, info] = await dockerCall(() =>
    Promise.all([
      (docker.version.bind(docker) as WithAbort<Docker.DockerVersion>)({ abortSignal }),
      (docker.info.bind(docker) as WithAbort<Record<string, unknown>>)({ abortSignal }),
    ]),
  );
  return {
    engineVersion: String(version.Version ?? info.ServerVersion ?? "unknown"),
    apiVersion: String(version.ApiVersion ?? ""),
    os: [info.OperatingSystem, info.Architecture].filter(Boolean).join(" "),
    cpus: Number(info.NCPU ?? 0),
    memoryBytes: Number(info.MemTotal ?? 0),
    containersRunning: Number(info.ContainersRunning ?? 0),
  };
}
