import "server-only";

import { UnreadableSecretError } from "@/lib/crypto/secret-box";
import { describeDockerError, dockerClient } from "@/lib/docker/connection";
import { engineFacts } from "@/lib/docker/engine";

import { dockerHostConnection, type DockerHost } from "./queries";
import type { DockerHostStatus } from "./schema";

/** How long one status read may take, and how long its answer is reused. */
const PROBE_TIMEOUT_MS = 4_000;
const CACHE_MS = 5_000;

// Reads in flight or recent, per host id and row version: pages and API calls share them.
const globalForStatus = globalThis as unknown as {
  berthDockerHostStatus?: Map<number, { version: number; at: number; status: Promise<DockerHostStatus> }>;
};
const cache = (globalForStatus.berthDockerHostStatus ??= new Map());

async function probe(host: DockerHost): Promise<DockerHostStatus> {
  const checkedAt = new Date().toISOString();
  try {
    const facts = await engineFacts(dockerClient(dockerHostConnection(host)), PROBE_TIMEOUT_MS);
    return { reachable: true, ...facts, checkedAt };
  } catch (error) {
    if (error instanceof UnreadableSecretError)
      return {
        reachable: false,
        error: `Its stored TLS material cannot be read: ${error.message}. Attach it again with its certificates.`,
        checkedAt,
      };
    return { reachable: false, error: describeDockerError(error).message, checkedAt };
  }
}

/**
 * The engine's version, CPUs, memory and running containers, read live. Never throws: an engine
 * that cannot be read is `reachable: false` with the reason in plain words. Reused for a few seconds.
 */
export function dockerHostStatus(host: DockerHost, options: { fresh?: boolean } = {}): Promise<DockerHostStatus> {
  const cached = cache.get(host.id);
  if (!options.fresh && cached && cached.version === host.version && Date.now() - cached.at < CACHE_MS)
    return cached.status;
  const status = probe(host);
  cache.set(host.id, { version: host.version, at: Date.now(), status });
  return status;
}

/** Drops a host's cached status (after its connection changed or it was removed). */
export function forgetDockerHostStatus(hostId: number): void {
  cache.delete(hostId);
}
