import "server-only";

import { notFound } from "@/lib/actions/result";
import { can, type Actor } from "@/lib/permissions";

import { dockerHostGrantsOf, findDockerHost, listDockerHostRows, toDockerHostView, type DockerHost } from "./queries";
import type { DockerHostDetail, DockerHostView, DockerHostWithStatus } from "./schema";
import { dockerHostStatus } from "./status";

/**
 * Who may read a Docker host (its status, grants): admins, and members of a group granted any
 * level on it, or everyone when it is usable by all.
 */
export function mayReadDockerHost(actor: Actor, hostId: number): boolean {
  return can(actor, "dockerHosts.use", { dockerHost: hostId });
}

/** The host a path names, if the actor may read it; otherwise 404, so its existence is not told either. */
export function requireReadableDockerHost(actor: Actor, ref: string | number): DockerHost {
  const host = findDockerHost(ref);
  if (!host || !mayReadDockerHost(actor, host.id)) throw notFound(`Docker host "${ref}"`);
  return host;
}

/** The hosts the actor may read, by name. */
export function listReadableDockerHosts(actor: Actor): DockerHostView[] {
  return listDockerHostRows()
    .filter((host) => mayReadDockerHost(actor, host.id))
    .map(toDockerHostView);
}

/** The readable hosts with their live status, read in parallel. */
export async function listReadableDockerHostsWithStatus(actor: Actor): Promise<DockerHostWithStatus[]> {
  const rows = listDockerHostRows().filter((host) => mayReadDockerHost(actor, host.id));
  return Promise.all(rows.map(async (host) => ({ ...toDockerHostView(host), status: await dockerHostStatus(host) })));
}

/** A readable host with its live status and grants; undefined when there is none the actor may read. */
export async function readableDockerHostDetail(
  actor: Actor,
  ref: string | number,
): Promise<DockerHostDetail | undefined> {
  const host = findDockerHost(ref);
  if (!host || !mayReadDockerHost(actor, host.id)) return undefined;
  return { ...toDockerHostView(host), status: await dockerHostStatus(host), grants: dockerHostGrantsOf(host.id) };
}

/** The groups' levels on a readable host. */
export function readableDockerHostGrants(actor: Actor, ref: string | number) {
  return dockerHostGrantsOf(requireReadableDockerHost(actor, ref).id);
}
