/**
 * A small Dockerfile parser for the simulated Kaniko build (kaniko.ts). It follows BuildKit's
 * parser, which Kaniko vendors, on what a build log shows: parser directives (`# escape=`),
 * comments, line continuations (only the escape and the newline are removed, so
 * `RUN a && \` + `    b` reads `RUN a &&     b`, as Kaniko prints it), ARG before the first FROM,
 * stages, instruction flags, and the error texts (`dockerfile parse error on line N: …`).
 * Heredocs (`RUN <<EOF`) are not supported. Pure: no I/O.
 */

export const INSTRUCTIONS = [
  "FROM",
  "RUN",
  "COPY",
  "ADD",
  "ENV",
  "ARG",
  "WORKDIR",
  "USER",
  "LABEL",
  "EXPOSE",
  "CMD",
  "ENTRYPOINT",
  "SHELL",
  "VOLUME",
  "HEALTHCHECK",
  "STOPSIGNAL",
  "ONBUILD",
  "MAINTAINER",
] as const;
export type InstructionName = (typeof INSTRUCTIONS)[number];

export interface Instruction {
  name: InstructionName;
  /** 1-based line the instruction starts on. */
  line: number;
  /** Leading `--name=value` flags (a bare `--name` maps to ""). */
  flags: Record<string, string>;
  /** The arguments after the keyword and flags, continuation lines joined. */
  args: string;
  /** RUN/CMD/ENTRYPOINT/SHELL in exec form: the JSON array of strings. */
  json?: string[];
  /** The instruction as written (continuations joined): what Kaniko logs for the step. */
  text: string;
}

export interface Stage {
  index: number;
  /** The base image or earlier stage, as written (ARGs not yet expanded). */
  base: string;
  /** The `AS name`, lower-cased as BuildKit does. */
  name?: string;
  line: number;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM: they may be used in FROM lines. */
  metaArgs: Instruction[];
  stages: Stage[];
}

export type ParseResult = { ok: true; dockerfile: Dockerfile } | { ok: false; error: string; line?: number };

/** Flags each instruction accepts (BuildKit's); any other `--flag` is a parse error. */
const FLAGS: Partial<Record<InstructionName, string[]>> = {
  FROM: ["platform"],
  RUN: ["mount", "network", "security", "device"],
  COPY: ["from", "chown", "chmod", "link", "exclude", "parents"],
  ADD: ["chown", "chmod", "link", "exclude", "checksum", "keep-git-dir", "unpack"],
  HEALTHCHECK: ["interval", "timeout", "start-period", "start-interval", "retries"],
};

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

class DockerfileSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** BuildKit's wrapper for errors found while reading one instruction. */
const atLine = (line: number, message: string) =>
  new DockerfileSyntaxError(`dockerfile parse error on line ${line}: ${message}`, line);

const isBlankOrComment = (line: string) => /^\s*(#.*)?$/.test(line);

/** Parser directives: `# key=value` comments at the very top; only `escape` changes parsing. */
function escapeToken(lines: string[]): string {
  let escape = "\\";
  for (const line of lines) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(line);
    if (!m || !["syntax", "escape", "check"].includes(m[1].toLowerCase())) break;
    if (m[1].toLowerCase() !== "escape") continue;
    if (m[2] !== "\\" && m[2] !== "`")
      throw new DockerfileSyntaxError(`invalid escape token '${m[2]}' does not match \` or \\`);
    escape = m[2];
  }
  return escape;
}

interface RawNode {
  line: number;
  text: string;
}

