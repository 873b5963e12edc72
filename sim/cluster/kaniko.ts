/**
 * The simulated Kaniko executor: from its flags and the files its container sees, a build plan —
 * the log lines Kaniko would print, grouped into steps the kubelet plays one per tick, and how the
 * container ends (exit code, digest). Wording follows Kaniko 1.2x's logs (`Retrieving image
 * manifest …`, `RUN …`, `Taking snapshot of full filesystem...`, `Pushed …@sha256:…`) and its
 * error texts (`error building image: …`). Nothing is pulled, run or pushed. Pure.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";

import {
  argDeclarations,
  envAssignments,
  expandVariables,
  parseDockerfile,
  unquote,
  type Dockerfile,
  type Instruction,
  type Stage,
} from "./dockerfile";
import { KANIKO_WORKDIR, type KanikoOptions } from "./kaniko-args";
import type { ContainerFiles } from "./volumes";

/** One log line: `level` lines go through logrus' formatter, the others are printed raw. */
export interface LogEntry {
  level?: "INFO" | "WARN";
  text: string;
}

export interface BuildPlan {
  /** Lines printed together; the kubelet waits one step between groups. */
  steps: LogEntry[][];
  exitCode: number;
  /** `sha256:…` of the pushed image, when the build succeeds. */
  digest?: string;
}

export interface BuildInput {
  options: KanikoOptions;
  files: ContainerFiles;
  /** `sim.berth.dev/fail-run`: the first RUN whose command contains it fails. */
  failRun?: string;
}

/** The literal that makes a RUN fail when it appears in its command (e.g. as a trailing shell comment). */
export const FAIL_MARKER = "# berth-sim: fail";

const RUN_FAILURE =
  "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1";

const info = (text: string): LogEntry => ({ level: "INFO", text });
const raw = (text: string): LogEntry => ({ text });
const failed = (steps: LogEntry[][], ...lines: LogEntry[]): BuildPlan => ({ steps: [...steps, lines], exitCode: 1 });

/** What cobra prints when the executor's flag validation fails, before any build output. */
const usageError = (message: string): BuildPlan =>
  failed([], raw(`Error: ${message}`), raw("Usage:"), raw("  executor [flags]"), raw("  executor [command]"));

/** `python:3.12` → registry `index.docker.io`; `registry.example:5000/team/base` → `registry.example:5000`. */
function registryOf(reference: string): string | undefined {
  const first = reference.split("/")[0];
  return reference.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")
    ? first
    : undefined;
}

/** The repository a destination pushes to, as go-containerregistry names it (tag and digest dropped). */
export function repositoryOf(destination: string): string {
  const name = destination.split("@")[0].replace(/:[^/:]+$/, "");
  if (registryOf(name)) return name;
  return `index.docker.io/${name.includes("/") ? name : `library/${name}`}`;
}

/** Deterministic: the same Dockerfile, build args and destinations always give the same digest. */
export function imageDigest(dockerfile: string, options: Pick<KanikoOptions, "buildArgs" | "destinations">): string {
  const args = Object.entries(options.buildArgs).sort(([a], [b]) => a.localeCompare(b));
  return `sha256:${createHash("sha256")
    .update(`${dockerfile}\0${JSON.stringify(args)}\0${options.destinations.join("\n")}`)
    .digest("hex")}`;
}

/** Resolves --dockerfile like the executor: an absolute path, else the working directory, else the context. */
function dockerfilePath(options: KanikoOptions, files: ContainerFiles): string | undefined {
  const candidates = posix.isAbsolute(options.dockerfile)
    ? [options.dockerfile]
    : [posix.join(KANIKO_WORKDIR, options.dockerfile), posix.join(options.context, options.dockerfile)];
  return candidates.find((p) => files.read(p) !== undefined);
}

/** Stage a reference (name or index) points to, if it is an earlier stage. */
export function stageRef(stages: Stage[], ref: string, before: number): Stage | undefined {
  const lower = ref.toLowerCase();
  const found = /^\d+$/.test(ref) ? stages[Number(ref)] : stages.find((s) => s.name === lower);
  return found && found.index < before ? found : undefined;
}

/** The stages Kaniko builds (`--skip-unused-stages`, its default): the target and what it needs. BuildKit builds the same. */
export function neededStages(stages: Stage[], target: Stage): Set<number> {
  const needed = new Set<number>();
  const visit = (stage: Stage) => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    const base = stageRef(stages, stage.base, stage.index);
    if (base) visit(base);
    for (const i of stage.instructions) {
      const from = i.name === "COPY" ? i.flags.from : undefined;
      const source = from !== undefined ? stageRef(stages, from, stage.index) : undefined;
      if (source) visit(source);
    }
  };
  visit(target);
  return needed;
}

