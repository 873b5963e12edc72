import { z } from "zod";
import { DNS1123_LABEL, dnsLabelSchema } from "@/lib/kube/names";
import { descriptionSchema } from "@/lib/validation";

/** The starting image when none is named and no CUDA version asks for an NVIDIA one. */
export const DEFAULT_FROM_IMAGE = "python:3.12-slim";
/** The Python every base image has as `python3` when `pythonVersions` is empty. */
export const DEFAULT_PYTHON_VERSION = "3.12";
/** Python minor versions Berth installs (3.MIN to 3.MAX). */
export const PYTHON_MINOR_RANGE = { min: 9, max: 15 } as const;

/**
 * nvidia/cuda images for a CUDA major.minor: the newest patch release NVIDIA publishes as
 * `<version>-runtime-ubuntu22.04`. A full major.minor.patch version is used as written.
 */
export const CUDA_IMAGE_VERSIONS: Readonly<Record<string, string>> = {
  "11.8": "11.8.0",
  "12.0": "12.0.1",
  "12.1": "12.1.1",
  "12.2": "12.2.2",
  "12.3": "12.3.2",
  "12.4": "12.4.1",
  "12.5": "12.5.1",
  "12.6": "12.6.3",
  "12.8": "12.8.1",
  "12.9": "12.9.1",
};

// ── Image references (distribution/reference grammar) ─────────────────────────────────────────

const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
export const DOCKER_TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface ImageReference {
  /** Registry host[:port], or "" for Docker Hub. */
  domain: string;
  /** Repository path, e.g. "library/python" is written "python". */
  path: string;
  tag: string | null;
  digest: string | null;
}

/** Splits an image reference into registry, path, tag and digest; a string says why it is invalid. */
export function parseImageReference(reference: string): ImageReference | string {
  if (reference === "") return "is required";
  if (/\s/.test(reference)) return "must not contain spaces";
  let rest = reference;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return "has an invalid digest: write @sha256: followed by 64 lowercase hex digits";
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!DOCKER_TAG.test(tag)) return `has an invalid tag "${tag}": use letters, digits, '_', '.' or '-' (at most 128, not starting with '.' or '-')`;
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const domain = hasDomain ? first : "";
  const path = hasDomain ? rest.slice(slash + 1) : rest;
  if (hasDomain && !DOMAIN.test(domain)) return `has an invalid registry host "${domain}"`;
  if (path !== path.toLowerCase()) return "must be lowercase before the tag (only the tag may use capitals)";
  if (!REPOSITORY_PATH.test(path)) return "must be an image reference such as python:3.12-slim or registry.example.com/team/image:1.0";
  if (rest.length > 255) return "must have a name (before the tag) of at most 255 characters";
  return { domain, path, tag, digest };
}

/** Why an image reference is invalid, or undefined. */
export function imageReferenceProblem(reference: string): string | undefined {
  const parsed = parseImageReference(reference);
  return typeof parsed === "string" ? parsed : undefined;
}

/** The CUDA version an `nvidia/cuda:<x.y.z>-…` image provides, or null for any other image. */
export function nvidiaCudaImageVersion(reference: string): string | null {
  const parsed = parseImageReference(reference);
  if (typeof parsed === "string" || !parsed.tag) return null;
  const official = parsed.path === "nvidia/cuda" && ["", "docker.io", "index.docker.io", "nvcr.io"].includes(parsed.domain);
  return official ? (/^(\d+\.\d+(?:\.\d+)?)-/.exec(parsed.tag)?.[1] ?? null) : null;
}

/** The Python major.minor an official `python:<x.y>…` image provides, or null when unknown. */
export function officialPythonImageVersion(reference: string): string | null {
  const parsed = parseImageReference(reference);
  if (typeof parsed === "string" || !parsed.tag) return null;
  const official = ["python", "library/python"].includes(parsed.path) && ["", "docker.io", "index.docker.io"].includes(parsed.domain);
  return official ? (/^(3\.\d+)(?:\.\d+)?(?:-|$)/.exec(parsed.tag)?.[1] ?? null) : null;
}

