import "server-only";

import { eq } from "drizzle-orm";

import type { Tx } from "@/db";
import { dockerHostGrants, dockerHosts, executionConfigs, type DockerHost } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { requireGrantGroups } from "@/lib/groups/queries";
import { conflictView } from "@/lib/objects/history";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { can } from "@/lib/permissions";

import { dockerHostGrantsOf, findDockerHost, toDockerHostView } from "./queries";
import {
  createDockerHostSchema,
  deleteDockerHostSchema,
  setDockerHostGrantsSchema,
  updateDockerHostSchema,
} from "./schema";
import { forgetDockerHostStatus } from "./status";

/** The Docker host a path or form names, or a 404. */
export function requireDockerHost(ref: string | number, tx?: Tx): DockerHost {
  const host = findDockerHost(ref, tx);
  if (!host) throw notFound(`Docker host "${ref}"`);
  return host;
}

/** For scoped permissions: the id of the Docker host the input acts on. */
const hostScope = (input: { dockerHost: string | number }) => ({ dockerHost: requireDockerHost(input.dockerHost).id });

/** What the audit log keeps of a Docker host: never its TLS material, only whether there is some. */
export function dockerHostAuditBody(host: DockerHost) {
  return { name: host.name, description: host.description, endpoint: host.endpoint, tls: host.tlsEncrypted !== null };
}

const hostAudit = (host: DockerHost) => ({ objectType: "docker-host", objectId: host.id, objectName: host.name });

/** Everything that names this host, in words: a host in use may not be removed. */
function dockerHostReferences(host: DockerHost, tx: Tx): string[] {
  return tx
    .select({ name: executionConfigs.name })
    .from(executionConfigs)
    .where(eq(executionConfigs.dockerHostId, host.id))
    .all()
    .map((row) => `execution config ${row.name}`);
}

export const createDockerHost = defineMutation({
  name: "docker-host.create",
  permission: "dockerHosts.create",
  schema: createDockerHostSchema,
  run(input, ctx) {
    const tlsEncrypted = input.tls ? encryptSecret(JSON.stringify(input.tls)) : null;
    return ctx.write((tx) => {
      if (findDockerHost(input.name, tx)) throw conflict("name", `A Docker host named "${input.name}" already exists`);
      const host = tx
        .insert(dockerHosts)
        .values({ name: input.name, description: input.description, endpoint: input.endpoint, tlsEncrypted })
        .returning()
        .get();
      return { result: toDockerHostView(host), audit: { ...hostAudit(host), after: dockerHostAuditBody(host) } };
    });
  },
});

/**
 * Changes a Docker host as its next version. A new endpoint or TLS material changes where Berth
 * sends containers and with whose certificate, so it needs manage on the host, where operate may
 * change the name and description.
 */
export const updateDockerHost = defineMutation({
  name: "docker-host.update",
  permission: "dockerHosts.operate",
  scope: hostScope,
  schema: updateDockerHostSchema,
  run(input, ctx) {
    const result = ctx.write((tx) => {
      const before = requireDockerHost(input.dockerHost, tx);
      assertFreshVersion(
        `Docker host ${before.name}`,
        before,
        input.version,
        conflictView("docker-host", before.id, { ...toDockerHostView(before), version: before.version }, tx),
      );
      if (input.name && input.name !== before.name && findDockerHost(input.name, tx))
        throw conflict("name", `A Docker host named "${input.name}" already exists`);
      const connectionChanged =
        input.endpoint !== undefined &&
        (input.endpoint !== before.endpoint || input.tls !== undefined || before.tlsEncrypted !== null);
      if (connectionChanged && !can(ctx.actor, "dockerHosts.manage", { dockerHost: before.id })) {
        throw new DomainError(
          403,
          'Changing the endpoint or TLS material needs the permission "dockerHosts.manage" on this Docker host',
        );
      }
      const after = tx
        .update(dockerHosts)
        .set({
          name: input.name ?? before.name,
          description: input.description ?? before.description,
          ...(connectionChanged
            ? { endpoint: input.endpoint, tlsEncrypted: input.tls ? encryptSecret(JSON.stringify(input.tls)) : null }
            : {}),
          version: before.version + 1,
          updatedAt: new Date(),
        })
        .where(eq(dockerHosts.id, before.id))
        .returning()
        .get();
      return {
        result: toDockerHostView(after),
        audit: {
          ...hostAudit(after),
          before: dockerHostAuditBody(before),
          after: { ...dockerHostAuditBody(after), ...(connectionChanged ? { connectionReplaced: true } : {}) },
        },
      };
    });
    forgetDockerHostStatus(result.id);
    return result;
  },
});

export const deleteDockerHost = defineMutation({
  name: "docker-host.delete",
  permission: "dockerHosts.manage",
  scope: hostScope,
  schema: deleteDockerHostSchema,
  run(input, ctx) {
    const result = ctx.write((tx) => {
      const host = requireDockerHost(input.dockerHost, tx);
      const references = dockerHostReferences(host, tx);
      if (references.length)
        throw new DomainError(
          409,
          `Docker host ${host.name} is used by ${references.join(", ")}; change those first.`,
          undefined,
          { usedBy: references },
        );
      tx.delete(dockerHosts).where(eq(dockerHosts.id, host.id)).run();
      return {
        result: { id: host.id, name: host.name },
        audit: { ...hostAudit(host), before: dockerHostAuditBody(host) },
      };
    });
    forgetDockerHostStatus(result.id);
    return result;
  },
});

/** Replaces the groups' levels on a Docker host (and, when given, whether everyone may use it); every group must exist. */
export const setDockerHostGrants = defineMutation({
  name: "docker-host.set-grants",
  permission: "dockerHosts.manage",
  scope: hostScope,
  schema: setDockerHostGrantsSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const host = requireDockerHost(input.dockerHost, tx);
      const found = requireGrantGroups(input.grants, tx);
      const before = dockerHostGrantsOf(host.id, tx);
      tx.delete(dockerHostGrants).where(eq(dockerHostGrants.dockerHostId, host.id)).run();
      input.grants.forEach((grant, index) =>
        tx
          .insert(dockerHostGrants)
          .values({ dockerHostId: host.id, groupId: found[index].id, level: grant.level })
          .run(),
      );
      const everyone = input.everyone ?? host.usableByAll;
      if (everyone !== host.usableByAll)
        tx.update(dockerHosts)
          .set({ usableByAll: everyone, updatedAt: new Date() })
          .where(eq(dockerHosts.id, host.id))
          .run();
      const after = dockerHostGrantsOf(host.id, tx);
      return {
        result: after,
        audit: {
          ...hostAudit(host),
          before: { grants: before, usableByAll: host.usableByAll },
          after: { grants: after, usableByAll: everyone },
        },
      };
    });
  },
});