/** Physical lines → logical instructions: comments and blank lines dropped, continuations joined. */
function logicalLines(lines: string[], escape: string): RawNode[] {
  const continuation = new RegExp(`${escape === "\\" ? "\\\\" : "`"}[ \\t]*$`);
  const nodes: RawNode[] = [];
  for (let n = 0; n < lines.length; n++) {
    if (isBlankOrComment(lines[n])) continue;
    const line = n + 1;
    let text = lines[n].trimStart();
    while (continuation.test(text)) {
      text = text.replace(continuation, "");
      n++;
      // Comment and blank lines inside a continuation are skipped (BuildKit warns about blanks).
      while (n < lines.length && isBlankOrComment(lines[n])) n++;
      if (n >= lines.length) break;
      text += lines[n];
    }
    nodes.push({ line, text: text.trimEnd() });
  }
  return nodes;
}

/** Words split on whitespace, quotes kept together (ENV, LABEL). */
export function splitWords(text: string, escape = "\\"): string[] {
  const words: string[] = [];
  let word = "";
  let quote = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === escape && i + 1 < text.length && quote !== "'") {
      word += ch + text[++i];
      inWord = true;
    } else if (quote) {
      if (ch === quote) quote = "";
      word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word += ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** `["a", "b"]` when the text is a JSON array of strings (exec form); otherwise shell form. */
function maybeJson(args: string, line: number): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return undefined; // BuildKit falls back to shell form silently.
  }
  if (!Array.isArray(parsed)) return undefined;
  if (!parsed.every((x) => typeof x === "string"))
    throw atLine(line, "when using JSON array syntax, arrays must be comprised of strings only");
  return parsed as string[];
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function unknownInstruction(keyword: string, line: number): DockerfileSyntaxError {
  const upper = keyword.toUpperCase();
  const close = INSTRUCTIONS.map((name) => ({ name, d: levenshtein(upper, name) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return atLine(line, `unknown instruction: ${upper}${close ? ` (did you mean ${close.name.toLowerCase()}?)` : ""}`);
}

/** Leading `--flag[=value]` words, validated against what the instruction accepts. */
function extractFlags(
  name: InstructionName,
  rest: string,
  line: number,
): { flags: Record<string, string>; args: string } {
  const allowed = FLAGS[name];
  const flags: Record<string, string> = {};
  if (!allowed) return { flags, args: rest };
  let args = rest;
  for (;;) {
    const m = /^--([^\s=]+)(?:=(\S*))?(?:\s+|$)/.exec(args);
    if (!m) break;
    if (!allowed.includes(m[1])) throw atLine(line, `unknown flag: --${m[1]}`);
    if (m[1] in flags && m[1] !== "mount" && m[1] !== "exclude" && m[1] !== "device")
      throw atLine(line, `duplicate flag specified: ${m[1]}`);
    flags[m[1]] = m[2] ?? "";
    args = args.slice(m[0].length);
  }
  return { flags, args };
}

/** Key/value instructions: `ENV A=1 B="x y"` or the legacy `ENV A rest of line`. */
function checkKeyValues(name: "ENV" | "LABEL", args: string, line: number, escape: string): void {
  const words = splitWords(args, escape);
  if (words.length === 0) throw atLine(line, `${name} requires at least one argument`);
  if (!words[0].includes("=")) {
    if (words.length < 2) throw atLine(line, `${name} must have two arguments`);
    return;
  }
  const bad = words.find((w) => !w.includes("="));
  if (bad) throw atLine(line, `Syntax error - can't find = in "${bad}". Must be of the form: name=value`);
}

/** Validates one instruction's arguments the way BuildKit's instruction pass does. */
function checkArgs(instruction: Instruction, escape: string): void {
  const { name, args, line } = instruction;
  const words = args.split(/\s+/).filter(Boolean);
  switch (name) {
    case "FROM":
      if (!(words.length === 1 || (words.length === 3 && words[1].toLowerCase() === "as")))
        throw atLine(line, "FROM requires either one or three arguments");
      if (words.length === 3 && !STAGE_NAME.test(words[2].toLowerCase())) {
        throw atLine(
          line,
          `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`,
        );
      }
      return;
    case "RUN":
    case "ARG":
    case "EXPOSE":
    case "VOLUME":
      if (!words.length) throw atLine(line, `${name} requires at least one argument`);
      return;
    case "COPY":
    case "ADD": {
      const json = maybeJson(args, line);
      if ((json ?? words).length < 2)
        throw atLine(
          line,
          `${name} requires at least two arguments, but only one was provided. Destination could not be determined`,
        );
      return;
    }
    case "ENV":
    case "LABEL":
      checkKeyValues(name, args, line, escape);
      return;
    case "WORKDIR":
    case "USER":
    case "STOPSIGNAL":
    case "MAINTAINER":
      if (!words.length) throw atLine(line, `${name} requires exactly one argument`);
      return;
    case "SHELL":
      if (!instruction.json) throw atLine(line, "SHELL requires the arguments to be in JSON form");
      return;
    case "HEALTHCHECK": {
      const kind = words[0]?.toUpperCase();
      if (!kind) throw atLine(line, "HEALTHCHECK requires at least one argument");
      if (kind !== "NONE" && kind !== "CMD") throw atLine(line, `Unknown type "${kind}" in HEALTHCHECK (try CMD)`);
      if (kind === "CMD" && words.length < 2) throw atLine(line, "Missing command after HEALTHCHECK CMD");
      return;
    }
    case "ONBUILD": {
      const m = /^(\S+)\s*(.*)$/s.exec(args);
      if (!m) throw atLine(line, "ONBUILD requires at least one argument");
      const trigger = m[1].toUpperCase();
      if (trigger === "ONBUILD") throw atLine(line, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (trigger === "FROM" || trigger === "MAINTAINER")
        throw atLine(line, `${trigger} isn't allowed as an ONBUILD trigger`);
      // Parsing the trigger validates it like any instruction.
      toInstruction({ line, text: args }, escape);
      return;
    }
    default:
      return;
  }
}

function toInstruction(node: RawNode, escape: string): Instruction {
  const m = /^(\S+)\s*(.*)$/s.exec(node.text)!;
  const upper = m[1].toUpperCase();
  if (!(INSTRUCTIONS as readonly string[]).includes(upper)) throw unknownInstruction(m[1], node.line);
  const name = upper as InstructionName;
  const { flags, args } = extractFlags(name, m[2], node.line);
  const instruction: Instruction = { name, line: node.line, flags, args, text: node.text };
  if (name === "RUN" || name === "CMD" || name === "ENTRYPOINT" || name === "SHELL") {
    const json = maybeJson(args, node.line);
    if (json) instruction.json = json;
  }
  checkArgs(instruction, escape);
  return instruction;
}

/** Parses a Dockerfile; errors carry BuildKit's text (Kaniko prefixes `parsing dockerfile: `). */
export function parseDockerfile(source: string): ParseResult {
  try {
    const lines = source.replace(/^\uFEFF/, "").split(/\r?\n/);
    const escape = escapeToken(lines);
    const nodes = logicalLines(lines, escape);
    if (nodes.length === 0) throw new DockerfileSyntaxError("file with no instructions");
    const metaArgs: Instruction[] = [];
    const stages: Stage[] = [];
    for (const node of nodes) {
      const instruction = toInstruction(node, escape);
      if (instruction.name === "FROM") {
        const words = instruction.args.split(/\s+/);
        stages.push({
          index: stages.length,
          base: words[0],
          name: words[2]?.toLowerCase(),
          line: node.line,
          instructions: [],
        });
      } else if (stages.length === 0) {
        if (instruction.name !== "ARG") throw new DockerfileSyntaxError("no build stage in current context", node.line);
        metaArgs.push(instruction);
      } else {
        stages[stages.length - 1].instructions.push(instruction);
      }
    }
    if (stages.length === 0) throw new DockerfileSyntaxError("dockerfile contains no stages to build");
    return { ok: true, dockerfile: { metaArgs, stages } };
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) return { ok: false, error: error.message, line: error.line };
    throw error;
  }
}

/** `ARG A=1 B` → [["A", "1"], ["B", undefined]], quotes removed from values. */
export function argDeclarations(instruction: Instruction): [string, string | undefined][] {
  return splitWords(instruction.args).map((word) => {
    const eq = word.indexOf("=");
    return eq < 0 ? [word, undefined] : [word.slice(0, eq), unquote(word.slice(eq + 1))];
  });
}

/** `ENV A=1 B="x y"` or `ENV A x y` → the pairs it sets. */
export function envAssignments(instruction: Instruction): [string, string][] {
  const words = splitWords(instruction.args);
  if (words.length && !words[0].includes("=")) {
    return [[words[0], instruction.args.slice(instruction.args.indexOf(words[0]) + words[0].length).trim()]];
  }
  return words.map((word) => {
    const eq = word.indexOf("=");
    return [word.slice(0, eq), unquote(word.slice(eq + 1))];
  });
}

export function unquote(text: string): string {
  return text.replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_m, dq: string | undefined, sq: string | undefined) =>
    dq !== undefined ? dq.replace(/\\(.)/g, "$1") : (sq ?? ""),
  );
}

/** Shell-style variable expansion as BuildKit does for FROM, WORKDIR, ENV…: $A, ${A}, ${A:-w}, ${A-w}, ${A:+w}, ${A+w}. */
export function expandVariables(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      if (match === "\\$") return "$";
      const name = braced ?? bare!;
      const value = vars[name];
      const set = value !== undefined;
      const nonEmpty = set && value !== "";
      switch (op) {
        case ":-":
          return nonEmpty ? value! : (word ?? "");
        case "-":
          return set ? value! : (word ?? "");
        case ":+":
          return nonEmpty ? (word ?? "") : "";
        case "+":
          return set ? (word ?? "") : "";
        default:
          return value ?? "";
      }
    },
  );
}
