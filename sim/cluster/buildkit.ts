/**
 * The simulated rootless BuildKit build: a container running `buildctl-daemonless.sh build`
 * (moby/buildkit examples/buildctl-daemonless/buildctl-daemonless.sh, which starts a private
 * `buildkitd` and hands its arguments to `buildctl`), as moby/buildkit
 * examples/kubernetes/job.rootless.yaml runs it. From buildctl's flags and the mounted files, a
 * plan: the `--progress=plain` log buildctl v0.2x prints (`#N [1/3] FROM …`, `#N DONE 0.3s`,
 * `exporting to image`, `pushing manifest for …@sha256:…`), its failure texts (`ERROR: process
 * "/bin/sh -c …" did not complete successfully: exit code: 1`, `error: failed to solve: …`), and
 * the `--metadata-file` JSON (`containerimage.digest`). Nothing is pulled, run or pushed. Pure.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";

import {
  argDeclarations,
  envAssignments,
  expandVariables,
  parseDockerfile,
  type Instruction,
  type Stage,
} from "./dockerfile";
import {
  FAIL_MARKER,
  findMissingSource,
  imageDigest,
  neededStages,
  repositoryOf,
  stageRef,
  type BuildPlan,
  type LogEntry,
} from "./kaniko";
import { parseFlags } from "./kaniko-args";
import type { Container } from "./model";
import type { ContainerFiles } from "./volumes";

export const BUILDKIT_ANNOTATION = "sim.berth.dev/buildkit";

/** `moby/buildkit:v0.23.2-rootless`, `docker.io/moby/buildkit@sha256:…`, or a mirror ending in `/moby/buildkit`. */
export function isBuildkitImage(image: string | undefined): boolean {
  if (!image) return false;
  const repository = image.split("@")[0].replace(/:[^/:]+$/, "");
  return repository === "moby/buildkit" || repository.endsWith("/moby/buildkit");
}

/** buildctl's argv from the container: what follows `buildctl-daemonless.sh` or `buildctl`, or undefined when it runs neither. */
export function buildctlArgv(container: Container): string[] | undefined {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const at = argv.findIndex((word) => /(^|\/)(buildctl-daemonless\.sh|buildctl)$/.test(word));
  return at < 0 ? undefined : argv.slice(at + 1);
}

/**
 * A container runs a BuildKit build when it runs `buildctl… build` in a BuildKit image (a
 * `buildkitd` daemon in the same image is not a build), or when the pod carries
 * `sim.berth.dev/buildkit`: `"true"` for every container, or a container name for that one.
 */
export function isBuildkitContainer(container: Container, annotations: Record<string, string> | undefined): boolean {
  const marked = annotations?.[BUILDKIT_ANNOTATION]?.trim();
  if (marked === "true" || (marked && marked === container.name)) return true;
  const argv = buildctlArgv(container);
  return isBuildkitImage(container.image) && argv !== undefined && argv.some((word) => word === "build");
}

export interface BuildctlOptions {
  /** `--local context=DIR`. */
  context: string;
  /** `--local dockerfile=DIR` joined with `--opt filename=…`. */
  dockerfile: string;
  /** `--output type=image,name=a,b,push=true`: the names pushed (none without push=true). */
  destinations: string[];
  push: boolean;
  buildArgs: Record<string, string>;
  target?: string;
  metadataFile?: string;
  frontend?: string;
}

/** `type=image,name=a,push=true` → its keys; a quoted `"name=a,b"` keeps its comma, as buildctl's CSV reader does. */
function outputAttributes(spec: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const field of spec.match(/"[^"]*"|[^,]+/g) ?? []) {
    const unquoted = field.replace(/^"(.*)"$/, "$1");
    const eq = unquoted.indexOf("=");
    if (eq > 0) attributes.set(unquoted.slice(0, eq).trim(), unquoted.slice(eq + 1));
  }
  return attributes;
}

