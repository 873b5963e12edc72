import "server-only";

import type { Readable } from "node:stream";

import { describeDockerError, dockerClient, type DockerConnection } from "./connection";

/**
 * Image builds on a Docker engine through its build API (`POST /build` with a tar context), then a
 * push (`POST /images/{name}/push`). Works the same on Docker and on podman's compatible service;
 * both answer with a stream of JSON lines (`{stream}`, `{status}`, `{aux}`, `{error, errorDetail}`).
 */

/** One image to build from a Dockerfile's text and push. */
export interface DockerBuildRequest {
  /** The Dockerfile, built exactly as given. */
  dockerfile: string;
  /** Other files of the build context, by relative path. */
  files?: Record<string, string | Buffer>;
  /** registry/repository:tag the image is tagged and pushed as. */
  image: string;
  buildArgs?: Record<string, string>;
  /** Docker config JSON (`{"auths": {host: {auth} | {username, password}}}`): used to pull FROM images and to push. */
  dockerConfigJson?: string;
  /** Push after building (default true). */
  push?: boolean;
  /** Each line of the build's and the push's output, as it comes. */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export interface DockerBuildResult {
  /** The built image's ID (sha256:…). */
  imageId: string;
  /** The pushed manifest's digest, when the engine reported it. */
  digest: string | null;
}

/**
 * A build or push that failed, in words a person can act on: which step failed and how, with the
 * last lines it printed (also in `lastLines`).
 */
export class DockerBuildError extends Error {
  constructor(
    message: string,
    readonly stage: "build" | "push",
    /** The step that failed, as the engine numbered it ("3/7 RUN pip install …"), when known. */
    readonly step: string | null,
    readonly lastLines: string[],
  ) {
    super(message);
    this.name = "DockerBuildError";
  }
}

/** Lines of a failing step's output kept for its error. */
const LAST_LINES = 12;

// ── Build context ────────────────────────────────────────────────────────────────────────────

/** One ustar header block (POSIX.1-1988) for a regular file. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, "utf8");
  const octal = (offset: number, length: number, value: number) =>
    field(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
  if (Buffer.byteLength(name) > 100) throw new Error(`Build context file name longer than 100 bytes: ${name}`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  field(156, 1, "0");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  // The checksum is computed with its own field as spaces.
  field(148, 8, "        ");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/** A tar archive of the given files (the build context the build API takes). */
export function buildContext(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    if (!name || name.startsWith("/") || name.split("/").includes(".."))
      throw new Error(`Build context file names must be relative paths: ${name}`);
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    parts.push(tarHeader(name, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

// ── Registry credentials ─────────────────────────────────────────────────────────────────────

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

/** A registry's host[:port] as a docker config key names it ("https://index.docker.io/v1/" → "index.docker.io"). */
function registryHost(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, "")
    .split("/")[0]
    .toLowerCase();
}

/** Credentials per registry host from a docker config JSON; throws on text that is not one. */
export function registryAuths(dockerConfigJson: string | undefined): Map<string, RegistryAuth> {
  const auths = new Map<string, RegistryAuth>();
  if (!dockerConfigJson?.trim()) return auths;
  let parsed: unknown;
  try {
    parsed = JSON.parse(dockerConfigJson);
  } catch {
    throw new Error("The registry credentials are not a docker config JSON document");
  }
  const entries =
    (parsed as { auths?: Record<string, { auth?: string; username?: string; password?: string }> } | null)?.auths ?? {};
  for (const [key, entry] of Object.entries(entries)) {
    let username = entry?.username ?? "";
    let password = entry?.password ?? "";
    if (entry?.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (username) auths.set(registryHost(key), { username, password, serveraddress: registryHost(key) });
  }
  return auths;
}

/** The registry host of an image reference; Docker Hub's when the first part is not a host. */
export function imageRegistryHost(image: string): string {
  const first = image.split("/")[0];
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first.toLowerCase()
    : "docker.io";
}

/** repository and tag of a reference (a digest-pinned reference cannot be a push target). */
function splitTag(image: string): { repository: string; tag: string } {
  if (image.includes("@")) throw new Error(`A build's image must be tagged, not pinned by digest: ${image}`);
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash
    ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { repository: image, tag: "latest" };
}

// ── Output streams ───────────────────────────────────────────────────────────────────────────

interface ProgressMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string; Digest?: string };
}

/** Reads a JSON-lines progress stream to its end, handing each message over as it arrives. */
async function readProgress(
  stream: Readable,
  onMessage: (message: ProgressMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  const abort = () => stream.destroy(new Error("The build was cancelled"));
  signal?.addEventListener("abort", abort, { once: true });
  let pending = "";
  const take = (line: string) => {
    if (!line.trim()) return;
    try {
      onMessage(JSON.parse(line) as ProgressMessage);
    } catch {
      onMessage({ stream: `${line}\n` });
    }
  };
  try {
    for await (const chunk of stream) {
      pending += chunk.toString();
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      lines.forEach(take);
    }
    take(pending);
  } finally {
    signal?.removeEventListener("abort", abort);
  }
}

/** "STEP 3/7: RUN …" (podman, buildah) or "Step 3/7 : RUN …" (Docker's builder). */
const STEP_LINE = /^step (\d+\/\d+) ?: ?(.*)$/i;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** What a build failure means, from the engine's error and the step it happened in. */
function buildFailure(
  image: string,
  error: string,
  step: { number: string; instruction: string } | null,
  lastLines: string[],
): DockerBuildError {
  const engine = error.trim();
  const stepName = step ? `${step.number} ${step.instruction}` : null;
  const output = lastLines.length ? `\nIts last output lines:\n${lastLines.map((line) => `  ${line}`).join("\n")}` : "";
  const exit = /exit status (\d+)|returned a non-zero code: (\d+)/.exec(engine);
  if (step && /^from\b/i.test(step.instruction)) {
    return new DockerBuildError(
      `The build of ${image} could not get its starting image (step ${stepName}): ${engine}`,
      "build",
      stepName,
      lastLines,
    );
  }
  if (step && exit) {
    return new DockerBuildError(
      `The build of ${image} failed at step ${step.number} (${clip(step.instruction)}): the command exited with code ${exit[1] ?? exit[2]}.${output}`,
      "build",
      stepName,
      lastLines,
    );
  }
  return new DockerBuildError(
    `The build of ${image} failed${step ? ` at step ${step.number} (${clip(step.instruction)})` : ""}: ${engine}${output}`,
    "build",
    stepName,
    lastLines,
  );
}

function pushFailure(image: string, error: string): DockerBuildError {
  const engine = error.trim();
  if (/unauthorized|authentication required|401|denied/i.test(engine)) {
    return new DockerBuildError(
      `The registry refused to let Berth push ${image} (check the registry credentials): ${engine}`,
      "push",
      null,
      [],
    );
  }
  if (
    /connection refused|no such host|i\/o timeout|server gave HTTP response to HTTPS client|certificate/i.test(engine)
  ) {
    return new DockerBuildError(
      `The engine could not reach the registry to push ${image}: ${engine}`,
      "push",
      null,
      [],
    );
  }
  return new DockerBuildError(`Pushing ${image} failed: ${engine}`, "push", null, []);
}

// ── Build and push ───────────────────────────────────────────────────────────────────────────

/**
 * Builds `request.dockerfile` on the engine, tags the result as `request.image` and (unless
 * `push: false`) pushes it with the credentials for its registry. Resolves with the image ID and the
 * pushed digest; rejects with a DockerBuildError (the build or push failed) or a DockerCallError
 * (the engine could not be reached or refused the request).
 */
export async function buildAndPushImage(
  connection: DockerConnection,
  request: DockerBuildRequest,
): Promise<DockerBuildResult> {
  const docker = dockerClient(connection);
  const auths = registryAuths(request.dockerConfigJson);
  const progress = request.onProgress ?? (() => {});
  const context = buildContext({ ...request.files, Dockerfile: request.dockerfile });
  const { repository, tag } = splitTag(request.image);

  let stream: Readable;
  try {
    stream = (await docker.buildImage(
      context as unknown as NodeJS.ReadableStream,
      {
        t: request.image,
        dockerfile: "Dockerfile",
        buildargs: request.buildArgs ?? {},
        rm: true,
        forcerm: true,
        // Every registry's credentials: a FROM image may live in another one than the target.
        registryconfig: Object.fromEntries(
          [...auths.values()].map((auth) => [auth.serveraddress, { username: auth.username, password: auth.password }]),
        ),
        abortSignal: request.signal,
      } as Parameters<typeof docker.buildImage>[1],
    )) as unknown as Readable;
  } catch (error) {
    throw new DockerBuildError(
      `The engine refused to build ${request.image}: ${describeDockerError(error).message}`,
      "build",
      null,
      [],
    );
  }

  // Written by the stream's callback: an object, so the checks below see its changes.
  const build = {
    step: null as { number: string; instruction: string } | null,
    output: [] as string[],
    failure: null as string | null,
    imageId: null as string | null,
  };
  await readProgress(
    stream,
    (message) => {
      if (message.error || message.errorDetail?.message) {
        build.failure = message.errorDetail?.message || message.error || "unknown error";
        return;
      }
      if (message.aux?.ID) build.imageId = message.aux.ID;
      for (const raw of (message.stream ?? "").split(/\r?\n/)) {
        const line = raw.replace(ANSI, "").trimEnd();
        if (!line) continue;
        progress(line);
        const header = STEP_LINE.exec(line);
        if (header) {
          build.step = { number: header[1], instruction: header[2].trim() };
          build.output = [];
        } else {
          build.output.push(line);
          if (build.output.length > LAST_LINES) build.output.shift();
        }
      }
    },
    request.signal,
  ).catch((error: unknown) => {
    build.failure ??= error instanceof Error ? error.message : String(error);
  });
  if (build.failure) throw buildFailure(request.image, build.failure, build.step, build.output);
  if (!build.imageId) {
    // Docker's builder may omit aux: the tagged image says which one it built.
    const inspected = await docker
      .getImage(request.image)
      .inspect()
      .catch(() => null);
    build.imageId = inspected?.Id ?? null;
  }
  const imageId = build.imageId;
  if (!imageId)
    throw new DockerBuildError(`The build of ${request.image} ended without an image`, "build", null, build.output);
  if (request.push === false) return { imageId, digest: null };

  const auth = auths.get(imageRegistryHost(request.image));
  let pushStream: Readable;
  try {
    pushStream = (await docker
      .getImage(repository)
      .push({ tag, ...(auth ? { authconfig: auth } : {}), abortSignal: request.signal } as Parameters<
        ReturnType<typeof docker.getImage>["push"]
      >[0])) as unknown as Readable;
  } catch (error) {
    throw pushFailure(request.image, describeDockerError(error).message);
  }
  const push = { error: null as string | null, digest: null as string | null };
  await readProgress(
    pushStream,
    (message) => {
      if (message.error || message.errorDetail?.message) {
        push.error = message.errorDetail?.message || message.error || "unknown error";
        return;
      }
      if (message.aux?.Digest) push.digest = message.aux.Digest;
      if (message.status) {
        progress(message.status);
        push.digest ??= /digest: (sha256:[0-9a-f]{64})/.exec(message.status)?.[1] ?? null;
      }
    },
    request.signal,
  ).catch((error: unknown) => {
    push.error ??= error instanceof Error ? error.message : String(error);
  });
  if (push.error) throw pushFailure(request.image, push.error);
  return { imageId, digest: push.digest };
}
