import { describe, expect, it } from "vitest";

import { baseImageRef } from "@/lib/images/dockerfile";
import { baseImageSchema, type BaseImageInput } from "@/lib/images/schema";

import { codeEnvBaseProblem, codeEnvDockerfile, codeEnvImageRef, codeEnvInputsHash } from "./dockerfile";
import { codeEnvSchema, type CodeEnvInput } from "./schema";

const registry = { url: "registry.example.com", repository: "ml/base" };
const baseImage = (input: Partial<BaseImageInput> = {}) => baseImageSchema.parse({ name: "py", registry, ...input });
const codeEnv = (input: Partial<CodeEnvInput> = {}) =>
  codeEnvSchema.parse({ name: "env", language: "python", ...input });
const BASE_REF = "registry.example.com/ml/base:b-0123456789ab";

const indexOf = (dockerfile: string, text: string) => {
  const index = dockerfile.indexOf(text);
  expect(index, `${text} not found`).toBeGreaterThanOrEqual(0);
  return index;
};

describe("code env Dockerfile", () => {
  it("builds a Python env: FROM base, venv, pip install --no-cache-dir, labels, USER", () => {
    const env = codeEnv({ packages: ["pandas==2.2.3", "scikit-learn>=1.5,<2", "torch ; python_version < '3.13'"] });
    const dockerfile = codeEnvDockerfile(env, BASE_REF);
    expect(dockerfile.split("\n")[1]).toBe(`FROM ${BASE_REF}`);
    expect(dockerfile).toContain(
      "RUN python3 -m venv /opt/berth/code-env\nENV VIRTUAL_ENV=/opt/berth/code-env PATH=/opt/berth/code-env/bin:$PATH\n",
    );
    expect(dockerfile).toContain(
      "RUN pip install --no-cache-dir \\\n      'pandas==2.2.3' \\\n      'scikit-learn>=1.5,<2' \\\n      \"torch ; python_version < '3.13'\"\n",
    );
    expect(
      codeEnvDockerfile(codeEnv({ packages: [`a ; python_version < "3.13" and os_name == 'posix'`] }), BASE_REF),
    ).toContain(`'a ; python_version < "3.13" and os_name == '\\''posix'\\'''`);
    expect(dockerfile).toContain(`berth.dev/base-image-ref="${BASE_REF}"`);
    expect(dockerfile.endsWith("USER 1000:1000\n")).toBe(true);
  });

  it("uses the Python version asked for", () => {
    expect(codeEnvDockerfile(codeEnv({ pythonVersion: "3.11" }), BASE_REF)).toContain(
      "RUN python3.11 -m venv /opt/berth/code-env",
    );
    expect(codeEnvDockerfile(codeEnv({ pythonVersion: "3.10.14" }), BASE_REF)).toContain("RUN python3.10 -m venv");
  });

  it("installs nothing when the package list is empty", () => {
    expect(codeEnvDockerfile(codeEnv(), BASE_REF)).not.toContain("pip install");
    expect(codeEnvDockerfile(codeEnv({ language: "r" }), BASE_REF)).not.toContain("install.packages");
  });

  it("builds an R env with install.packages and minimum-version checks, without a venv", () => {
    const dockerfile = codeEnvDockerfile(
      codeEnv({ language: "r", packages: ["data.table", "ggplot2>=3.4.0"] }),
      BASE_REF,
    );
    expect(dockerfile).not.toContain("venv");
    expect(dockerfile).toContain('pkgs <- c("data.table", "ggplot2");');
    expect(dockerfile).toContain(
      'if (packageVersion("ggplot2") < "3.4.0") stop("ggplot2 ", packageVersion("ggplot2"), " is older than 3.4.0");',
    );
    expect(dockerfile).not.toContain('packageVersion("data.table")');
  });

  it("places the four fragments in order around the packages", () => {
    const dockerfile = codeEnvDockerfile(
      codeEnv({
        packages: ["pandas"],
        dockerfileStart: "ENV AT_START=1",
        dockerfileBeforePackages: "ENV BEFORE=1",
        dockerfileAfterPackages: "ENV AFTER=1",
        dockerfileEnd: "ENV AT_END=1",
      }),
      BASE_REF,
    );
    const order = [
      "FROM ",
      "USER root",
      "ENV AT_START=1",
      "-m venv",
      "ENV BEFORE=1",
      "pip install",
      "ENV AFTER=1",
      "LABEL",
      "ENV AT_END=1",
      "USER 1000:1000",
    ].map((text) => indexOf(dockerfile, text));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(dockerfile).toContain("# dockerfileBeforePackages\nENV BEFORE=1");
    expect(codeEnvDockerfile(codeEnv(), BASE_REF)).not.toContain("# dockerfile");
  });

  it("hashes the image inputs and the base image, not buildFor or the description", () => {
    const env = codeEnv({ packages: ["pandas"] });
    const hash = codeEnvInputsHash(env, BASE_REF);
    expect(
      codeEnvInputsHash(
        codeEnv({
          packages: ["pandas"],
          description: "x",
          buildFor: { executionConfigs: "all", sparkConfigs: "none" },
        }),
        BASE_REF,
      ),
    ).toBe(hash);
    expect(codeEnvInputsHash(env, "registry.example.com/ml/base:b-ffffffffffff")).not.toBe(hash);
    expect(codeEnvInputsHash(codeEnv({ packages: ["pandas==2.2.3"] }), BASE_REF)).not.toBe(hash);
    expect(codeEnvInputsHash(codeEnv({ packages: ["pandas"], dockerfileEnd: "ENV X=1" }), BASE_REF)).not.toBe(hash);
    expect(codeEnvImageRef(env, BASE_REF)).toBe(`registry.example.com/ml/base:ce-env-${hash.slice(0, 12)}`);
    expect(codeEnvDockerfile(env, BASE_REF)).toBe(codeEnvDockerfile(codeEnv({ packages: ["pandas"] }), BASE_REF));
  });

  it("says when a code env cannot be built on a base image", () => {
    expect(codeEnvBaseProblem(codeEnv({ language: "r" }), baseImage({ name: "plain" }))).toBe(
      "Code env env is an R env, but base image plain has no R support",
    );
    expect(codeEnvBaseProblem(codeEnv({ language: "r" }), baseImage({ r: true }))).toBeUndefined();
    expect(
      codeEnvBaseProblem(codeEnv({ pythonVersion: "3.11" }), baseImage({ pythonVersions: ["3.10", "3.12"] })),
    ).toBe("Code env env needs Python 3.11, but base image py has 3.10, 3.12");
    expect(
      codeEnvBaseProblem(codeEnv({ pythonVersion: "3.11" }), baseImage({ pythonVersions: ["3.11.9"] })),
    ).toBeUndefined();
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
    [
      "code-env-python",
      () =>
        codeEnvDockerfile(
          codeEnv({
            name: "nlp",
            pythonVersion: "3.11",
            packages: [
              "pandas==2.2.3",
              "scikit-learn>=1.5,<2",
              "transformers[torch]~=4.46",
              "torch>=2.4 ; platform_machine == 'x86_64'",
            ],
            buildFor: { executionConfigs: ["gpu-small"], sparkConfigs: "none" },
            dockerfileStart:
              "RUN apt-get update && apt-get install -y --no-install-recommends libsndfile1 && rm -rf /var/lib/apt/lists/*",
            dockerfileBeforePackages: "ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu124",
            dockerfileAfterPackages: 'RUN python -c "import torch, transformers"',
            dockerfileEnd: "ENV HF_HOME=/tmp/hf",
          }),
          baseImageRef(gpuR),
        ),
    ],
    [
      "code-env-r",
      () =>
        codeEnvDockerfile(
          codeEnv({
            name: "tidy",
            language: "r",
            packages: ["data.table", "ggplot2>=3.4.0", "arrow"],
            dockerfileEnd: "ENV R_LIBS_USER=/tmp/R",
          }),
          baseImageRef(gpuR),
        ),
    ],
  ])("%s", async (name, generate) => {
    await expect(generate()).toMatchFileSnapshot(`./__snapshots__/${name}.Dockerfile`);
  });
});
