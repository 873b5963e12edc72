import "server-only";

import { asc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { dockerHostGrants, dockerHosts, groups, type DockerHost } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secret-box";
import type { DockerConnection, DockerTls } from "@/lib/docker/endpoint-policy";
import { isIdRef } from "@/lib/objects/versioned";
import type { ClusterLevel } from "@/lib/permissions";

import type { DockerHostView } from "./schema";

export type { DockerHost } from "@/db/schema";

type Reader = ReturnType<typeof getDb> | Tx;

/**
 * A Docker host row by numeric id or by name. The row holds the encrypted TLS material: pass it
 * to `dockerHostConnection`, never to a page or a response (use `toDockerHostView`).
 */
export function findDockerHost(ref: string | number, db: Reader = getDb()): DockerHost | undefined {
  return db
    .select()
    .from(dockerHosts)
    .where(isIdRef(ref) ? eq(dockerHosts.id, Number(ref)) : eq(dockerHosts.name, String(ref)))
    .get();
}

/** What pages and the API may show of a Docker host: everything but its TLS material. */
export function toDockerHostView(host: DockerHost): DockerHostView {
  return {
    id: host.id,
    name: host.name,
    description: host.description,
    endpoint: host.endpoint,
    tls: host.tlsEncrypted !== null,
    usableByAll: host.usableByAll,
    revision: host.version,
    createdAt: host.createdAt.toISOString(),
    updatedAt: host.updatedAt.toISOString(),
  };
}

/** Every Docker host, by name. */
export function listDockerHostRows(): DockerHost[] {
  return getDb().select().from(dockerHosts).orderBy(asc(dockerHosts.name)).all();
}

/** The groups granted a level on a Docker host, by group name. */
export function dockerHostGrantsOf(hostId: number, db: Reader = getDb()): { group: string; level: ClusterLevel }[] {
  return db
    .select({ group: groups.name, level: dockerHostGrants.level })
    .from(dockerHostGrants)
    .innerJoin(groups, eq(groups.id, dockerHostGrants.groupId))
    .where(eq(dockerHostGrants.dockerHostId, hostId))
    .orderBy(asc(groups.name))
    .all();
}

/** The connection lib/docker is given for a host: its TLS material decrypted here, on the server, for that call only. */
export function dockerHostConnection(host: DockerHost): DockerConnection {
  return host.tlsEncrypted
    ? { endpoint: host.endpoint, tls: JSON.parse(decryptSecret(host.tlsEncrypted)) as DockerTls }
    : { endpoint: host.endpoint };
}