// ── Dockerfile fragments ──────────────────────────────────────────────────────────────────────

const INSTRUCTIONS = new Set(["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"]);

/**
 * Every problem of a Dockerfile fragment, one message per line at fault: a FROM (Berth writes
 * it), an unknown instruction, a heredoc (Kaniko does not read them) or a trailing '\' that
 * would swallow Berth's next line.
 */
export function dockerfileFragmentProblems(text: string, fromHint: string): string[] {
  const problems: string[] = [];
  const lines = text.split("\n");
  let continuing = false;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    const n = index + 1;
    if (!continuing && (trimmed === "" || trimmed.startsWith("#"))) return;
    if (!continuing) {
      const word = trimmed.split(/\s+/)[0];
      const instruction = word.toUpperCase();
      if (instruction === "FROM") problems.push(`Line ${n}: FROM is not allowed in a fragment: ${fromHint}`);
      else if (!INSTRUCTIONS.has(instruction)) problems.push(`Line ${n}: "${word}" is not a Dockerfile instruction (RUN, ENV, COPY, USER, …)`);
      else if (instruction === "ONBUILD" && /^onbuild\s+from\b/i.test(trimmed)) problems.push(`Line ${n}: ONBUILD FROM is not allowed`);
    }
    if (/<<(?!<)-?\s*["']?[A-Za-z_]\w*/.test(trimmed) && !trimmed.startsWith("#")) {
      problems.push(`Line ${n}: heredocs (<<EOF) are not supported by the in-cluster builder: write RUN commands joined with && and \\ line continuations`);
    }
    continuing = trimmed.endsWith("\\");
  });
  if (continuing) problems.push("The last line ends with '\\': the next instruction would be joined to it");
  return problems;
}

const fragmentSchema = (label: string, fromHint: string) =>
  z
    .string({ error: `${label} must be text` })
    .max(20_000, `${label} must be at most 20000 characters`)
    // Browsers submit textarea lines with CRLF; keep plain newlines so the Dockerfile is stable.
    .transform((text) => text.replace(/\r\n?/g, "\n").replace(/\s+$/, ""))
    .superRefine((text, ctx) => {
      for (const message of dockerfileFragmentProblems(text, fromHint)) ctx.addIssue({ code: "custom", message });
    })
    .default("");

const BASE_FROM_HINT = "Berth writes the FROM line; set the starting image (fromImage) instead";
const CODE_ENV_FROM_HINT = "a code env image is always built FROM its base image";

// ── Shared field schemas ──────────────────────────────────────────────────────────────────────

/** A list of texts, each checked by `problem`; duplicates (by `key`) are refused on the later entry. */
const checkedListSchema = (label: string, max: number, problem: (value: string) => string | undefined, key: (value: string) => string = (value) => value) =>
  z
    .array(z.string({ error: `Each entry of ${label} must be text` }).trim(), { error: `${label} must be a list` })
    .max(max, `${label} may have at most ${max} entries`)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        const message = value === "" ? `Entry ${index + 1} of ${label} must not be empty` : problem(value);
        if (message) ctx.addIssue({ code: "custom", path: [index], message });
        else if (seen.has(key(value))) ctx.addIssue({ code: "custom", path: [index], message: `${value} is listed twice` });
        seen.add(key(value));
      });
    })
    .default([]);

const clusterSchema = z
  .string({ error: "cluster must be a name or null" })
  .trim()
  .max(63, "cluster must be at most 63 characters")
  .nullable()
  .transform((value) => value || null)
  .default(null);

/** Why a Python version ("3.11" or "3.11.9") is not one Berth installs, or undefined. */
export function pythonVersionProblem(version: string): string | undefined {
  const match = /^3\.(\d{1,2})(\.\d{1,2})?$/.exec(version);
  const { min, max } = PYTHON_MINOR_RANGE;
  if (!match) return `"${version}" is not a Python version: write 3.x or 3.x.y, such as 3.11`;
  const minor = Number(match[1]);
  if (minor < min || minor > max) return `Python ${version} is not supported: use 3.${min} to 3.${max}`;
  return undefined;
}

