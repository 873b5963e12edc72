/**
 * Dockerfile generators for base images and code-env images: pure and deterministic (same spec ⇒
 * same text, byte for byte), so the preview is exactly what the in-cluster builder receives.
 *
 * Documented rules:
 * - Starting image: `fromImage` when set; else, with CUDA, `nvidia/cuda:<x.y.z>-runtime-ubuntu22.04`
 *   (major.minor mapped by CUDA_IMAGE_VERSIONS); else DEFAULT_FROM_IMAGE.
 * - CUDA with a custom starting image: an `nvidia/cuda:<version>-…` image already provides it (the
 *   schema checks the versions agree); any other image gets `cuda-libraries-<major>-<minor>` from
 *   NVIDIA's apt repository for the image's distribution (Debian/Ubuntu).
 * - Python: the versions asked for (default DEFAULT_PYTHON_VERSION) are on PATH as python3.X, the
 *   first one also as python3/python. A version the official `python:X.Y…` starting image already
 *   has is used as is; every other one is installed by uv (python-build-standalone builds).
 * - R: Debian/Ubuntu `r-base` (+ build tools and headers) and R_BASE_PACKAGES from CRAN; the build
 *   fails if any package did not install.
 * - Fragments and Berth's steps run as root; the image ends with `USER 1000:1000` (user `berth`).
 */
import {
  CUDA_IMAGE_VERSIONS,
  DEFAULT_FROM_IMAGE,
  DEFAULT_PYTHON_VERSION,
  nvidiaCudaImageVersion,
  officialPythonImageVersion,
  parseImageReference,
  parseRPackage,
  type BaseImageSpec,
  type CodeEnvSpec,
} from "./schema";
import { sha256Hex } from "./sha256";

/** Bumped when the generated text changes for the same inputs, so every image shows "rebuild needed". */
export const GENERATOR_VERSION = 1;
export const UV_IMAGE = "ghcr.io/astral-sh/uv:0.9.21";
export const CRAN_MIRROR = "https://cloud.r-project.org";
/** What Berth's R integration needs at run time (the DSS R API's dependencies, kept minimal). */
export const R_BASE_PACKAGES = ["httr", "RJSONIO", "dplyr", "base64enc", "filelock"] as const;
/** R itself plus what CRAN source packages need to compile (httr → curl, openssl, xml2). */
const R_SYSTEM_PACKAGES = ["r-base", "r-base-dev", "libcurl4-openssl-dev", "libssl-dev", "libxml2-dev"];
export const BERTH_USER = { name: "berth", uid: 1000, gid: 1000, home: "/home/berth" } as const;
export const PYTHON_INSTALL_DIR = "/opt/berth/python";
export const CODE_ENV_DIR = "/opt/berth/code-env";

// ── Inputs and hashes ─────────────────────────────────────────────────────────────────────────

/** JSON with object keys sorted at every level, so key order never changes a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface StartingImage {
  image: string;
  /** How CUDA gets in: the starting image has it, Berth installs it, or no CUDA. */
  cuda: "in-image" | "install" | null;
}

/** The full x.y.z of the nvidia/cuda image for a CUDA version ("12.4" → "12.4.1"). */
export function cudaImageVersion(version: string): string {
  return version.split(".").length === 3 ? version : (CUDA_IMAGE_VERSIONS[version] ?? `${version}.0`);
}

/** The FROM image of a base image and where its CUDA comes from. */
export function startingImage(spec: Pick<BaseImageSpec, "fromImage" | "cuda">): StartingImage {
  if (spec.fromImage) return { image: spec.fromImage, cuda: spec.cuda ? (nvidiaCudaImageVersion(spec.fromImage) ? "in-image" : "install") : null };
  if (spec.cuda) return { image: `nvidia/cuda:${cudaImageVersion(spec.cuda.version)}-runtime-ubuntu22.04`, cuda: "in-image" };
  return { image: DEFAULT_FROM_IMAGE, cuda: null };
}

const majorMinor = (version: string) => version.split(".").slice(0, 2).join(".");

export interface PythonPlan {
  /** Every Python on PATH as python3.X, the default first. */
  versions: string[];
  /** The ones uv installs (the starting image lacks them). */
  install: string[];
  /** python3/python point at versions[0]; false when the starting image's own python3 is it. */
  linkDefault: boolean;
}

