/**
 * `npm run engine:local`: the local container engine (scripts/local-engine.ts) alone, in the
 * foreground, for a console started some other way; `BERTH_LOCAL_ENGINE=1 npm start` starts it
 * beside the console and registers it by itself. Needs Debian's podman, runc, docker-registry and
 * debootstrap, and root the first time (debootstrap makes the image, cached). Ctrl-C removes its
 * containers and stops it.
 */
import { startLocalEngine } from "./local-engine";

const console_ = process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`;

let engine: Awaited<ReturnType<typeof startLocalEngine>>;
try {
  engine = await startLocalEngine(process.env.BERTH_LOCAL_REGISTRY_PORT);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
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
