/**
 * The local container engine for `npm start` users (scripts/container-engine.ts), so a first-time
 * user's script really runs in a container: started by `BERTH_LOCAL_ENGINE=1 npm start` beside the
 * embedded cluster (the console registers it as Docker host `local`, lib/docker-hosts/local-engine.ts)
 * or alone by `npm run engine:local`. Its socket sits under ~/.cache/berth/engine-local and its
 * registry on 127.0.0.1:BERTH_LOCAL_REGISTRY_PORT (default 5000), both fixed so the host's endpoint
 * and the image references saved in Berth stay valid when it is started again.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { startContainerEngine, type ContainerEngine } from "./container-engine";

/** The file in the data dir the console reads at start (lib/docker-hosts/local-engine.ts names it too). */
export const LOCAL_ENGINE_FILE = "local-engine.json";

/** Whether a BERTH_LOCAL_ENGINE value asks for the engine; unset is off, so `npm start` needs no podman. */
export function localEngineEnabled(value: string | undefined): boolean {
  const mode = value?.trim().toLowerCase() ?? "";
  if (["1", "on", "true", "yes"].includes(mode)) return true;
  if (["", "0", "off", "false", "no"].includes(mode)) return false;
  throw new Error(`BERTH_LOCAL_ENGINE must be 1 (start the local container engine) or off; got "${value}"`);
}

/** The registry's fixed port from BERTH_LOCAL_REGISTRY_PORT (default 5000). */
export function localRegistryPort(value: string | undefined): number {
  const port = Number(value ?? "5000");
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`BERTH_LOCAL_REGISTRY_PORT must be a port number, not ${value}`);
  return port;
}

/** Starts the engine and its registry in their fixed places. */
export function startLocalEngine(registryPortValue: string | undefined): Promise<ContainerEngine> {
  return startContainerEngine({
    dir: path.join(os.homedir(), ".cache", "berth", "engine-local"),
    registryPort: localRegistryPort(registryPortValue),
  });
}

/** Tells the console where the engine is: its endpoint, registry and base image, owner-only in the data dir. */
export function writeLocalEngineFile(
  dataDir: string,
  engine: Pick<ContainerEngine, "endpoint" | "registry" | "baseImage">,
) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCAL_ENGINE_FILE);
  const { endpoint, registry, baseImage } = engine;
  fs.writeFileSync(file, `${JSON.stringify({ endpoint, registry, baseImage }, null, 2)}\n`, { mode: 0o600 });
  return file;
}