/** Which Pythons a base image has and which Berth installs. */
export function pythonPlan(spec: Pick<BaseImageSpec, "fromImage" | "cuda" | "pythonVersions">): PythonPlan {
  const versions = spec.pythonVersions.length ? spec.pythonVersions : [DEFAULT_PYTHON_VERSION];
  const provided = officialPythonImageVersion(startingImage(spec).image);
  const install = versions.filter((version) => version !== provided);
  return { versions, install, linkDefault: install.includes(versions[0]) };
}

/** What a base image's hash covers: everything but description and cluster (they do not change the image). */
export function baseImageInputs(spec: BaseImageSpec) {
  return {
    kind: "base-image",
    generator: GENERATOR_VERSION,
    name: spec.name,
    fromImage: startingImage(spec).image,
    r: spec.r,
    cuda: spec.cuda?.version ?? null,
    pythonVersions: spec.pythonVersions,
    // apt installs them together: their order is not an input.
    systemPackages: [...spec.systemPackages].sort(),
    dockerfileStart: spec.dockerfileStart,
    dockerfileEnd: spec.dockerfileEnd,
    buildArgs: spec.buildArgs,
    registry: { url: spec.registry.url, repository: spec.registry.repository },
    tag: spec.tag,
  };
}

/** sha256 (hex) of a base image's canonical inputs: the default tag and "rebuild needed" compare it. */
export function inputsHash(spec: BaseImageSpec): string {
  return sha256Hex(canonicalJson(baseImageInputs(spec)));
}

/** The tag a base image is pushed with: its own, or `b-<first 12 hex of the inputs hash>`. */
export function baseImageTag(spec: BaseImageSpec): string {
  return spec.tag ?? `b-${inputsHash(spec).slice(0, 12)}`;
}

/** registry/repository:tag of a base image. */
export function baseImageRef(spec: BaseImageSpec): string {
  return `${spec.registry.url}/${spec.registry.repository}:${baseImageTag(spec)}`;
}

/** What a code-env image's hash covers: the image-changing fields and the base image it is built on. */
export function codeEnvInputs(codeEnv: CodeEnvSpec, baseImageRef: string) {
  return {
    kind: "code-env",
    generator: GENERATOR_VERSION,
    name: codeEnv.name,
    language: codeEnv.language,
    packages: codeEnv.packages,
    pythonVersion: codeEnv.pythonVersion,
    dockerfileStart: codeEnv.dockerfileStart,
    dockerfileBeforePackages: codeEnv.dockerfileBeforePackages,
    dockerfileAfterPackages: codeEnv.dockerfileAfterPackages,
    dockerfileEnd: codeEnv.dockerfileEnd,
    baseImageRef,
  };
}

/** sha256 (hex) of a code env's canonical inputs on one base image. */
export function codeEnvInputsHash(codeEnv: CodeEnvSpec, baseImageRef: string): string {
  return sha256Hex(canonicalJson(codeEnvInputs(codeEnv, baseImageRef)));
}

/** The code-env image: in the base image's repository, tagged `ce-<name>-<12 hex>`. */
export function codeEnvImageRef(codeEnv: CodeEnvSpec, baseImageRef: string): string {
  const parsed = parseImageReference(baseImageRef);
  if (typeof parsed === "string") throw new Error(`Base image reference ${baseImageRef} ${parsed}`);
  const repository = parsed.domain ? `${parsed.domain}/${parsed.path}` : parsed.path;
  return `${repository}:ce-${codeEnv.name}-${codeEnvInputsHash(codeEnv, baseImageRef).slice(0, 12)}`;
}

/** Why a code env cannot be built on a base image (R env without R, missing Python), or undefined. */
export function codeEnvBaseProblem(codeEnv: CodeEnvSpec, base: BaseImageSpec): string | undefined {
  if (codeEnv.language === "r" && !base.r) return `Code env ${codeEnv.name} is an R env, but base image ${base.name} has no R support`;
  if (codeEnv.language === "python" && codeEnv.pythonVersion) {
    const available = pythonPlan(base).versions.map(majorMinor);
    if (!available.includes(majorMinor(codeEnv.pythonVersion))) return `Code env ${codeEnv.name} needs Python ${codeEnv.pythonVersion}, but base image ${base.name} has ${available.join(", ")}`;
  }
  return undefined;
}

// ── Text helpers ──────────────────────────────────────────────────────────────────────────────

