/**
 * The Dockerfile generator for base images, and the text helpers the code-env one
 * (lib/code-envs/dockerfile.ts) shares: pure and deterministic (same spec ⇒ same text, byte for
 * byte), so the preview is exactly what the in-cluster builder receives.
 *
 * Documented rules:
 * - Starting image: `fromImage` when set; else, with CUDA, `nvidia/cuda:<x.y.z>-runtime-ubuntu22.04`
 *   (major.minor mapped by CUDA_IMAGE_VERSIONS); else DEFAULT_FROM_IMAGE.
 * - CUDA with a custom starting image: an `nvidia/cuda:<version>-…` image already provides it (the
 *   schema checks the versions agree); any other image gets `cuda-libraries-<major>-<minor>` from
 *   NVIDIA's apt repository for the image's distribution (Debian/Ubuntu).
 * - Python: the versions asked for (default DEFAULT_PYTHON_VERSION) are on PATH as python3.X, the
 *   first one also as python3/python. A version the official `python:X.Y…` starting image already
 *   has is used as is; so is the one a Debian or Ubuntu starting image's own `python3` is (an image
 *   named `…/debian:<codename or version>` or `…/ubuntu:…`, see DISTRIBUTION_PYTHON), installed with
 *   apt (`python3`, `python3-venv`; `python-is-python3` when it is the default); every other one is
 *   installed by uv (python-build-standalone builds).
 * - R: Debian/Ubuntu `r-base` (+ build tools and headers) and R_BASE_PACKAGES from CRAN; the build
 *   fails if any package did not install.
 * - Fragments and Berth's steps run as root; the image ends with `USER 1000:1000` (user `berth`).
 */
import { nvidiaCudaImageVersion, officialPythonImageVersion, parseImageReference } from "./reference";
import { CUDA_IMAGE_VERSIONS, DEFAULT_FROM_IMAGE, DEFAULT_PYTHON_VERSION, type BaseImageSpec } from "./schema";
import { sha256Hex } from "./sha256";

/** Bumped when the generated text changes for the same inputs, so every image shows "rebuild needed". */
export const GENERATOR_VERSION = 2;
export const UV_IMAGE = "ghcr.io/astral-sh/uv:0.9.21";
export const CRAN_MIRROR = "https://cloud.r-project.org";
/** What Berth's R integration needs at run time (the DSS R API's dependencies, kept minimal). */
export const R_BASE_PACKAGES = ["httr", "RJSONIO", "dplyr", "base64enc", "filelock"] as const;
/** R itself plus what CRAN source packages need to compile (httr → curl, openssl, xml2). */
const R_SYSTEM_PACKAGES = ["r-base", "r-base-dev", "libcurl4-openssl-dev", "libssl-dev", "libxml2-dev"];
export const BERTH_USER = { name: "berth", uid: 1000, gid: 1000, home: "/home/berth" } as const;
export const PYTHON_INSTALL_DIR = "/opt/berth/python";

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
  if (spec.fromImage)
    return {
      image: spec.fromImage,
      cuda: spec.cuda ? (nvidiaCudaImageVersion(spec.fromImage) ? "in-image" : "install") : null,
    };
  if (spec.cuda)
    return { image: `nvidia/cuda:${cudaImageVersion(spec.cuda.version)}-runtime-ubuntu22.04`, cuda: "in-image" };
  return { image: DEFAULT_FROM_IMAGE, cuda: null };
}

/** "3.11.9" → "3.11". */
export const majorMinor = (version: string) => version.split(".").slice(0, 2).join(".");

/**
 * The `python3` of Debian and Ubuntu releases, by codename and version (Debian's `python3-defaults`
 * of each release); releases whose python3 is older than Berth's range are left out.
 */
export const DISTRIBUTION_PYTHON: Readonly<Record<"debian" | "ubuntu", Readonly<Record<string, string>>>> = {
  debian: { bullseye: "3.9", "11": "3.9", bookworm: "3.11", "12": "3.11", trixie: "3.13", "13": "3.13" },
  ubuntu: { jammy: "3.10", "22.04": "3.10", noble: "3.12", "24.04": "3.12" },
};

/**
 * The Python major.minor the distribution of a `…/debian:<release>…` or `…/ubuntu:<release>…`
 * image (any registry, so mirrors count) packages as python3, or null when the image is not one.
 */
export function distributionPythonVersion(reference: string): string | null {
  const parsed = parseImageReference(reference);
  if (typeof parsed === "string" || !parsed.tag) return null;
  const distribution = parsed.path.split("/").pop();
  if (distribution !== "debian" && distribution !== "ubuntu") return null;
  // bookworm, bookworm-slim, 12, 12.5-slim, 22.04, noble-20240801 …
  const release = parsed.tag.split("-")[0];
  const releases = DISTRIBUTION_PYTHON[distribution];
  return releases[release] ?? (distribution === "debian" ? (releases[release.split(".")[0]] ?? null) : null);
}

export interface PythonPlan {
  /** Every Python on PATH as python3.X, the default first. */
  versions: string[];
  /** The ones uv installs (the starting image lacks them). */
  install: string[];
  /** The one apt installs: the starting image's distribution packages it as python3 (or null). */
  distribution: string | null;
  /** python3/python point at versions[0]; false when the starting image's own python3 is it. */
  linkDefault: boolean;
}

