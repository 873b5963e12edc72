import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  BERTH_USER,
  R_BASE_PACKAGES,
  UV_IMAGE,
  baseImageDockerfile,
  baseImageRef,
  baseImageTag,
  canonicalJson,
  codeEnvBaseProblem,
  codeEnvDockerfile,
  codeEnvImageRef,
  codeEnvInputsHash,
  inputsHash,
  pythonPlan,
  startingImage,
} from "./dockerfile";
import { baseImageSchema, codeEnvSchema, type BaseImageInput, type CodeEnvInput } from "./schema";
import { sha256Hex } from "./sha256";

const registry = { url: "registry.example.com", repository: "ml/base" };
const baseImage = (input: Partial<BaseImageInput> = {}) => baseImageSchema.parse({ name: "py", registry, ...input });
const codeEnv = (input: Partial<CodeEnvInput> = {}) => codeEnvSchema.parse({ name: "env", language: "python", ...input });
const BASE_REF = "registry.example.com/ml/base:b-0123456789ab";

/** The instructions of a Dockerfile, comments and continuation lines left out. */
const instructions = (dockerfile: string) =>
  dockerfile
    .split("\n")
    .filter((line) => /^[A-Z]+ /.test(line))
    .map((line) => line.split(" ")[0]);
const indexOf = (dockerfile: string, text: string) => {
  const index = dockerfile.indexOf(text);
  expect(index, `${text} not found`).toBeGreaterThanOrEqual(0);
  return index;
};

describe("sha256", () => {
  it.each(["", "abc", "é ✓ 🚀", "x".repeat(55), "x".repeat(56), "x".repeat(64), "x".repeat(1000)])("matches node:crypto for %j", (text) => {
    expect(sha256Hex(text)).toBe(createHash("sha256").update(text).digest("hex"));
  });
});