/** Sources and destination of COPY/ADD, in JSON or whitespace form. */
export function copyWords(instruction: Instruction): string[] {
  const json = instruction.args.startsWith("[")
    ? (() => {
        try {
          const parsed: unknown = JSON.parse(instruction.args);
          return Array.isArray(parsed) ? parsed.map(String) : undefined;
        } catch {
          return undefined;
        }
      })()
    : undefined;
  return json ?? instruction.args.split(/\s+/).filter(Boolean);
}

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")}$`,
  );

/** The first COPY/ADD source missing from the context (`glob` when a pattern matched nothing), or undefined when all are there. */
export function findMissingSource(
  instruction: Instruction,
  context: string,
  files: ContainerFiles,
  vars: Record<string, string | undefined>,
): { path: string; source: string; glob: boolean } | undefined {
  if (instruction.flags.from !== undefined) return undefined;
  const words = copyWords(instruction).slice(0, -1);
  for (const word of words) {
    const source = expandVariables(unquote(word), vars);
    if (/^https?:\/\//.test(source) || /^git@/.test(source)) continue; // ADD fetches URLs; nothing to check here
    const path = posix.join(context, source);
    if (/[*?[]/.test(source)) {
      const pattern = globToRegExp(path);
      const matches = files
        .list(context)
        .some(
          (file) =>
            pattern.test(file) || file.split("/").some((_, i, parts) => pattern.test(parts.slice(0, i + 1).join("/"))),
        );
      if (!matches) return { path, source, glob: true };
    } else if (!files.exists(path)) {
      return { path, source, glob: false };
    }
  }
  return undefined;
}

/** Kaniko's error for a COPY/ADD source missing from the context, or undefined when all are there. */
function missingSource(
  instruction: Instruction,
  context: string,
  files: ContainerFiles,
  vars: Record<string, string | undefined>,
): string | undefined {
  const missing = findMissingSource(instruction, context, files, vars);
  if (!missing) return undefined;
  if (missing.glob)
    return "error building image: error building stage: failed to get files used from context: copy failed: no source files specified";
  return `error building image: error building stage: failed to get files used from context: failed to get fileinfo for ${missing.path}: lstat ${missing.path}: no such file or directory`;
}

/** Go's fmt of a []string: `[-c pip install x]`. */
const goSlice = (items: string[]) => `[${items.join(" ")}]`;

interface StageState {
  /** Global ARGs: a stage sees one only after `ARG name` without a value. */
  globals: Record<string, string | undefined>;
  shell: string[];
  workdir: string;
  vars: Record<string, string | undefined>;
  snapshotterReady: boolean;
}

/** What one instruction prints: one step, or two for RUN (the command runs between them). */
function instructionSteps(
  instruction: Instruction,
  state: StageState,
  input: BuildInput,
  failure: { done: boolean },
): { steps: LogEntry[][]; error?: string } {
  const { files, options } = input;
  const head = info(instruction.text);
  switch (instruction.name) {
    case "RUN": {
      const argv = instruction.json ?? [...state.shell, instruction.args];
      const first: LogEntry[] = [head];
      if (!state.snapshotterReady) {
        first.push(info("Initializing snapshotter ..."), info("Taking snapshot of full filesystem..."));
        state.snapshotterReady = true;
      }
      first.push(info(`Cmd: ${argv[0]}`), info(`Args: ${goSlice(argv.slice(1))}`), info(`Running: ${goSlice(argv)}`));
      const marked = instruction.args.includes(FAIL_MARKER);
      const byAnnotation =
        input.failRun !== undefined && input.failRun !== "" && instruction.args.includes(input.failRun);
      if (!failure.done && (marked || byAnnotation)) {
        failure.done = true;
        const why = marked ? `marked "${FAIL_MARKER}"` : `annotation sim.berth.dev/fail-run="${input.failRun}"`;
        return { steps: [first, [raw(`berth-sim: this RUN fails on purpose (${why})`)]], error: RUN_FAILURE };
      }
      return { steps: [first, [info("Taking snapshot of full filesystem...")]] };
    }
    case "COPY":
    case "ADD": {
      const missing = missingSource(instruction, options.context, files, state.vars);
      if (missing) return { steps: [[head]], error: missing };
      return { steps: [[head, info("Taking snapshot of files...")]] };
    }
    case "WORKDIR": {
      const dir = posix.resolve(state.workdir, expandVariables(unquote(instruction.args.trim()), state.vars));
      state.workdir = dir;
      return {
        steps: [
          [
            head,
            info("Cmd: workdir"),
            info(`Changed working directory to ${dir}`),
            info(`Creating directory ${dir} with uid -1 and gid -1`),
            info("Taking snapshot of files..."),
          ],
        ],
      };
    }
    case "ENV":
      for (const [k, v] of envAssignments(instruction)) state.vars[k] = expandVariables(v, state.vars);
      return { steps: [[head]] };
    case "ARG":
      for (const [k, v] of argDeclarations(instruction))
        state.vars[k] =
          options.buildArgs[k] ??
          (v === undefined ? (state.vars[k] ?? state.globals[k]) : expandVariables(v, state.vars));
      return { steps: [[head]] };
    case "SHELL":
      state.shell = instruction.json ?? state.shell;
      return { steps: [[head]] };
    default:
      return { steps: [[head]] };
  }
}

/** The first command that needs the base image's filesystem unpacked, as Kaniko reports it. */
function unpackLine(stage: Stage): LogEntry {
  const needs = stage.instructions.find((i) => i.name === "RUN" || i.name === "COPY" || i.name === "ADD");
  return info(
    needs ? `Unpacking rootfs as cmd ${needs.text} requires it.` : "Skipping unpacking as no commands require it.",
  );
}

function planStages(dockerfile: Dockerfile, source: string, input: BuildInput): BuildPlan {
  const { options, files } = input;
  const { stages } = dockerfile;
  const target = options.target
    ? stages.find((s) => s.name === options.target!.toLowerCase())
    : stages[stages.length - 1];
  if (!target) return failed([], raw(`error building image: ${options.target} is not a valid target build stage`));
  const needed = neededStages(stages, target);
  const built = stages.filter((s) => needed.has(s.index));

  // Global ARGs: defaults, overridden by --build-arg; they expand only in FROM lines.
  const globals: Record<string, string | undefined> = {};
  for (const arg of dockerfile.metaArgs)
    for (const [k, v] of argDeclarations(arg))
      globals[k] = options.buildArgs[k] ?? (v === undefined ? undefined : expandVariables(v, globals));
  const baseName = (stage: Stage) => expandVariables(stage.base, globals);
  const isStage = (stage: Stage) => stageRef(stages, baseName(stage), stage.index);
  for (const stage of built) {
    if (!baseName(stage).trim())
      return failed([], raw(`error building image: parsing dockerfile: base name (${stage.base}) should not be blank`));
  }

  const startup: LogEntry[] = [];
  if (files.exists(posix.join(options.context, ".dockerignore")))
    startup.push(info(`Using dockerignore file: ${posix.join(options.context, ".dockerignore")}`));
  for (const stage of built)
    if (stage.name) startup.push(info(`Resolved base name ${baseName(stage)} to ${stage.name}`));
  // Images named by `COPY --from=<image>` are fetched up front too, as Kaniko's extra stages.
  const copyImages = built.flatMap((s) =>
    s.instructions
      .filter((i) => i.name === "COPY" && i.flags.from !== undefined && !stageRef(stages, i.flags.from, s.index))
      .map((i) => i.flags.from),
  );
  const remote = [
    ...new Set([...built.filter((s) => !isStage(s) && baseName(s) !== "scratch").map(baseName), ...copyImages]),
  ];
  for (const image of remote)
    startup.push(
      info(`Retrieving image manifest ${image}`),
      info(`Retrieving image ${image} from registry ${registryOf(image) ?? "index.docker.io"}`),
    );
  const deps = built
    .map((s) => ({
      s,
      paths: built.flatMap((t) =>
        t.instructions
          .filter(
            (i) => i.name === "COPY" && i.flags.from !== undefined && stageRef(stages, i.flags.from, t.index) === s,
          )
          .map((i) => copyWords(i).slice(0, -1))
          .flat(),
      ),
    }))
    .filter((d) => d.paths.length);
  startup.push(info(`Built cross stage deps: map[${deps.map((d) => `${d.s.index}:${goSlice(d.paths)}`).join(" ")}]`));

  const steps: LogEntry[][] = [startup];
  const failure = { done: false };
  for (const stage of built) {
    const base = baseName(stage);
    const parent = isStage(stage);
    const open: LogEntry[] = [];
    if (parent)
      open.push(
        info(
          `Base image from previous stage ${parent.index} found, using saved tar at path /kaniko/stages/${parent.index}`,
        ),
      );
    else if (base === "scratch") open.push(info("No base image, nothing to extract"));
    else open.push(info(`Retrieving image manifest ${base}`), info("Returning cached image manifest"));
    open.push(
      info("Executing 0 build triggers"),
      info(`Building stage '${base}' [idx: '${stage.index}', base-idx: '${parent ? parent.index : -1}']`),
      unpackLine(stage),
    );
    steps.push(open);
    const state: StageState = { globals, shell: ["/bin/sh", "-c"], workdir: "/", vars: {}, snapshotterReady: false };
    for (const instruction of stage.instructions) {
      const out = instructionSteps(instruction, state, input, failure);
      steps.push(...out.steps);
      if (out.error) return failed(steps, raw(out.error));
    }
    if (stage !== target) {
      const close: LogEntry[] = [];
      for (const d of deps.filter((x) => x.s === stage))
        for (const p of d.paths) close.push(info(`Saving file ${posix.resolve(state.workdir, p)} for later use`));
      if (built.some((s) => isStage(s) === stage))
        close.push(info(`Storing source image from stage ${stage.index} at path /kaniko/stages/${stage.index}`));
      close.push(info("Deleting filesystem..."));
      steps.push(close);
    }
  }

  const digest = imageDigest(source, options);
  if (options.noPush) {
    steps.push([info("Skipping push to container registry due to --no-push flag")]);
  } else {
    for (const destination of options.destinations) {
      steps.push([info(`Pushing image to ${destination}`)]);
      steps.push([info(`Pushed ${repositoryOf(destination)}@${digest}`)]);
    }
  }
  return { steps, exitCode: 0, digest };
}

/** The whole executor run: flag checks, reading and parsing the Dockerfile, the stages, the push. */
export function planKanikoBuild(input: BuildInput): BuildPlan {
  const { options, files } = input;
  if (!options.noPush && options.destinations.length === 0)
    return usageError("you must provide --destination, or use --no-push");
  if (options.remoteContext) {
    return usageError(
      `error resolving source context: berth-sim reads build contexts only from mounted volumes (dir://), not ${options.remoteContext}`,
    );
  }
  const path = dockerfilePath(options, files);
  if (!path)
    return usageError(
      "error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile",
    );
  const source = files.read(path)!;
  const parsed = parseDockerfile(source);
  if (!parsed.ok) return failed([], raw(`error building image: parsing dockerfile: ${parsed.error}`));
  return planStages(parsed.dockerfile, source, input);
}

const LEVEL_COLOURS = { INFO: 36, WARN: 33 } as const;

/**
 * One line as the executor writes it. `--log-format=color` (Kaniko's default) is logrus' coloured
 * form byte for byte: ANSI codes around the level and the message padded to 44 columns. Without a
 * `--log-format` flag the sim prints the same without the codes and the padding
 * (`INFO[0003] RUN pip install x`), which is what people paste and what tests compare. `text` and
 * `json` are logrus' key=value and JSON forms.
 */
export function formatEntry(
  entry: LogEntry,
  options: Pick<KanikoOptions, "logFormat" | "logTimestamp">,
  startedAt: number,
  now: number,
): string {
  if (!entry.level) return entry.text;
  const iso = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
  const level = entry.level === "INFO" ? "info" : "warning";
  if (options.logFormat === "json") return JSON.stringify({ level, msg: entry.text, time: iso });
  if (options.logFormat === "text") return `time="${iso}" level=${level} msg=${JSON.stringify(entry.text)}`;
  const stamp = options.logTimestamp ? iso : String(Math.max(0, Math.floor((now - startedAt) / 1000))).padStart(4, "0");
  if (options.logFormat === "color")
    return `\x1b[${LEVEL_COLOURS[entry.level]}m${entry.level}\x1b[0m[${stamp}] ${entry.text.padEnd(44)} `;
  return `${entry.level}[${stamp}] ${entry.text}`;
}

/** Kubelet limits for a message taken from the log (`FallbackToLogsOnError`). */
const MESSAGE_LOG_LINES = 80;
const MESSAGE_LOG_BYTES = 2048;

/**
 * The terminated state's `message`: the digest when `--digest-file` is the container's
 * terminationMessagePath (`/dev/termination-log` by default), as Kaniko writes it; on failure with
 * `terminationMessagePolicy: FallbackToLogsOnError`, the end of the log, as the kubelet does.
 */
export function terminationMessage(
  container: { terminationMessagePath?: string; terminationMessagePolicy?: string },
  plan: BuildPlan,
  digestFile: string | undefined,
  log: string[],
): string | undefined {
  const path = container.terminationMessagePath || "/dev/termination-log";
  if (plan.exitCode === 0 && plan.digest && digestFile && posix.normalize(digestFile) === posix.normalize(path))
    return plan.digest;
  if (plan.exitCode === 0 || container.terminationMessagePolicy !== "FallbackToLogsOnError") return undefined;
  const tail = `${log.slice(-MESSAGE_LOG_LINES).join("\n")}\n`;
  const bytes = Buffer.from(tail);
  return bytes.length > MESSAGE_LOG_BYTES ? bytes.subarray(bytes.length - MESSAGE_LOG_BYTES).toString("utf8") : tail;
}