/** buildctl `build`'s flags (`--flag value` or `--flag=value`; `-o` is `--output`). */
export function buildctlOptions(argv: string[]): BuildctlOptions {
  const sub = argv.indexOf("build");
  const flags = parseFlags((sub < 0 ? argv : argv.slice(sub + 1)).map((word) => (word === "-o" ? "--output" : word)));
  const locals = new Map<string, string>();
  for (const pair of flags.get("local") ?? []) {
    const eq = pair.indexOf("=");
    if (eq > 0) locals.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const opts = new Map<string, string>();
  const buildArgs: Record<string, string> = {};
  for (const pair of flags.get("opt") ?? []) {
    const eq = pair.indexOf("=");
    const [key, value] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    if (key.startsWith("build-arg:")) buildArgs[key.slice("build-arg:".length)] = value;
    else opts.set(key, value);
  }
  const context = posix.resolve("/", locals.get("context") ?? ".");
  const dockerfileDir = posix.resolve("/", locals.get("dockerfile") ?? locals.get("context") ?? ".");
  const outputs = (flags.get("output") ?? [])
    .map(outputAttributes)
    .filter((output) => output.get("type") === "image" || output.get("type") === "registry");
  const push = outputs.some(
    (output) => output.get("type") === "registry" || ["true", "1"].includes(output.get("push") ?? ""),
  );
  return {
    context,
    dockerfile: posix.join(dockerfileDir, opts.get("filename") ?? "Dockerfile"),
    destinations: outputs.flatMap((output) =>
      (output.get("name") ?? "")
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    ),
    push,
    buildArgs,
    target: opts.get("target") || undefined,
    metadataFile: flags.get("metadata-file")?.at(-1) || undefined,
    frontend: flags.get("frontend")?.at(-1),
  };
}

const raw = (text: string): LogEntry => ({ text });
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** `python:3.12` → `docker.io/library/python:3.12`, as BuildKit names images in its log. */
export function normalizedName(image: string): string {
  const repository = repositoryOf(image).replace(/^index\.docker\.io\//, "docker.io/");
  const tag = /:[^/:]+$/.exec(image.split("@")[0])?.[0] ?? ":latest";
  return `${repository}${tag}`;
}

/** The instructions BuildKit turns into vertices (`[2/4] RUN …`); ENV, ARG, LABEL… only change the image config. */
const isVertex = (instruction: Instruction) => ["RUN", "COPY", "ADD", "WORKDIR"].includes(instruction.name);

export interface BuildkitInput {
  options: BuildctlOptions;
  files: ContainerFiles;
  /** `sim.berth.dev/fail-run`: the first RUN whose command contains it fails. */
  failRun?: string;
  /** Time between steps, for the `DONE` durations. */
  stepMs: number;
}

/** The `error: failed to solve: …` failure: the vertex's ERROR line, the summary block, buildctl's last line. */
function solveFailure(steps: LogEntry[][], vertex: number, title: string, error: string, output: string[]): BuildPlan {
  const lines = [
    raw(`#${vertex} ERROR: ${error}`),
    raw("------"),
    raw(` > ${title}:`),
    ...output.map(raw),
    raw("------"),
    raw(`error: failed to solve: ${error}`),
  ];
  return { steps: [...steps, lines], exitCode: 1 };
}

/** The whole `buildctl build` run: reading the Dockerfile, each stage's vertices, exporting and pushing. */
export function planBuildkitBuild(input: BuildkitInput): BuildPlan {
  const { options, files, stepMs } = input;
  if (options.frontend !== "dockerfile.v0")
    return {
      steps: [
        [raw(`error: invalid frontend: ${options.frontend ?? "(none)"}; this simulator runs dockerfile.v0 only`)],
      ],
      exitCode: 1,
    };
  const source = files.read(options.dockerfile);
  const load = [raw("#1 [internal] load build definition from Dockerfile")];
  if (source === undefined) {
    return {
      steps: [
        [
          ...load,
          raw(
            `#1 ERROR: failed to read dockerfile: open ${posix.basename(options.dockerfile)}: no such file or directory`,
          ),
          raw(
            `error: failed to solve: failed to read dockerfile: open ${posix.basename(options.dockerfile)}: no such file or directory`,
          ),
        ],
      ],
      exitCode: 1,
    };
  }
  load.push(
    raw(`#1 transferring dockerfile: ${Buffer.byteLength(source)}B done`),
    raw(`#1 DONE ${seconds(stepMs / 10)}`),
    raw(""),
  );
  const parsed = parseDockerfile(source);
  if (!parsed.ok) return { steps: [load, [raw(`error: failed to solve: ${parsed.error}`)]], exitCode: 1 };
  const { stages, metaArgs } = parsed.dockerfile;
  const target = options.target
    ? stages.find((s) => s.name === options.target!.toLowerCase())
    : stages[stages.length - 1];
  if (!target)
    return {
      steps: [load, [raw(`error: failed to solve: target stage "${options.target}" could not be found`)]],
      exitCode: 1,
    };
  const built = stages.filter((s) => neededStages(stages, target).has(s.index));
  const globals: Record<string, string | undefined> = {};
  for (const arg of metaArgs)
    for (const [k, v] of argDeclarations(arg))
      globals[k] = options.buildArgs[k] ?? (v === undefined ? undefined : expandVariables(v, globals));
  const baseName = (stage: Stage) => expandVariables(stage.base, globals);
  const remote = [
    ...new Set(built.filter((s) => !stageRef(stages, baseName(s), s.index) && baseName(s) !== "scratch").map(baseName)),
  ];

  let next = 2;
  const steps: LogEntry[][] = [load];
  const metadata = remote.map((image) => ({ image, vertex: next++ }));
  for (const { image, vertex } of metadata)
    steps.push([
      raw(`#${vertex} [internal] load metadata for ${normalizedName(image)}`),
      raw(`#${vertex} DONE ${seconds(stepMs * 2)}`),
      raw(""),
    ]);
  const ignore = next++;
  steps.push([
    raw(`#${ignore} [internal] load .dockerignore`),
    raw(`#${ignore} transferring context: 2B done`),
    raw(`#${ignore} DONE 0.0s`),
    raw(""),
  ]);
  const usesContext = built.some((s) =>
    s.instructions.some((i) => (i.name === "COPY" || i.name === "ADD") && i.flags.from === undefined),
  );
  if (usesContext) {
    const vertex = next++;
    const size = files.list(options.context).reduce((sum, file) => sum + Buffer.byteLength(files.read(file) ?? ""), 0);
    steps.push([
      raw(`#${vertex} [internal] load build context`),
      raw(`#${vertex} transferring context: ${size}B done`),
      raw(`#${vertex} DONE 0.0s`),
      raw(""),
    ]);
  }

  const failed = { done: false };
  const multi = built.length > 1;
  for (const stage of built) {
    const base = baseName(stage);
    const vertices = stage.instructions.filter(isVertex);
    const total = vertices.length + 1;
    const prefix = multi ? `${stage.name ?? `stage-${stage.index}`} ` : "";
    const parent = stageRef(stages, base, stage.index);
    if (!parent && base !== "scratch") {
      const vertex = next++;
      const pinned = `${normalizedName(base)}@sha256:${sha(normalizedName(base))}`;
      steps.push([
        raw(`#${vertex} [${prefix}1/${total}] FROM ${pinned}`),
        raw(`#${vertex} resolve ${pinned} 0.0s done`),
        raw(`#${vertex} DONE ${seconds(stepMs)}`),
        raw(""),
      ]);
    }
    const vars: Record<string, string | undefined> = {};
    let shell = ["/bin/sh", "-c"];
    let position = 1;
    for (const instruction of stage.instructions) {
      if (instruction.name === "ENV")
        for (const [k, v] of envAssignments(instruction)) vars[k] = expandVariables(v, vars);
      if (instruction.name === "ARG") {
        for (const [k, v] of argDeclarations(instruction))
          vars[k] = options.buildArgs[k] ?? (v === undefined ? (vars[k] ?? globals[k]) : expandVariables(v, vars));
      }
      if (instruction.name === "SHELL") shell = instruction.json ?? shell;
      if (!isVertex(instruction)) continue;
      position++;
      const vertex = next++;
      const title = `[${prefix}${position}/${total}] ${instruction.text}`;
      const head = [raw(`#${vertex} ${title}`)];
      if (instruction.name === "RUN") {
        const marked = instruction.args.includes(FAIL_MARKER);
        const byAnnotation =
          input.failRun !== undefined && input.failRun !== "" && instruction.args.includes(input.failRun);
        if (!failed.done && (marked || byAnnotation)) {
          failed.done = true;
          const why = marked ? `marked "${FAIL_MARKER}"` : `annotation sim.berth.dev/fail-run="${input.failRun}"`;
          const output = `0.105 berth-sim: this RUN fails on purpose (${why})`;
          const command = instruction.json ? instruction.json.join(" ") : [...shell, instruction.args].join(" ");
          steps.push([...head, raw(`#${vertex} ${output}`)]);
          return solveFailure(
            steps,
            vertex,
            title,
            `process "${command.replace(/"/g, '\\"')}" did not complete successfully: exit code: 1`,
            [output],
          );
        }
      }
      if (instruction.name === "COPY" || instruction.name === "ADD") {
        const missing = findMissingSource(instruction, options.context, files, vars);
        if (missing) {
          steps.push(head);
          const ref = sha(options.context).slice(0, 25);
          return solveFailure(
            steps,
            vertex,
            title,
            `failed to calculate checksum of ref ${ref}::${ref}: "/${missing.source.replace(/^\.?\//, "")}": not found`,
            [],
          );
        }
      }
      steps.push([...head, raw(`#${vertex} DONE ${seconds(stepMs)}`), raw("")]);
    }
  }

  const digest = imageDigest(source, { buildArgs: options.buildArgs, destinations: options.destinations });
  const vertex = next++;
  const exporting = [
    raw(`#${vertex} exporting to image`),
    raw(`#${vertex} exporting layers ${seconds(stepMs)} done`),
    raw(`#${vertex} exporting manifest sha256:${sha(`manifest\0${digest}`)} done`),
    raw(`#${vertex} exporting config sha256:${sha(`config\0${digest}`)} done`),
  ];
  for (const name of options.destinations) exporting.push(raw(`#${vertex} naming to ${name} done`));
  steps.push(exporting);
  if (options.push) {
    const pushing: LogEntry[] = [raw(`#${vertex} pushing layers ${seconds(stepMs)} done`)];
    for (const name of options.destinations)
      pushing.push(raw(`#${vertex} pushing manifest for ${name}@${digest} 0.1s done`));
    pushing.push(raw(`#${vertex} DONE ${seconds(stepMs * 3)}`));
    steps.push(pushing);
  } else {
    steps.push([raw(`#${vertex} DONE ${seconds(stepMs)}`)]);
  }
  return { steps, exitCode: 0, digest };
}

/**
 * buildctl's `--metadata-file` content (cmd/buildctl/build.go writeMetadataFile: the exporter's
 * response as indented JSON, keys sorted as Go's encoder sorts map keys).
 */
export function buildkitMetadata(plan: BuildPlan, options: BuildctlOptions): string | undefined {
  if (plan.exitCode !== 0 || !plan.digest) return undefined;
  const config = `sha256:${sha(`config\0${plan.digest}`)}`;
  const metadata = {
    "containerimage.config.digest": config,
    "containerimage.descriptor": {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: plan.digest,
      size: 1024,
    },
    "containerimage.digest": plan.digest,
    "image.name": options.destinations.join(","),
  };
  return JSON.stringify(metadata, null, 2);
}
