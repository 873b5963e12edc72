import { z } from "zod";

import { dnsLabelSchema } from "@/lib/kube/names";
import { descriptionSchema } from "@/lib/validation";

import {
  DOCKER_TAG,
  imageReferenceProblem,
  nvidiaCudaImageVersion,
  REGISTRY_DOMAIN,
  REPOSITORY_PATH,
} from "./reference";

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

// ── Dockerfile fragments ──────────────────────────────────────────────────────────────────────

const INSTRUCTIONS = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

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
      else if (!INSTRUCTIONS.has(instruction))
        problems.push(`Line ${n}: "${word}" is not a Dockerfile instruction (RUN, ENV, COPY, USER, …)`);
      else if (instruction === "ONBUILD" && /^onbuild\s+from\b/i.test(trimmed))
        problems.push(`Line ${n}: ONBUILD FROM is not allowed`);
    }
    if (/<<(?!<)-?\s*["']?[A-Za-z_]\w*/.test(trimmed) && !trimmed.startsWith("#")) {
      problems.push(
        `Line ${n}: heredocs (<<EOF) are not supported by the in-cluster builder: write RUN commands joined with && and \\ line continuations`,
      );
    }
    continuing = trimmed.endsWith("\\");
  });
  if (continuing) problems.push("The last line ends with '\\': the next instruction would be joined to it");
  return problems;
}

/** A Dockerfile fragment field: text checked by dockerfileFragmentProblems, "" when absent. */
export const fragmentSchema = (label: string, fromHint: string) =>
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

// ── Shared field schemas ──────────────────────────────────────────────────────────────────────

/** A list of texts, each checked by `problem`; duplicates (by `key`) are refused on the later entry. */
const checkedListSchema = (
  label: string,
  max: number,
  problem: (value: string) => string | undefined,
  key: (value: string) => string = (value) => value,
) =>
  z
    .array(z.string({ error: `Each entry of ${label} must be text` }).trim(), { error: `${label} must be a list` })
    .max(max, `${label} may have at most ${max} entries`)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        const message = value === "" ? `Entry ${index + 1} of ${label} must not be empty` : problem(value);
        if (message) ctx.addIssue({ code: "custom", path: [index], message });
        else if (seen.has(key(value)))
          ctx.addIssue({ code: "custom", path: [index], message: `${value} is listed twice` });
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

/** A Python version field ("3.11" or "3.11.9") Berth installs. */
export const pythonVersionField = z
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
    else if (value.length > 253)
      ctx.addIssue({ code: "custom", message: "Registry URL must be at most 253 characters" });
    else if (!REGISTRY_DOMAIN.test(host) || (path.length > 0 && !REPOSITORY_PATH.test(path.join("/")))) {
      ctx.addIssue({
        code: "custom",
        message:
          "Registry URL must be a host with an optional port and path, such as registry.example.com:5000 or europe-docker.pkg.dev/project",
      });
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
    if (`${registry.url}/${registry.repository}`.length > 255)
      ctx.addIssue({
        code: "custom",
        path: ["repository"],
        message: "Registry URL and repository together must be at most 255 characters",
      });
  });
export type RegistryTarget = z.output<typeof registryTargetSchema>;

// ── Base images ───────────────────────────────────────────────────────────────────────────────

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const buildArgsSchema = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: "Build argument values must be text" }).transform(String),
    { error: "buildArgs must be an object of NAME → value" },
  )
  .superRefine((args, ctx) => {
    const names = Object.keys(args);
    if (names.length > 50) ctx.addIssue({ code: "custom", message: "At most 50 build arguments" });
    for (const [name, value] of Object.entries(args)) {
      if (!BUILD_ARG_NAME.test(name))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `"${name}" is not a build argument name: use letters, digits and '_', not starting with a digit`,
        });
      else if (/[\r\n]/.test(value))
        ctx.addIssue({ code: "custom", path: [name], message: `${name} must be a single line` });
      else if (value.length > 2000)
        ctx.addIssue({ code: "custom", path: [name], message: `${name} must be at most 2000 characters` });
    }
  })
  .default({});

const cudaSchema = z
  .strictObject(
    {
      version: z
        .string({ error: "CUDA version is required, such as 12.4" })
        .trim()
        .regex(
          /^\d{1,2}\.\d{1,2}(\.\d{1,3})?$/,
          "CUDA version must be major.minor or major.minor.patch, such as 12.4 or 12.4.1",
        )
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
  pythonVersions: checkedListSchema("pythonVersions", 6, pythonVersionProblem, (value) =>
    value.split(".").slice(0, 2).join("."),
  ),
  systemPackages: checkedListSchema(
    "systemPackages",
    200,
    (value) =>
      DEBIAN_PACKAGE.test(value)
        ? undefined
        : `"${value}" is not a Debian package name: use lowercase letters, digits, '+', '-' and '.', optionally =version`,
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
    .refine(
      (value) => value === null || DOCKER_TAG.test(value),
      "Tag must use letters, digits, '_', '.' or '-' (at most 128, not starting with '.' or '-')",
    )
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
      ctx.addIssue({
        code: "custom",
        path: ["cuda", "version"],
        message: `The starting image ${spec.fromImage} provides CUDA ${provided}, not ${version}: set the version to ${provided} or choose another starting image`,
      });
    }
  } else if (version.split(".").length === 2 && !CUDA_IMAGE_VERSIONS[version]) {
    ctx.addIssue({
      code: "custom",
      path: ["cuda", "version"],
      message: `No nvidia/cuda image is known for CUDA ${version}: use one of ${Object.keys(CUDA_IMAGE_VERSIONS).join(", ")}, a full version such as ${version}.0, or a custom starting image`,
    });
  }
});
export type BaseImageSpec = z.output<typeof baseImageSchema>;
export type BaseImageInput = z.input<typeof baseImageSchema>;

/** The PATCH body: any fields, merged over the saved spec and validated whole by baseImageSchema. */
export const patchBaseImageBodySchema = z.strictObject(baseImageShape).partial();
