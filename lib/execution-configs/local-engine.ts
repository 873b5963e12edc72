import "server-only";

import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { z } from "zod";

import { getDb } from "@/db";
import { dockerHosts, executionConfigs, settings } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { dockerHostAuditBody } from "@/lib/docker-hosts/mutations";
import { findDockerHost } from "@/lib/docker-hosts/queries";
import { forgetDockerHostStatus } from "@/lib/docker-hosts/status";
import { parseDockerEndpoint } from "@/lib/docker/endpoint-policy";
import { env } from "@/lib/env";

import { EXECUTION_CONFIG_OBJECT_TYPE, executionConfigBody } from "./queries";
import { createExecutionConfigSchema, type ExecutionConfigSpec } from "./schema";

/** The file `BERTH_LOCAL_ENGINE=1 npm start` writes into the data dir once its engine answers (scripts/start.ts). */
export const LOCAL_ENGINE_FILE = "local-engine.json";
export const LOCAL_DOCKER_HOST_NAME = "local";
export const LOCAL_CONFIG_NAME = "local-python";

/** The settings row that records what was registered; once present, nothing deleted is brought back. */
const LOCAL_ENGINE_KEY = "localEngine";

const engineFileSchema = z.object({ endpoint: z.string(), baseImage: z.string().min(1) });

interface LocalEngineRegistration {
  registeredAt: string;
  dockerHostId: number;
  executionConfigId: number | null;
}

/**
 * Registers the container engine `npm start` started beside the embedded cluster: the Docker host
 * `local`, usable by everyone, and once the execution config `local-python` (engine docker, the
 * engine's Debian image with python3), usable by everyone, so a first-time user's script really
 * runs. Later starts only follow a moved socket; what an admin deletes stays deleted. Audited as
 * system, like the embedded cluster.
 */
export function registerLocalEngine(): void {
  const file = path.join(env().dataDir, LOCAL_ENGINE_FILE);
  if (!fs.existsSync(file)) return;
  let engine: z.infer<typeof engineFileSchema>;
  try {
    engine = engineFileSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (error) {
    console.error(
      `The local engine's file (${file}) cannot be read: ${error instanceof Error ? error.message : error}`,
    );
    return;
  }
  const endpoint = parseDockerEndpoint(engine.endpoint);
  if (!endpoint.ok || endpoint.endpoint.kind !== "unix") {
    console.error(
      `The local engine's endpoint in ${file} is refused: ${endpoint.ok ? "it must be a unix:// socket" : endpoint.reason}`,
    );
    return;
  }
  const moved = getDb().transaction((tx) => {
    const value = tx.select().from(settings).where(eq(settings.key, LOCAL_ENGINE_KEY)).get()?.value;
    const registered = value && typeof value === "object" ? (value as LocalEngineRegistration) : null;
    if (registered) {
      const host = findDockerHost(registered.dockerHostId, tx);
      if (!host || host.endpoint === engine.endpoint) return null;
      const after = tx
        .update(dockerHosts)
        .set({ endpoint: engine.endpoint, tlsEncrypted: null, version: host.version + 1, updatedAt: new Date() })
        .where(eq(dockerHosts.id, host.id))
        .returning()
        .get();
      recordAudit(tx, null, "system", {
        action: "docker-host.update",
        objectType: "docker-host",
        objectId: after.id,
        objectName: after.name,
        before: dockerHostAuditBody(host),
        after: { ...dockerHostAuditBody(after), connectionReplaced: true },
      });
      return after.id;
    }

    if (findDockerHost(LOCAL_DOCKER_HOST_NAME, tx)) {
      console.error(
        `A Docker host named "${LOCAL_DOCKER_HOST_NAME}" that Berth did not register exists: the local engine is not registered.`,
      );
      return null;
    }
    const host = tx
      .insert(dockerHosts)
      .values({
        name: LOCAL_DOCKER_HOST_NAME,
        description:
          "The container engine started with Berth (BERTH_LOCAL_ENGINE): podman on this machine. Everyone may run work on it; change that under Permissions.",
        endpoint: engine.endpoint,
        usableByAll: true,
      })
      .returning()
      .get();
    recordAudit(tx, null, "system", {
      action: "docker-host.create",
      objectType: "docker-host",
      objectId: host.id,
      objectName: host.name,
      after: { ...dockerHostAuditBody(host), usableByAll: true },
    });

    let executionConfigId: number | null = null;
    if (
      !tx
        .select({ id: executionConfigs.id })
        .from(executionConfigs)
        .where(eq(executionConfigs.name, LOCAL_CONFIG_NAME))
        .get()
    ) {
      const config = createExecutionConfigSchema.parse({
        name: LOCAL_CONFIG_NAME,
        description:
          "Starting point created by Berth with the local engine: Python in a container on Docker host local, usable by everyone.",
        engine: "docker",
        dockerHost: host.name,
        image: engine.baseImage,
        resources: { requests: {}, limits: { cpu: "1", memory: "1Gi" } },
        usableBy: "all",
      });
      const { name, description, usableBy } = config;
      // The body's columns are stored apart; the rest is the spec (as lib/execution-configs stores it).
      const spec = Object.fromEntries(
        Object.entries(config).filter(
          ([key]) => !["name", "description", "cluster", "usableBy", "engine", "dockerHost"].includes(key),
        ),
      ) as ExecutionConfigSpec;
      const row = tx
        .insert(executionConfigs)
        .values({
          name,
          description,
          clusterId: null,
          usableBy,
          spec: spec as Record<string, unknown>,
          engine: "docker",
          dockerHostId: host.id,
        })
        .returning()
        .get();
      executionConfigId = row.id;
      recordAudit(tx, null, "system", {
        action: "execution-config.create",
        objectType: EXECUTION_CONFIG_OBJECT_TYPE,
        objectId: row.id,
        objectName: row.name,
        after: executionConfigBody(row, tx),
      });
    }
    const registration: LocalEngineRegistration = {
      registeredAt: new Date().toISOString(),
      dockerHostId: host.id,
      executionConfigId,
    };
    tx.insert(settings).values({ key: LOCAL_ENGINE_KEY, value: registration }).run();
    return null;
  });
  if (moved !== null) forgetDockerHostStatus(moved);
}