describe("base image Dockerfile", () => {
  it("starts from the slim Python image by default and adds only the user, labels and USER", () => {
    const dockerfile = baseImageDockerfile(baseImage());
    expect(dockerfile.split("\n")[1]).toBe("FROM python:3.12-slim");
    expect(instructions(dockerfile)).toEqual(["FROM", "USER", "ARG", "ENV", "RUN", "WORKDIR", "LABEL", "USER"]);
    expect(dockerfile).not.toContain("apt-get");
    expect(dockerfile).not.toContain("uv python");
    expect(dockerfile.trimEnd().split("\n").at(-1)).toBe(`USER ${BERTH_USER.uid}:${BERTH_USER.gid}`);
  });

  it("uses nvidia/cuda for a CUDA version when no starting image is set", () => {
    expect(startingImage(baseImage({ cuda: { version: "12.4" } }))).toEqual({ image: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", cuda: "in-image" });
    expect(startingImage(baseImage({ cuda: { version: "11.8" } })).image).toBe("nvidia/cuda:11.8.0-runtime-ubuntu22.04");
    expect(startingImage(baseImage({ cuda: { version: "12.1" } })).image).toBe("nvidia/cuda:12.1.1-runtime-ubuntu22.04");
    expect(startingImage(baseImage({ cuda: { version: "12.6.2" } })).image).toBe("nvidia/cuda:12.6.2-runtime-ubuntu22.04");
    const dockerfile = baseImageDockerfile(baseImage({ cuda: { version: "12.4" } }));
    expect(dockerfile).toContain("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n");
    expect(dockerfile).not.toContain("cuda-keyring");
    expect(dockerfile).toContain('berth.dev/cuda="12.4"');
  });

  it("installs the CUDA runtime libraries on a custom starting image, but not on an nvidia/cuda one", () => {
    const installed = baseImageDockerfile(baseImage({ fromImage: "ubuntu:22.04", cuda: { version: "12.1" } }));
    expect(installed).toContain("FROM ubuntu:22.04\n");
    expect(installed).toContain("apt-get install -y --no-install-recommends cuda-libraries-12-1");
    expect(installed).toContain("ln -sfn /usr/local/cuda-12.1 /usr/local/cuda");
    expect(installed).toContain("NVIDIA_VISIBLE_DEVICES=all");
    expect(installed).toMatch(/apt-get install -y --no-install-recommends \\\n {6}ca-certificates \\\n {6}curl/);

    const provided = baseImageDockerfile(baseImage({ fromImage: "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", cuda: { version: "12.4" } }));
    expect(provided).toContain("FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\n");
    expect(provided).not.toContain("cuda-libraries");
  });

  it("adds R and the packages Berth needs only when R is on", () => {
    const off = baseImageDockerfile(baseImage());
    const on = baseImageDockerfile(baseImage({ r: true }));
    expect(off).not.toMatch(/r-base|install\.packages/);
    expect(on).toMatch(/ {6}r-base \\\n {6}r-base-dev \\/);
    expect(on).toContain(`pkgs <- c(${R_BASE_PACKAGES.map((name) => `"${name}"`).join(", ")});`);
    expect(on).toContain('stop("R packages did not install: "');
    expect(on).toContain('berth.dev/r="true"');
    expect(off).toContain('berth.dev/r="false"');
  });

  it("installs system packages in one sorted, de-duplicated apt layer with cleanup", () => {
    const dockerfile = baseImageDockerfile(baseImage({ r: true, systemPackages: ["zip", "git", "r-base", "curl=8.5.0-2"] }));
    expect(dockerfile.match(/apt-get update/g)).toHaveLength(1);
    expect(dockerfile).toMatch(/RUN apt-get update \\\n && apt-get install -y --no-install-recommends \\\n {6}curl=8\.5\.0-2 \\\n {6}git \\\n {6}libcurl4-openssl-dev \\\n {6}libssl-dev \\\n {6}libxml2-dev \\\n {6}r-base \\\n {6}r-base-dev \\\n {6}zip \\\n && rm -rf \/var\/lib\/apt\/lists\/\*\n/);
  });

  it("plans Python versions: the image's own one is used, the others come from uv", () => {
    expect(pythonPlan(baseImage())).toEqual({ versions: ["3.12"], install: [], linkDefault: false });
    expect(pythonPlan(baseImage({ pythonVersions: ["3.12", "3.10"] }))).toEqual({ versions: ["3.12", "3.10"], install: ["3.10"], linkDefault: false });
    expect(pythonPlan(baseImage({ pythonVersions: ["3.11"] }))).toEqual({ versions: ["3.11"], install: ["3.11"], linkDefault: true });
    expect(pythonPlan(baseImage({ pythonVersions: ["3.12.4"] }))).toEqual({ versions: ["3.12.4"], install: ["3.12.4"], linkDefault: true });
    expect(pythonPlan(baseImage({ cuda: { version: "12.4" } }))).toEqual({ versions: ["3.12"], install: ["3.12"], linkDefault: true });
    expect(pythonPlan(baseImage({ fromImage: "python:3.10-slim-bookworm", pythonVersions: ["3.10", "3.11"] }))).toEqual({ versions: ["3.10", "3.11"], install: ["3.11"], linkDefault: false });

    const dockerfile = baseImageDockerfile(baseImage({ pythonVersions: ["3.11", "3.12", "3.10"] }));
    expect(dockerfile).toContain(`COPY --from=${UV_IMAGE} /uv /usr/local/bin/uv`);
    expect(dockerfile).toContain("RUN uv python install 3.11 3.10 \\\n");
    expect(dockerfile).toContain('ln -sf "$(uv python find 3.10)" /usr/local/bin/python3.10');
    expect(dockerfile).toContain("ln -sf python3.11 /usr/local/bin/python3 \\\n && ln -sf python3.11 /usr/local/bin/python\n");
    expect(dockerfile).toContain('berth.dev/python="3.11,3.12,3.10"');
  });

  it("puts the start fragment right after FROM (and the build arguments) and the end fragment before the final USER", () => {
    const dockerfile = baseImageDockerfile(baseImage({ r: true, dockerfileStart: "ENV START=1", dockerfileEnd: "RUN echo end", buildArgs: { PIP_INDEX_URL: "https://pypi.example.com/simple" } }));
    expect(dockerfile).toContain('FROM python:3.12-slim\n\n# Build arguments\nARG PIP_INDEX_URL="https://pypi.example.com/simple"\n\n# dockerfileStart\nENV START=1\n\nUSER root\n');
    expect(indexOf(dockerfile, "RUN echo end")).toBeGreaterThan(indexOf(dockerfile, "LABEL"));
    expect(indexOf(dockerfile, "RUN echo end")).toBeGreaterThan(indexOf(dockerfile, "install.packages"));
    expect(dockerfile.endsWith("# dockerfileEnd\nRUN echo end\n\nUSER 1000:1000\n")).toBe(true);
  });

  it("writes build arguments sorted, with quotes, backslashes and $ escaped", () => {
    const dockerfile = baseImageDockerfile(baseImage({ buildArgs: { Z_LAST: "z", A_FIRST: 'say "hi" to $USER \\o/' } }));
    expect(dockerfile).toContain('ARG A_FIRST="say \\"hi\\" to \\$USER \\\\o/"\nARG Z_LAST="z"\n');
  });

  it("records the inputs in berth.dev labels", () => {
    const spec = baseImage({ name: "gpu", cuda: { version: "12.4" } });
    const dockerfile = baseImageDockerfile(spec);
    for (const label of ['berth.dev/kind="base-image"', 'berth.dev/base-image="gpu"', `berth.dev/inputs-hash="${inputsHash(spec)}"`, 'berth.dev/from="nvidia/cuda:12.4.1-runtime-ubuntu22.04"', 'berth.dev/python="3.12"']) {
      expect(dockerfile).toContain(label);
    }
  });

  it("is deterministic", () => {
    const input: BaseImageInput = { name: "py", registry, r: true, systemPackages: ["git"], buildArgs: { B: "2", A: "1" }, pythonVersions: ["3.11"] };
    expect(baseImageDockerfile(baseImage(input))).toBe(baseImageDockerfile(baseImage(structuredClone(input))));
  });
});

describe("inputs hash", () => {
  const spec = baseImage({ r: true, cuda: { version: "12.4" }, pythonVersions: ["3.11"], systemPackages: ["git", "zip"], buildArgs: { A: "1", B: "2" }, dockerfileStart: "ENV A=1", dockerfileEnd: "RUN true" });

  it("is a sha256 that ignores key order, package order, description and cluster", () => {
    expect(inputsHash(spec)).toMatch(/^[a-f0-9]{64}$/);
    const reordered = baseImageSchema.parse({
      dockerfileEnd: "RUN true",
      buildArgs: { B: "2", A: "1" },
      systemPackages: ["zip", "git"],
      registry: { repository: "ml/base", url: "registry.example.com" },
      pythonVersions: ["3.11"],
      cuda: { version: "12.4" },
      r: true,
      dockerfileStart: "ENV A=1",
      name: "py",
      description: "changed",
      cluster: "other",
    });
    expect(inputsHash(reordered)).toBe(inputsHash(spec));
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });

  it.each<[string, Partial<BaseImageInput>]>([
    ["name", { name: "other" }],
    ["fromImage", { fromImage: "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04" }],
    ["r", { r: false }],
    ["cuda", { cuda: { version: "12.1" } }],
    ["cuda off", { cuda: null }],
    ["pythonVersions", { pythonVersions: ["3.11", "3.10"] }],
    ["systemPackages", { systemPackages: ["git"] }],
    ["dockerfileStart", { dockerfileStart: "ENV A=2" }],
    ["dockerfileEnd", { dockerfileEnd: "RUN false" }],
    ["a build argument value", { buildArgs: { A: "1", B: "3" } }],
    ["registry url", { registry: { ...registry, url: "other.example.com" } }],
    ["repository", { registry: { ...registry, repository: "ml/other" } }],
    ["tag", { tag: "v2" }],
  ])("changes when %s changes", (_field, change) => {
    const changed = baseImageSchema.parse({ ...spec, ...change });
    expect(inputsHash(changed)).not.toBe(inputsHash(spec));
  });

  it("hashes the starting image actually used: naming the default one explicitly changes nothing", () => {
    expect(inputsHash(baseImageSchema.parse({ ...spec, fromImage: "nvidia/cuda:12.4.1-runtime-ubuntu22.04" }))).toBe(inputsHash(spec));
    expect(inputsHash(baseImage({ fromImage: "python:3.12-slim" }))).toBe(inputsHash(baseImage()));
  });

  it("gives the default tag b-<12 hex> and the image reference", () => {
    expect(baseImageTag(spec)).toBe(`b-${inputsHash(spec).slice(0, 12)}`);
    expect(baseImageRef(spec)).toBe(`registry.example.com/ml/base:b-${inputsHash(spec).slice(0, 12)}`);
    expect(baseImageRef(baseImage({ tag: "2026.11" }))).toBe("registry.example.com/ml/base:2026.11");
  });
});

describe("code env Dockerfile", () => {
  it("builds a Python env: FROM base, venv, pip install --no-cache-dir, labels, USER", () => {
    const env = codeEnv({ packages: ["pandas==2.2.3", "scikit-learn>=1.5,<2", "torch ; python_version < '3.13'"] });
    const dockerfile = codeEnvDockerfile(env, BASE_REF);
    expect(dockerfile.split("\n")[1]).toBe(`FROM ${BASE_REF}`);
    expect(dockerfile).toContain("RUN python3 -m venv /opt/berth/code-env\nENV VIRTUAL_ENV=/opt/berth/code-env PATH=/opt/berth/code-env/bin:$PATH\n");
    expect(dockerfile).toContain("RUN pip install --no-cache-dir \\\n      'pandas==2.2.3' \\\n      'scikit-learn>=1.5,<2' \\\n      \"torch ; python_version < '3.13'\"\n");
    expect(codeEnvDockerfile(codeEnv({ packages: [`a ; python_version < "3.13" and os_name == 'posix'`] }), BASE_REF)).toContain(`'a ; python_version < "3.13" and os_name == '\\''posix'\\'''`);
    expect(dockerfile).toContain(`berth.dev/base-image-ref="${BASE_REF}"`);
    expect(dockerfile.endsWith("USER 1000:1000\n")).toBe(true);
  });

  it("uses the Python version asked for", () => {
    expect(codeEnvDockerfile(codeEnv({ pythonVersion: "3.11" }), BASE_REF)).toContain("RUN python3.11 -m venv /opt/berth/code-env");
    expect(codeEnvDockerfile(codeEnv({ pythonVersion: "3.10.14" }), BASE_REF)).toContain("RUN python3.10 -m venv");
  });

  it("installs nothing when the package list is empty", () => {
    expect(codeEnvDockerfile(codeEnv(), BASE_REF)).not.toContain("pip install");
    expect(codeEnvDockerfile(codeEnv({ language: "r" }), BASE_REF)).not.toContain("install.packages");
  });

  it("builds an R env with install.packages and minimum-version checks, without a venv", () => {
    const dockerfile = codeEnvDockerfile(codeEnv({ language: "r", packages: ["data.table", "ggplot2>=3.4.0"] }), BASE_REF);
    expect(dockerfile).not.toContain("venv");
    expect(dockerfile).toContain('pkgs <- c("data.table", "ggplot2");');
    expect(dockerfile).toContain('if (packageVersion("ggplot2") < "3.4.0") stop("ggplot2 ", packageVersion("ggplot2"), " is older than 3.4.0");');
    expect(dockerfile).not.toContain('packageVersion("data.table")');
  });

  it("places the four fragments in order around the packages", () => {
    const dockerfile = codeEnvDockerfile(
      codeEnv({ packages: ["pandas"], dockerfileStart: "ENV AT_START=1", dockerfileBeforePackages: "ENV BEFORE=1", dockerfileAfterPackages: "ENV AFTER=1", dockerfileEnd: "ENV AT_END=1" }),
      BASE_REF,
    );
    const order = ["FROM ", "USER root", "ENV AT_START=1", "-m venv", "ENV BEFORE=1", "pip install", "ENV AFTER=1", "LABEL", "ENV AT_END=1", "USER 1000:1000"].map((text) => indexOf(dockerfile, text));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(dockerfile).toContain("# dockerfileBeforePackages\nENV BEFORE=1");
    expect(codeEnvDockerfile(codeEnv(), BASE_REF)).not.toContain("# dockerfile");
  });

  it("hashes the image inputs and the base image, not buildFor or the description", () => {
    const env = codeEnv({ packages: ["pandas"] });
    const hash = codeEnvInputsHash(env, BASE_REF);
    expect(codeEnvInputsHash(codeEnv({ packages: ["pandas"], description: "x", buildFor: { executionConfigs: "all", sparkConfigs: "none" } }), BASE_REF)).toBe(hash);
    expect(codeEnvInputsHash(env, "registry.example.com/ml/base:b-ffffffffffff")).not.toBe(hash);
    expect(codeEnvInputsHash(codeEnv({ packages: ["pandas==2.2.3"] }), BASE_REF)).not.toBe(hash);
    expect(codeEnvInputsHash(codeEnv({ packages: ["pandas"], dockerfileEnd: "ENV X=1" }), BASE_REF)).not.toBe(hash);
    expect(codeEnvImageRef(env, BASE_REF)).toBe(`registry.example.com/ml/base:ce-env-${hash.slice(0, 12)}`);
    expect(codeEnvDockerfile(env, BASE_REF)).toBe(codeEnvDockerfile(codeEnv({ packages: ["pandas"] }), BASE_REF));
  });

  it("says when a code env cannot be built on a base image", () => {
    expect(codeEnvBaseProblem(codeEnv({ language: "r" }), baseImage({ name: "plain" }))).toBe("Code env env is an R env, but base image plain has no R support");
    expect(codeEnvBaseProblem(codeEnv({ language: "r" }), baseImage({ r: true }))).toBeUndefined();
    expect(codeEnvBaseProblem(codeEnv({ pythonVersion: "3.11" }), baseImage({ pythonVersions: ["3.10", "3.12"] }))).toBe("Code env env needs Python 3.11, but base image py has 3.10, 3.12");
    expect(codeEnvBaseProblem(codeEnv({ pythonVersion: "3.11" }), baseImage({ pythonVersions: ["3.11.9"] }))).toBeUndefined();
    expect(codeEnvBaseProblem(codeEnv({ pythonVersion: "3.12" }), baseImage())).toBeUndefined();
  });
});

/** Representative Dockerfiles, written to __snapshots__/ for reviewers to read. */
describe("Dockerfile snapshots", () => {
  const gpuR = baseImage({
    name: "gpu-r",
    description: "CUDA 12.4 with R",
    r: true,
    cuda: { version: "12.4" },
    pythonVersions: ["3.11", "3.10"],
    systemPackages: ["libgomp1", "git"],
    registry: { url: "registry.example.com", repository: "ml/base" },
  });

  it.each<[string, () => string]>([
    ["base-default", () => baseImageDockerfile(baseImage({ name: "default" }))],
    ["base-cuda-r", () => baseImageDockerfile(gpuR)],
    [
      "base-custom-from-cuda-install",
      () =>
        baseImageDockerfile(
          baseImage({
            name: "ubuntu-cuda",
            fromImage: "ubuntu:22.04",
            cuda: { version: "12.1" },
            systemPackages: ["build-essential"],
            buildArgs: { PIP_INDEX_URL: "https://pypi.example.com/simple", HTTP_PROXY: "http://proxy.example.com:3128" },
            dockerfileStart: `# apt goes through the proxy too\nRUN echo 'Acquire::http::Proxy "http://proxy.example.com:3128";' > /etc/apt/apt.conf.d/01proxy`,
            dockerfileEnd: "ENV TZ=Europe/Paris",
            tag: "2026.11",
          }),
        ),
    ],
    [
      "base-python-versions-fragments",
      () =>
        baseImageDockerfile(
          baseImage({
            name: "multi-python",
            pythonVersions: ["3.12", "3.11", "3.10"],
            systemPackages: ["unixodbc", "libpq5"],
            dockerfileStart: "ENV PIP_DISABLE_PIP_VERSION_CHECK=1",
            dockerfileEnd: "RUN python3.10 --version \\\n && python3.11 --version",
          }),
        ),
    ],
    [
      "code-env-python",
      () =>
        codeEnvDockerfile(
          codeEnv({
            name: "nlp",
            pythonVersion: "3.11",
            packages: ["pandas==2.2.3", "scikit-learn>=1.5,<2", "transformers[torch]~=4.46", "torch>=2.4 ; platform_machine == 'x86_64'"],
            buildFor: { executionConfigs: ["gpu-small"], sparkConfigs: "none" },
            dockerfileStart: "RUN apt-get update && apt-get install -y --no-install-recommends libsndfile1 && rm -rf /var/lib/apt/lists/*",
            dockerfileBeforePackages: "ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu124",
            dockerfileAfterPackages: 'RUN python -c "import torch, transformers"',
            dockerfileEnd: "ENV HF_HOME=/tmp/hf",
          }),
          baseImageRef(gpuR),
        ),
    ],
    ["code-env-r", () => codeEnvDockerfile(codeEnv({ name: "tidy", language: "r", packages: ["data.table", "ggplot2>=3.4.0", "arrow"], dockerfileEnd: "ENV R_LIBS_USER=/tmp/R" }), baseImageRef(gpuR))],
  ])("%s", async (name, generate) => {
    await expect(generate()).toMatchFileSnapshot(`./__snapshots__/${name}.Dockerfile`);
  });
});