const pythonVersionField = z
  .string({ error: "pythonVersion must be text such as 3.11" })
  .trim()
  .superRefine((value, ctx) => {
    const problem = pythonVersionProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A Debian package name with an optional `=version` pin. */
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[0-9A-Za-z][0-9A-Za-z.+~:-]*)?$/;

const registryUrlSchema = z
  .string({ error: "Registry URL is required" })
  .trim()
  .transform((value) => value.replace(/^https?:\/\//, "").replace(/\/+$/, ""))
  .superRefine((value, ctx) => {
    const [host, ...path] = value.split("/");
    if (value === "") ctx.addIssue({ code: "custom", message: "Registry URL is required" });
    else if (value.length > 253) ctx.addIssue({ code: "custom", message: "Registry URL must be at most 253 characters" });
    else if (!DOMAIN.test(host) || (path.length > 0 && !REPOSITORY_PATH.test(path.join("/")))) {
      ctx.addIssue({ code: "custom", message: "Registry URL must be a host with an optional port and path, such as registry.example.com:5000 or europe-docker.pkg.dev/project" });
    }
  });

export const registryTargetSchema = z
  .strictObject(
    {
      url: registryUrlSchema,
      repository: z
        .string({ error: "Repository is required" })
        .trim()
        .min(1, { error: "Repository is required", abort: true })
        .regex(REPOSITORY_PATH, "Repository must be lowercase path parts separated by '/', such as team/base-images"),
    },
    { error: "registry is required: {url, repository}" },
  )
  .superRefine((registry, ctx) => {
    if (`${registry.url}/${registry.repository}`.length > 255) ctx.addIssue({ code: "custom", path: ["repository"], message: "Registry URL and repository together must be at most 255 characters" });
  });
export type RegistryTarget = z.output<typeof registryTargetSchema>;

// ── Base images ───────────────────────────────────────────────────────────────────────────────

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const buildArgsSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: "Build argument values must be text" }).transform(String), { error: "buildArgs must be an object of NAME → value" })
  .superRefine((args, ctx) => {
    const names = Object.keys(args);
    if (names.length > 50) ctx.addIssue({ code: "custom", message: "At most 50 build arguments" });
    for (const [name, value] of Object.entries(args)) {
      if (!BUILD_ARG_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a build argument name: use letters, digits and '_', not starting with a digit` });
      else if (/[\r\n]/.test(value)) ctx.addIssue({ code: "custom", path: [name], message: `${name} must be a single line` });
      else if (value.length > 2000) ctx.addIssue({ code: "custom", path: [name], message: `${name} must be at most 2000 characters` });
    }
  })
  .default({});

const cudaSchema = z
  .strictObject(
    {
      version: z
        .string({ error: "CUDA version is required, such as 12.4" })
        .trim()
        .regex(/^\d{1,2}\.\d{1,2}(\.\d{1,3})?$/, "CUDA version must be major.minor or major.minor.patch, such as 12.4 or 12.4.1")
        .refine((value) => Number(value.split(".")[0]) >= 11, "CUDA version must be 11.8 or later"),
    },
    { error: 'cuda must be {version: "12.4"} or null' },
  )
  .nullable()
  .default(null);

const baseImageShape = {
  name: dnsLabelSchema("Name"),
  description: descriptionSchema.default(""),
  /** The FROM image; null = the default (DEFAULT_FROM_IMAGE, or nvidia/cuda when CUDA is on). */
  fromImage: z
    .string({ error: "Starting image must be an image reference or null" })
    .trim()
    .nullable()
    .transform((value) => value || null)
    .superRefine((value, ctx) => {
      const problem = value === null ? undefined : imageReferenceProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: `Starting image ${problem}` });
    })
    .default(null),
  r: z.boolean({ error: "r must be true or false" }).default(false),
  cuda: cudaSchema,
  /** Pythons on PATH as python3.X; the first is `python3`. Empty = DEFAULT_PYTHON_VERSION. */
  pythonVersions: checkedListSchema("pythonVersions", 6, pythonVersionProblem, (value) => value.split(".").slice(0, 2).join(".")),
  systemPackages: checkedListSchema(
    "systemPackages",
    200,
    (value) => (DEBIAN_PACKAGE.test(value) ? undefined : `"${value}" is not a Debian package name: use lowercase letters, digits, '+', '-' and '.', optionally =version`),
    (value) => value.split("=")[0],
  ),
  dockerfileStart: fragmentSchema("dockerfileStart", BASE_FROM_HINT),
  dockerfileEnd: fragmentSchema("dockerfileEnd", BASE_FROM_HINT),
  buildArgs: buildArgsSchema,
  registry: registryTargetSchema,
  /** The image tag; null = derived from the inputs hash (`b-<12 hex>`). */
  tag: z
    .string({ error: "Tag must be text or null" })
    .trim()
    .nullable()
    .transform((value) => value || null)
    .refine((value) => value === null || DOCKER_TAG.test(value), "Tag must use letters, digits, '_', '.' or '-' (at most 128, not starting with '.' or '-')")
    .default(null),
  /** The cluster that builds it; null = the instance's default cluster. */
  cluster: clusterSchema,
};

/** A base image as the form, the action and POST /api/v1/base-images accept it. */
export const baseImageSchema = z.strictObject(baseImageShape).superRefine((spec, ctx) => {
  if (!spec.cuda) return;
  const version = spec.cuda.version;
  if (spec.fromImage) {
    const provided = nvidiaCudaImageVersion(spec.fromImage);
    if (provided && !(provided === version || provided.startsWith(`${version}.`))) {
      ctx.addIssue({ code: "custom", path: ["cuda", "version"], message: `The starting image ${spec.fromImage} provides CUDA ${provided}, not ${version}: set the version to ${provided} or choose another starting image` });
    }
  } else if (version.split(".").length === 2 && !CUDA_IMAGE_VERSIONS[version]) {
    ctx.addIssue({ code: "custom", path: ["cuda", "version"], message: `No nvidia/cuda image is known for CUDA ${version}: use one of ${Object.keys(CUDA_IMAGE_VERSIONS).join(", ")}, a full version such as ${version}.0, or a custom starting image` });
  }
});
export type BaseImageSpec = z.output<typeof baseImageSchema>;
export type BaseImageInput = z.input<typeof baseImageSchema>;

/** The PATCH body: any fields, merged over the saved spec and validated whole by baseImageSchema. */
export const patchBaseImageBodySchema = z.strictObject(baseImageShape).partial();

// ── Code environments ─────────────────────────────────────────────────────────────────────────

export const CODE_ENV_LANGUAGES = ["python", "r"] as const;
export type CodeEnvLanguage = (typeof CODE_ENV_LANGUAGES)[number];

const PY_NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const PY_REQUIREMENT = new RegExp(`^(${PY_NAME})\\s*(?:\\[([^\\]]*)\\])?\\s*(.*)$`);
const PEP440_VERSION = /^v?(\d+!)?\d+(\.\d+)*([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?([-_.]?(post|rev|r)[-_.]?\d*)?([-_.]?dev[-_.]?\d*)?(\+[a-z0-9]+([-_.][a-z0-9]+)*)?$/i;
const SPECIFIER = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/;

/** PEP 503 normalised project name: "Scikit_Learn" and "scikit-learn" are the same package. */
export const normalizePythonName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

function versionSpecifierProblem(spec: string): string | undefined {
  const match = SPECIFIER.exec(spec);
  if (!match) {
    if (/^=(?!=)\s*\S/.test(spec)) return "use == for an exact version";
    return `"${spec}" is not a version specifier: use ==, !=, >=, <=, >, <, ~= or === followed by a version`;
  }
  const [, operator, version] = match;
  if (operator === "===") return undefined;
  const wildcard = version.endsWith(".*");
  if (wildcard && operator !== "==" && operator !== "!=") return `a .* wildcard works only with == and != (${spec})`;
  const bare = wildcard ? version.slice(0, -2) : version;
  if (!PEP440_VERSION.test(bare)) return `"${version}" is not a valid version (PEP 440), such as 1.2, 2.0.1 or 1.0rc1`;
  if (operator === "~=" && !/^v?(\d+!)?\d+\.\d+/.test(bare)) return `~= needs at least two version parts, such as ~=1.4 (${spec})`;
  return undefined;
}

/** Why a pip requirement (`name[extras]==1.2,>=1 ; marker` or `name @ https://…`) is invalid, or undefined. */
export function pythonRequirementProblem(text: string): string | undefined {
  if (text.startsWith("-")) return `"${text}": pip options (-r, --index-url, -e …) are not accepted here; list one requirement per entry`;
  if (/^(\.|\/|~|file:)/i.test(text)) return `"${text}": local paths cannot be installed into an image; publish the package to an index or give a URL`;
  if (/[\\`$]/.test(text)) return `"${text}" must not contain \\, \` or $`;
  if (text.length > 500) return "A requirement must be at most 500 characters";
  const semicolon = text.indexOf(";");
  const requirement = (semicolon >= 0 ? text.slice(0, semicolon) : text).trim();
  const marker = semicolon >= 0 ? text.slice(semicolon + 1).trim() : null;
  if (marker !== null && (marker === "" || !/^[\w\s.<>=!~'"(),*+-]+$/.test(marker) || (marker.split('"').length - 1) % 2 || (marker.split("'").length - 1) % 2)) {
    return `"${text}": the environment marker after ';' is not valid, such as python_version < "3.11"`;
  }
  const match = PY_REQUIREMENT.exec(requirement);
  if (!match) return `"${text}" does not start with a package name (letters, digits, '.', '_', '-')`;
  const [, , extras, rest] = match;
  if (extras !== undefined && !extras.split(",").every((extra) => new RegExp(`^\\s*${PY_NAME}\\s*$`).test(extra))) {
    return `"${text}": extras must be names in [brackets] separated by commas, such as pandas[excel,parquet]`;
  }
  if (rest.startsWith("@")) {
    return /^@\s*(https?|git\+https|git\+ssh):\/\/\S+$/.test(rest) ? undefined : `"${text}": after @ give an https:// or git+https:// URL`;
  }
  if (rest === "") return undefined;
  const specifiers = rest.startsWith("(") && rest.endsWith(")") ? rest.slice(1, -1) : rest;
  for (const spec of specifiers.split(",")) {
    const problem = versionSpecifierProblem(spec.trim());
    if (problem === "use == for an exact version") return `"${text}": use == for an exact version (${text.replace(/([^=!<>~])=(?!=)/, "$1==")})`;
    if (problem) return `"${text}": ${problem}`;
  }
  return undefined;
}

/** The project name of a valid pip requirement. */
export const pythonRequirementName = (text: string) => PY_REQUIREMENT.exec(text)?.[1] ?? text;

const R_PACKAGE = /^([A-Za-z][A-Za-z0-9.]*[A-Za-z0-9])(?:\s*>=\s*([0-9]+(?:[.-][0-9]+)*))?$/;

/** An R package with an optional minimum version, as DSS writes them: `dplyr` or `dplyr>=1.1.0`. */
export function parseRPackage(text: string): { name: string; minVersion: string | null } | null {
  const match = R_PACKAGE.exec(text);
  return match ? { name: match[1], minVersion: match[2] ?? null } : null;
}

/** Why an R package entry is invalid, or undefined. */
export function rPackageProblem(text: string): string | undefined {
  if (parseRPackage(text)) return undefined;
  if (/^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]\s*>=/.test(text)) return `"${text}": the minimum version must be numbers separated by '.' or '-', such as 1.3-1`;
  if (/^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]\s*(==|<=|<|>|=)/.test(text)) return `"${text}": R packages take only a minimum version (name>=1.2.0); CRAN installs its latest release`;
  return `"${text}" is not an R package name: letters, digits and '.', starting with a letter, optionally >=version`;
}

/** Splits requirements.txt-style text into entries: one per line, blank lines and # comments dropped. */
export function parsePackageLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter(Boolean);
}

const buildForTargetSchema = (label: string) =>
  z
    .union([z.enum(["all", "none"]), z.array(z.string().trim())], { error: `${label} must be "all", "none" or a list of config names` })
    .superRefine((value, ctx) => {
      if (!Array.isArray(value)) return;
      if (value.length === 0) ctx.addIssue({ code: "custom", message: `${label}: choose at least one config, or "none"` });
      const seen = new Set<string>();
      value.forEach((name, index) => {
        if (!DNS1123_LABEL.test(name) || name.length > 63) ctx.addIssue({ code: "custom", path: [index], message: `"${name}" is not a config name` });
        else if (seen.has(name)) ctx.addIssue({ code: "custom", path: [index], message: `${name} is listed twice` });
        seen.add(name);
      });
    })
    .default("none");

export const buildForSchema = z
  .strictObject(
    { executionConfigs: buildForTargetSchema("executionConfigs"), sparkConfigs: buildForTargetSchema("sparkConfigs") },
    { error: 'buildFor must be {executionConfigs: "all" | "none" | [names], sparkConfigs: …}' },
  )
  .default({ executionConfigs: "none", sparkConfigs: "none" });
export type BuildFor = z.output<typeof buildForSchema>;

const codeEnvShape = {
  name: dnsLabelSchema("Name"),
  description: descriptionSchema.default(""),
  language: z.enum(CODE_ENV_LANGUAGES, { error: 'language must be "python" or "r"' }),
  /** Pip requirements (python) or R packages (r), in install order. */
  packages: z
    .array(z.string({ error: "Each package must be text" }).trim(), { error: "packages must be a list" })
    .max(500, "At most 500 packages")
    .default([]),
  /** Python code envs: the base image's python3.X to build the env with; null = its python3. */
  pythonVersion: pythonVersionField.nullable().default(null),
  buildFor: buildForSchema,
  dockerfileStart: fragmentSchema("dockerfileStart", CODE_ENV_FROM_HINT),
  dockerfileBeforePackages: fragmentSchema("dockerfileBeforePackages", CODE_ENV_FROM_HINT),
  dockerfileAfterPackages: fragmentSchema("dockerfileAfterPackages", CODE_ENV_FROM_HINT),
  dockerfileEnd: fragmentSchema("dockerfileEnd", CODE_ENV_FROM_HINT),
};

function codeEnvProblems(env: { language: CodeEnvLanguage; packages: string[]; pythonVersion: string | null }, ctx: z.RefinementCtx) {
  const python = env.language === "python";
  const seen = new Set<string>();
  env.packages.forEach((entry, index) => {
    const problem = entry === "" ? `Package ${index + 1} must not be empty` : python ? pythonRequirementProblem(entry) : rPackageProblem(entry);
    if (problem) return ctx.addIssue({ code: "custom", path: ["packages", index], message: problem });
    const name = python ? pythonRequirementName(entry) : (parseRPackage(entry)?.name ?? entry);
    const key = python ? normalizePythonName(name) : name;
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["packages", index], message: `${name} is listed twice` });
    seen.add(key);
  });
  if (!python && env.pythonVersion) ctx.addIssue({ code: "custom", path: ["pythonVersion"], message: "pythonVersion applies only to Python code envs" });
}

/** A code env as the form, the action and POST /api/v1/code-envs accept it. */
export const codeEnvSchema = z.strictObject(codeEnvShape).superRefine(codeEnvProblems);
export type CodeEnvSpec = z.output<typeof codeEnvSchema>;
export type CodeEnvInput = z.input<typeof codeEnvSchema>;

/** The PATCH body: any fields, merged over the saved spec and validated whole by codeEnvSchema. */
export const patchCodeEnvBodySchema = z.strictObject(codeEnvShape).partial();
