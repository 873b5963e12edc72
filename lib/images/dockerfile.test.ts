import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";

import {
  baseImageDockerfile,
  baseImageRef,
  baseImageTag,
  BERTH_USER,
  canonicalJson,
  distributionPythonVersion,
  inputsHash,
  pythonPlan,
  R_BASE_PACKAGES,
  startingImage,
  UV_IMAGE,
} from "./dockerfile";
import { baseImageSchema, type BaseImageInput } from "./schema";
import { sha256Hex } from "./sha256";

const registry = { url: "registry.example.com", repository: "ml/base" };
const baseImage = (input: Partial<BaseImageInput> = {}) => baseImageSchema.parse({ name: "py", registry, ...input });

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
  it.each(["", "abc", "é ✓ 🚀", "x".repeat(55), "x".repeat(56), "x".repeat(64), "x".repeat(1000)])(
    "matches node:crypto for %j",
    (text) => {
      expect(sha256Hex(text)).toBe(createHash("sha256").update(text).digest("hex"));
    },
  );
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
    expect(startingImage(baseImage({ cuda: { version: "12.4" } }))).toEqual({
      image: "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
      cuda: "in-image",
    });
    expect(startingImage(baseImage({ cuda: { version: "11.8" } })).image).toBe(
      "nvidia/cuda:11.8.0-runtime-ubuntu22.04",
    );
    expect(startingImage(baseImage({ cuda: { version: "12.1" } })).image).toBe(
      "nvidia/cuda:12.1.1-runtime-ubuntu22.04",
    );
    expect(startingImage(baseImage({ cuda: { version: "12.6.2" } })).image).toBe(
      "nvidia/cuda:12.6.2-runtime-ubuntu22.04",
    );
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

    const provided = baseImageDockerfile(
      baseImage({ fromImage: "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04", cuda: { version: "12.4" } }),
    );
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
    const dockerfile = baseImageDockerfile(
      baseImage({ r: true, systemPackages: ["zip", "git", "r-base", "curl=8.5.0-2"] }),
    );
    expect(dockerfile.match(/apt-get update/g)).toHaveLength(1);
    expect(dockerfile).toMatch(
      /RUN apt-get update \\\n && apt-get install -y --no-install-recommends \\\n {6}curl=8\.5\.0-2 \\\n {6}git \\\n {6}libcurl4-openssl-dev \\\n {6}libssl-dev \\\n {6}libxml2-dev \\\n {6}r-base \\\n {6}r-base-dev \\\n {6}zip \\\n && rm -rf \/var\/lib\/apt\/lists\/\*\n/,
    );
  });

  it("plans Python versions: the image's own one is used, the others come from uv", () => {
    expect(pythonPlan(baseImage())).toEqual({
      versions: ["3.12"],
      install: [],
      distribution: null,
      linkDefault: false,
    });
    expect(pythonPlan(baseImage({ pythonVersions: ["3.12", "3.10"] }))).toEqual({
      versions: ["3.12", "3.10"],
      install: ["3.10"],
      distribution: null,
      linkDefault: false,
    });
    expect(pythonPlan(baseImage({ pythonVersions: ["3.11"] }))).toEqual({
      versions: ["3.11"],
      install: ["3.11"],
      distribution: null,
      linkDefault: true,
    });
    expect(pythonPlan(baseImage({ pythonVersions: ["3.12.4"] }))).toEqual({
      versions: ["3.12.4"],
      install: ["3.12.4"],
      distribution: null,
      linkDefault: true,
    });
    expect(pythonPlan(baseImage({ cuda: { version: "12.4" } }))).toEqual({
      versions: ["3.12"],
      install: ["3.12"],
      distribution: null,
      linkDefault: true,
    });
    expect(pythonPlan(baseImage({ fromImage: "python:3.10-slim-bookworm", pythonVersions: ["3.10", "3.11"] }))).toEqual(
      { versions: ["3.10", "3.11"], install: ["3.11"], distribution: null, linkDefault: false },
    );

    const dockerfile = baseImageDockerfile(baseImage({ pythonVersions: ["3.11", "3.12", "3.10"] }));
    expect(dockerfile).toContain(`COPY --from=${UV_IMAGE} /uv /usr/local/bin/uv`);
    expect(dockerfile).toContain("RUN uv python install 3.11 3.10 \\\n");
    expect(dockerfile).toContain('ln -sf "$(uv python find 3.10)" /usr/local/bin/python3.10');
    expect(dockerfile).toContain(
      "ln -sf python3.11 /usr/local/bin/python3 \\\n && ln -sf python3.11 /usr/local/bin/python\n",
    );
    expect(dockerfile).toContain('berth.dev/python="3.11,3.12,3.10"');
  });

  it("installs the Python a Debian or Ubuntu starting image packages with apt, and only the others with uv", () => {
    expect(distributionPythonVersion("debian:bookworm")).toBe("3.11");
    expect(distributionPythonVersion("127.0.0.1:5000/library/debian:bookworm-slim")).toBe("3.11");
    expect(distributionPythonVersion("mirror.example.com/debian:12.5")).toBe("3.11");
    expect(distributionPythonVersion("ubuntu:24.04")).toBe("3.12");
    expect(distributionPythonVersion("ubuntu:jammy-20240808")).toBe("3.10");
    expect(distributionPythonVersion("debian:buster")).toBeNull();
    expect(distributionPythonVersion("debian")).toBeNull();
    expect(distributionPythonVersion("team/debian-tools:bookworm")).toBeNull();
    expect(distributionPythonVersion("python:3.11-bookworm")).toBeNull();

    expect(pythonPlan(baseImage({ fromImage: "debian:bookworm", pythonVersions: ["3.11"] }))).toEqual({
      versions: ["3.11"],
      install: [],
      distribution: "3.11",
      linkDefault: false,
    });
    expect(pythonPlan(baseImage({ fromImage: "debian:bookworm", pythonVersions: ["3.12", "3.11"] }))).toEqual({
      versions: ["3.12", "3.11"],
      install: ["3.12"],
      distribution: "3.11",
      linkDefault: true,
    });
    // The default Python (3.12) is not bookworm's: uv installs it, apt nothing.
    expect(pythonPlan(baseImage({ fromImage: "debian:bookworm" }))).toEqual({
      versions: ["3.12"],
      install: ["3.12"],
      distribution: null,
      linkDefault: true,
    });

    const apt = baseImageDockerfile(baseImage({ fromImage: "debian:bookworm", pythonVersions: ["3.11"] }));
    expect(apt).not.toContain("uv");
    expect(apt).toContain(
      "apt-get install -y --no-install-recommends \\\n      python-is-python3 \\\n      python3 \\\n      python3-venv \\\n",
    );
    const both = baseImageDockerfile(baseImage({ fromImage: "ubuntu:24.04", pythonVersions: ["3.11", "3.12"] }));
    expect(both).toContain("RUN uv python install 3.11 \\\n");
    expect(both).toContain("      python3 \\\n      python3-venv \\\n");
    expect(both).not.toContain("python-is-python3");
  });

  it("puts the start fragment right after FROM (and the build arguments) and the end fragment before the final USER", () => {
    const dockerfile = baseImageDockerfile(
      baseImage({
        r: true,
        dockerfileStart: "ENV START=1",
        dockerfileEnd: "RUN echo end",
        buildArgs: { PIP_INDEX_URL: "https://pypi.example.com/simple" },
      }),
    );
    expect(dockerfile).toContain(
      'FROM python:3.12-slim\n\n# Build arguments\nARG PIP_INDEX_URL="https://pypi.example.com/simple"\n\n# dockerfileStart\nENV START=1\n\nUSER root\n',
    );
    expect(indexOf(dockerfile, "RUN echo end")).toBeGreaterThan(indexOf(dockerfile, "LABEL"));
    expect(indexOf(dockerfile, "RUN echo end")).toBeGreaterThan(indexOf(dockerfile, "install.packages"));
    expect(dockerfile.endsWith("# dockerfileEnd\nRUN echo end\n\nUSER 1000:1000\n")).toBe(true);
  });

  it("writes build arguments sorted, with quotes, backslashes and $ escaped", () => {
    const dockerfile = baseImageDockerfile(
      baseImage({ buildArgs: { Z_LAST: "z", A_FIRST: 'say "hi" to $USER \\o/' } }),
    );
    expect(dockerfile).toContain('ARG A_FIRST="say \\"hi\\" to \\$USER \\\\o/"\nARG Z_LAST="z"\n');
  });

  it("records the inputs in berth.dev labels", () => {
    const spec = baseImage({ name: "gpu", cuda: { version: "12.4" } });
    const dockerfile = baseImageDockerfile(spec);
    for (const label of [
      'berth.dev/kind="base-image"',
      'berth.dev/base-image="gpu"',
      `berth.dev/inputs-hash="${inputsHash(spec)}"`,
      'berth.dev/from="nvidia/cuda:12.4.1-runtime-ubuntu22.04"',
      'berth.dev/python="3.12"',
    ]) {
      expect(dockerfile).toContain(label);
    }
  });

  it("is deterministic", () => {
    const input: BaseImageInput = {
      name: "py",
      registry,
      r: true,
      systemPackages: ["git"],
      buildArgs: { B: "2", A: "1" },
      pythonVersions: ["3.11"],
    };
    expect(baseImageDockerfile(baseImage(input))).toBe(baseImageDockerfile(baseImage(structuredClone(input))));
  });
});

