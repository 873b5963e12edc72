/**
 * `npm run engine:local`: a real container engine on this machine for `npm start` users, so a
 * script really runs in a container. Podman (with runc) serves the Docker Engine API on a socket
 * under ~/.cache/berth/engine-local, beside a loopback registry holding a Debian bookworm image
 * (python3) to use as a Docker execution config's image or a base image's starting image. It runs
 * in the foreground; Ctrl-C removes its containers and stops it. Needs Debian's podman, runc,
 * docker-registry and debootstrap, and root the first time (debootstrap makes the image, cached).
 * The registry listens on 127.0.0.1:BERTH_LOCAL_REGISTRY_PORT (default 5000), fixed so image
 * references saved in Berth stay valid when the engine is started again.
 */
import os from "node:os";
import path from "node:path";

import { startContainerEngine } from "../test/support/docker-engine";

const dir = path.join(os.homedir(), ".cache", "berth", "engine-local");
const console_ = process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`;

const registryPort = Number(process.env.BERTH_LOCAL_REGISTRY_PORT ?? "5000");
if (!Number.isInteger(registryPort) || registryPort < 1 || registryPort > 65535) {
  console.error(`BERTH_LOCAL_REGISTRY_PORT must be a port number, not ${process.env.BERTH_LOCAL_REGISTRY_PORT}`);
  process.exit(1);
}
const engine = await startContainerEngine({ dir, registryPort });
const body = JSON.stringify({ name: "local", endpoint: engine.endpoint });
console.log(
  [
    "The local container engine is ready (podman with runc, Docker Engine API).",
    `  endpoint    ${engine.endpoint}`,
    `  registry    ${engine.registry} (plain HTTP, loopback only)`,
    `  base image  ${engine.baseImage} (Debian bookworm with python3)`,
    "",
    "Add it to Berth as a Docker host: as an admin, Docker hosts → Add with the endpoint above, or",
    `  curl -X POST ${console_}/api/v1/docker-hosts -H "Authorization: Bearer $BERTH_TOKEN" -H "Content-Type: application/json" -d '${body}'`,
    "then create an execution config with engine docker on host local and the base image above.",
    "",
    "Ctrl-C stops the engine and removes its containers.",
  ].join("\n"),
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void engine.stop().then(() => process.exit(0));
  });
}
// Keeps the process alive until a signal stops it.
setInterval(() => {}, 1 << 30);