/** Which Pythons a base image has and which Berth installs. */
export function pythonPlan(spec: Pick<BaseImageSpec, "fromImage" | "cuda" | "pythonVersions">): PythonPlan {
  const versions = spec.pythonVersions.length ? spec.pythonVersions : [DEFAULT_PYTHON_VERSION];
  const image = startingImage(spec).image;
  const provided = officialPythonImageVersion(image);
  const packaged = distributionPythonVersion(image);
  const distribution = packaged !== null && packaged !== provided && versions.includes(packaged) ? packaged : null;
  const install = versions.filter((version) => version !== provided && version !== distribution);
  return { versions, install, distribution, linkDefault: install.includes(versions[0]) };
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

// ── Text helpers (also used by lib/code-envs/dockerfile.ts) ───────────────────────────────────

/** A POSIX shell word: single-quoted, or double-quoted when that reads better and is just as safe. */
export const shellQuote = (text: string) =>
  text.includes("'") && !/["$`\\!]/.test(text) ? `"${text}"` : `'${text.replace(/'/g, `'\\''`)}'`;
/** A Dockerfile double-quoted value (ARG, LABEL): \, " and $ escaped. */
const dockerQuote = (text: string) => `"${text.replace(/[\\"$]/g, (char) => `\\${char}`)}"`;
/** An R string literal. */
const rQuote = (text: string) => JSON.stringify(text);

/** `RUN a \`, ` && b` … one command per line. */
function runChain(commands: string[]): string {
  return commands.map((command, index) => (index === 0 ? `RUN ${command}` : ` && ${command}`)).join(" \\\n");
}

/** An instruction with one item per continuation line. */
export function multiline(head: string, items: string[], indent = "      "): string {
  return [head, ...items.map((item) => `${indent}${item}`)].join(" \\\n");
}

/** A named fragment with its heading comment, or null when empty. */
export function fragment(name: string, text: string): string | null {
  return text.trim() ? `# ${name}\n${text}` : null;
}

/** One LABEL instruction with the berth.dev/* keys. */
export function labels(entries: [string, string][]): string {
  return multiline(
    "LABEL",
    entries.map(([key, value]) => `berth.dev/${key}=${dockerQuote(value)}`),
  ).replace("LABEL \\\n      ", "LABEL ");
}

/** One `R -q -e` that installs packages from CRAN and fails the build when one is missing or too old. */
export function rInstall(packages: { name: string; minVersion: string | null }[]): string {
  const names = packages.map((pkg) => rQuote(pkg.name)).join(", ");
  const lines = [
    `pkgs <- c(${names});`,
    `install.packages(pkgs, repos = ${rQuote(CRAN_MIRROR)}, Ncpus = parallel::detectCores());`,
    `missing <- pkgs[!vapply(pkgs, requireNamespace, logical(1), quietly = TRUE)];`,
    `if (length(missing)) stop("R packages did not install: ", paste(missing, collapse = ", "));`,
    ...packages
      .filter((pkg) => pkg.minVersion)
      .map(
        (pkg) =>
          `if (packageVersion(${rQuote(pkg.name)}) < ${rQuote(pkg.minVersion!)}) stop(${rQuote(`${pkg.name} `)}, packageVersion(${rQuote(pkg.name)}), ${rQuote(` is older than ${pkg.minVersion}`)});`,
      ),
  ];
  return `RUN R -q -e ' \\\n${lines.map((line) => `      ${line.replace(/'/g, `'\\''`)}`).join(" \\\n")}'`;
}

/** The Dockerfile text of its sections, blank lines between, empty ones left out. */
export const joinSections = (sections: (string | null)[]) =>
  `${sections.filter((section): section is string => section !== null).join("\n\n")}\n`;

// ── Generators ────────────────────────────────────────────────────────────────────────────────

/** The exact Dockerfile of a base image. */
export function baseImageDockerfile(spec: BaseImageSpec): string {
  const start = startingImage(spec);
  const python = pythonPlan(spec);
  const hash = inputsHash(spec);
  const cuda = spec.cuda?.version ?? null;
  const fetchPackages =
    start.cuda === "install" ? ["ca-certificates", "curl"] : python.install.length ? ["ca-certificates"] : [];
  const distributionPython = python.distribution
    ? ["python3", "python3-venv", ...(python.versions[0] === python.distribution ? ["python-is-python3"] : [])]
    : [];
  const aptPackages = [
    ...new Set([...fetchPackages, ...distributionPython, ...(spec.r ? R_SYSTEM_PACKAGES : []), ...spec.systemPackages]),
  ].sort();
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

  if (spec.r)
    sections.push(
      `# R packages Berth's R integration needs\n${rInstall(R_BASE_PACKAGES.map((name) => ({ name, minVersion: null })))}`,
    );

  if (python.install.length) {
    const links = python.install.map(
      (version) => `ln -sf "$(uv python find ${version})" /usr/local/bin/python${majorMinor(version)}`,
    );
    const defaults = python.linkDefault
      ? ["python3", "python"].map((link) => `ln -sf python${majorMinor(python.versions[0])} /usr/local/bin/${link}`)
      : [];
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
  return joinSections(sections);
}