describe("inputs hash", () => {
  const spec = baseImage({
    r: true,
    cuda: { version: "12.4" },
    pythonVersions: ["3.11"],
    systemPackages: ["git", "zip"],
    buildArgs: { A: "1", B: "2" },
    dockerfileStart: "ENV A=1",
    dockerfileEnd: "RUN true",
  });

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
    expect(inputsHash(baseImageSchema.parse({ ...spec, fromImage: "nvidia/cuda:12.4.1-runtime-ubuntu22.04" }))).toBe(
      inputsHash(spec),
    );
    expect(inputsHash(baseImage({ fromImage: "python:3.12-slim" }))).toBe(inputsHash(baseImage()));
  });

  it("gives the default tag b-<12 hex> and the image reference", () => {
    expect(baseImageTag(spec)).toBe(`b-${inputsHash(spec).slice(0, 12)}`);
    expect(baseImageRef(spec)).toBe(`registry.example.com/ml/base:b-${inputsHash(spec).slice(0, 12)}`);
    expect(baseImageRef(baseImage({ tag: "2026.11" }))).toBe("registry.example.com/ml/base:2026.11");
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
            buildArgs: {
              PIP_INDEX_URL: "https://pypi.example.com/simple",
              HTTP_PROXY: "http://proxy.example.com:3128",
            },
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
  ])("%s", async (name, generate) => {
    await expect(generate()).toMatchFileSnapshot(`./__snapshots__/${name}.Dockerfile`);
  });
});