/** A POSIX shell word: single-quoted, or double-quoted when that reads better and is just as safe. */
const shellQuote = (text: string) => (text.includes("'") && !/["$`\\!]/.test(text) ? `"${text}"` : `'${text.replace(/'/g, `'\\''`)}'`);
/** A Dockerfile double-quoted value (ARG, LABEL): \, " and $ escaped. */
const dockerQuote = (text: string) => `"${text.replace(/[\\"$]/g, (char) => `\\${char}`)}"`;
/** An R string literal. */
const rQuote = (text: string) => JSON.stringify(text);

/** `RUN a \`, ` && b` … one command per line. */
function runChain(commands: string[]): string {
  return commands.map((command, index) => (index === 0 ? `RUN ${command}` : ` && ${command}`)).join(" \\\n");
}

/** An instruction with one item per continuation line. */
function multiline(head: string, items: string[], indent = "      "): string {
  return [head, ...items.map((item) => `${indent}${item}`)].join(" \\\n");
}

function fragment(name: string, text: string): string | null {
  return text.trim() ? `# ${name}\n${text}` : null;
}

function labels(entries: [string, string][]): string {
  return multiline("LABEL", entries.map(([key, value]) => `berth.dev/${key}=${dockerQuote(value)}`)).replace("LABEL \\\n      ", "LABEL ");
}

/** One `R -q -e` that installs packages from CRAN and fails the build when one is missing or too old. */
function rInstall(packages: { name: string; minVersion: string | null }[]): string {
  const names = packages.map((pkg) => rQuote(pkg.name)).join(", ");
  const lines = [
    `pkgs <- c(${names});`,
    `install.packages(pkgs, repos = ${rQuote(CRAN_MIRROR)}, Ncpus = parallel::detectCores());`,
    `missing <- pkgs[!vapply(pkgs, requireNamespace, logical(1), quietly = TRUE)];`,
    `if (length(missing)) stop("R packages did not install: ", paste(missing, collapse = ", "));`,
    ...packages
      .filter((pkg) => pkg.minVersion)
      .map((pkg) => `if (packageVersion(${rQuote(pkg.name)}) < ${rQuote(pkg.minVersion!)}) stop(${rQuote(`${pkg.name} `)}, packageVersion(${rQuote(pkg.name)}), ${rQuote(` is older than ${pkg.minVersion}`)});`),
  ];
  return `RUN R -q -e ' \\\n${lines.map((line) => `      ${line.replace(/'/g, `'\\''`)}`).join(" \\\n")}'`;
}

const join = (sections: (string | null)[]) => `${sections.filter((section): section is string => section !== null).join("\n\n")}\n`;

// ── Generators ────────────────────────────────────────────────────────────────────────────────

/** The exact Dockerfile of a base image. */
export function baseImageDockerfile(spec: BaseImageSpec): string {
  const start = startingImage(spec);
  const python = pythonPlan(spec);
  const hash = inputsHash(spec);
  const cuda = spec.cuda?.version ?? null;
  const fetchPackages = start.cuda === "install" ? ["ca-certificates", "curl"] : python.install.length ? ["ca-certificates"] : [];
  const aptPackages = [...new Set([...fetchPackages, ...(spec.r ? R_SYSTEM_PACKAGES : []), ...spec.systemPackages])].sort();
  const buildArgs = Object.keys(spec.buildArgs)
    .sort()
    .map((name) => `ARG ${name}=${dockerQuote(spec.buildArgs[name])}`);

  const sections: (string | null)[] = [
    `# Base image "${spec.name}", generated by Berth: change its settings rather than this text.\nFROM ${start.image}`,
    buildArgs.length ? `# Build arguments\n${buildArgs.join("\n")}` : null,
    fragment("dockerfileStart", spec.dockerfileStart),
    `USER root\nARG DEBIAN_FRONTEND=noninteractive\nENV LANG=C.UTF-8 PYTHONUNBUFFERED=1`,
    aptPackages.length
      ? `# System packages, in one layer\n${runChain([
          "apt-get update",
          multiline("apt-get install -y --no-install-recommends", aptPackages, "      "),
          "rm -rf /var/lib/apt/lists/*",
        ])}`
      : null,
  ];

  if (start.cuda === "install" && cuda) {
    const [major, minor] = cuda.split(".");
    sections.push(
      `# CUDA ${cuda} runtime libraries from NVIDIA's apt repository for this distribution\n${runChain([
        ". /etc/os-release",
        `repo="\${ID}$(echo "\${VERSION_ID}" | tr -d .)"`,
        `arch="$(uname -m | sed 's/aarch64/sbsa/')"`,
        `curl -fsSL -o /tmp/cuda-keyring.deb "https://developer.download.nvidia.com/compute/cuda/repos/\${repo}/\${arch}/cuda-keyring_1.1-1_all.deb"`,
        "dpkg -i /tmp/cuda-keyring.deb",
        "rm /tmp/cuda-keyring.deb",
        "apt-get update",
        `apt-get install -y --no-install-recommends cuda-libraries-${major}-${minor}`,
        `ln -sfn /usr/local/cuda-${major}.${minor} /usr/local/cuda`,
        "rm -rf /var/lib/apt/lists/*",
      ])}\nENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility PATH=/usr/local/cuda/bin:$PATH LD_LIBRARY_PATH=/usr/local/nvidia/lib:/usr/local/nvidia/lib64:/usr/local/cuda/lib64`,
    );
  }

  if (spec.r) sections.push(`# R packages Berth's R integration needs\n${rInstall(R_BASE_PACKAGES.map((name) => ({ name, minVersion: null })))}`);

  if (python.install.length) {
    const links = python.install.map((version) => `ln -sf "$(uv python find ${version})" /usr/local/bin/python${majorMinor(version)}`);
    const defaults = python.linkDefault ? ["python3", "python"].map((link) => `ln -sf python${majorMinor(python.versions[0])} /usr/local/bin/${link}`) : [];
    sections.push(
      [
        `# Python ${python.install.join(", ")} (python-build-standalone, installed by uv); python3 is ${python.versions[0]}`,
        `COPY --from=${UV_IMAGE} /uv /usr/local/bin/uv`,
        `ENV UV_PYTHON_INSTALL_DIR=${PYTHON_INSTALL_DIR}`,
        runChain([`uv python install ${python.install.join(" ")}`, ...links, ...defaults]),
      ].join("\n"),
    );
  }

  const { name, uid, gid, home } = BERTH_USER;
  sections.push(
    `# The non-root user containers run as\n${runChain([
      `(getent group ${name} >/dev/null || groupadd --non-unique --gid ${gid} ${name})`,
      `(getent passwd ${name} >/dev/null || useradd --non-unique --uid ${uid} --gid ${name} --no-log-init --create-home --home-dir ${home} --shell /bin/bash ${name})`,
    ])}\nWORKDIR ${home}`,
    labels([
      ["kind", "base-image"],
      ["base-image", spec.name],
      ["inputs-hash", hash],
      ["generator", String(GENERATOR_VERSION)],
      ["from", start.image],
      ["r", String(spec.r)],
      ["cuda", cuda ?? "none"],
      ["python", python.versions.join(",")],
    ]),
    fragment("dockerfileEnd", spec.dockerfileEnd),
    `USER ${uid}:${gid}`,
  );
  return join(sections);
}

/** The exact Dockerfile of a code env's image on one base image (`registry/repository:tag`). */
export function codeEnvDockerfile(codeEnv: CodeEnvSpec, baseImageRef: string): string {
  const python = codeEnv.language === "python";
  const interpreter = codeEnv.pythonVersion ? `python${majorMinor(codeEnv.pythonVersion)}` : "python3";
  const { uid, gid } = BERTH_USER;
  const packages = python
    ? codeEnv.packages.length
      ? `# Packages\n${multiline("RUN pip install --no-cache-dir", codeEnv.packages.map(shellQuote))}`
      : null
    : codeEnv.packages.length
      ? `# R packages\n${rInstall(codeEnv.packages.map((entry) => parseRPackage(entry) ?? { name: entry, minVersion: null }))}`
      : null;

  return join([
    `# Code env "${codeEnv.name}" (${python ? "Python" : "R"}), generated by Berth: change its settings rather than this text.\nFROM ${baseImageRef}`,
    "USER root",
    fragment("dockerfileStart", codeEnv.dockerfileStart),
    python ? `# The code env: a virtualenv made with ${interpreter}\nRUN ${interpreter} -m venv ${CODE_ENV_DIR}\nENV VIRTUAL_ENV=${CODE_ENV_DIR} PATH=${CODE_ENV_DIR}/bin:$PATH` : null,
    fragment("dockerfileBeforePackages", codeEnv.dockerfileBeforePackages),
    packages,
    fragment("dockerfileAfterPackages", codeEnv.dockerfileAfterPackages),
    labels([
      ["kind", "code-env"],
      ["code-env", codeEnv.name],
      ["language", codeEnv.language],
      ["inputs-hash", codeEnvInputsHash(codeEnv, baseImageRef)],
      ["generator", String(GENERATOR_VERSION)],
      ["base-image-ref", baseImageRef],
    ]),
    fragment("dockerfileEnd", codeEnv.dockerfileEnd),
    `USER ${uid}:${gid}`,
  ]);
}
