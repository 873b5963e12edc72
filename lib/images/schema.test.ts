import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { imageReferenceProblem, nvidiaCudaImageVersion, officialPythonImageVersion } from "./reference";
import { baseImageSchema, dockerfileFragmentProblems } from "./schema";

const registry = { url: "registry.example.com", repository: "ml/base" };
const base = { name: "py", registry };

function baseErrors(input: Record<string, unknown>) {
  const parsed = baseImageSchema.safeParse({ ...base, ...input });
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
}

describe("base image schema", () => {
  it("fills in defaults for the smallest valid body", () => {
    expect(baseImageSchema.parse(base)).toEqual({
      name: "py",
      description: "",
      fromImage: null,
      r: false,
      cuda: null,
      pythonVersions: [],
      systemPackages: [],
      dockerfileStart: "",
      dockerfileEnd: "",
      buildArgs: {},
      registry,
      tag: null,
      cluster: null,
    });
  });

  it("accepts a full body and normalises it", () => {
    const parsed = baseImageSchema.parse({
      ...base,
      description: "GPU with R",
      fromImage: " nvidia/cuda:12.4.1-runtime-ubuntu22.04 ",
      r: true,
      cuda: { version: "12.4" },
      pythonVersions: ["3.11", "3.10.14"],
      systemPackages: ["git", "libgomp1", "curl=8.5.0-2ubuntu10"],
      dockerfileStart: "ENV A=1\r\nRUN echo a \\\r\n  && echo b\r\n",
      dockerfileEnd: "# a comment\nUSER root",
      buildArgs: { PIP_INDEX_URL: "https://pypi.example.com/simple", RETRIES: 3 },
      registry: { url: "https://Registry.Example.com:5000/", repository: "team/images" },
      tag: "v1.0",
      cluster: "",
    });
    expect(parsed).toMatchObject({
      fromImage: "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
      dockerfileStart: "ENV A=1\nRUN echo a \\\n  && echo b",
      buildArgs: { RETRIES: "3" },
      registry: { url: "Registry.Example.com:5000", repository: "team/images" },
      cluster: null,
    });
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["a missing name", { name: undefined }, "name", /Name is required/],
    ["an upper-case name", { name: "GPU" }, "name", /lowercase letters/],
    ["a name with a dot", { name: "gpu.r" }, "name", /lowercase letters, digits and '-'/],
    [
      "a starting image with a space",
      { fromImage: "python 3.12" },
      "fromImage",
      /Starting image must not contain spaces/,
    ],
    ["a starting image in capitals", { fromImage: "Python:3.12" }, "fromImage", /lowercase before the tag/],
    ["a starting image with a bad tag", { fromImage: "python:-slim" }, "fromImage", /invalid tag "-slim"/],
    ["a starting image with a bad digest", { fromImage: "python@sha256:abc" }, "fromImage", /invalid digest/],
    [
      "a starting image with a double slash",
      { fromImage: "registry.io//python" },
      "fromImage",
      /image reference such as/,
    ],
    ["r as text", { r: "yes" }, "r", /true or false/],
    ["cuda as a string", { cuda: "12.4" }, "cuda", /cuda must be/],
    ["a CUDA version with text", { cuda: { version: "twelve" } }, "cuda.version", /major.minor/],
    ["a CUDA major only", { cuda: { version: "12" } }, "cuda.version", /major.minor/],
    ["a CUDA version too old", { cuda: { version: "10.2" } }, "cuda.version", /11.8 or later/],
    [
      "an unknown CUDA minor without a starting image",
      { cuda: { version: "12.7" } },
      "cuda.version",
      /No nvidia\/cuda image is known for CUDA 12.7/,
    ],
    [
      "a CUDA version the starting image does not have",
      { fromImage: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", cuda: { version: "12.1" } },
      "cuda.version",
      /provides CUDA 12.4.1, not 12.1/,
    ],
    ["an unknown field in cuda", { cuda: { version: "12.4", cudnn: "9" } }, "cuda.cudnn", /Unknown field/],
    ["pythonVersions as text", { pythonVersions: "3.11" }, "pythonVersions", /must be a list/],
    ["Python 2", { pythonVersions: ["2.7"] }, "pythonVersions.0", /not a Python version/],
    ["Python 3.6", { pythonVersions: ["3.11", "3.6"] }, "pythonVersions.1", /3.6 is not supported: use 3.9 to 3.15/],
    ["a Python version with text", { pythonVersions: ["3.11-slim"] }, "pythonVersions.0", /not a Python version/],
    ["a Python version twice", { pythonVersions: ["3.11", "3.11.9"] }, "pythonVersions.1", /listed twice/],
    ["an empty Python version", { pythonVersions: [""] }, "pythonVersions.0", /must not be empty/],
    [
      "a system package with capitals",
      { systemPackages: ["git", "LibGomp1"] },
      "systemPackages.1",
      /not a Debian package name/,
    ],
    [
      "a system package with a space",
      { systemPackages: ["git curl"] },
      "systemPackages.0",
      /not a Debian package name/,
    ],
    [
      "a system package option",
      { systemPackages: ["--no-install-recommends"] },
      "systemPackages.0",
      /not a Debian package name/,
    ],
    ["a shell injection in a package", { systemPackages: ["git;rm"] }, "systemPackages.0", /not a Debian package name/],
    [
      "a system package twice",
      { systemPackages: ["git", "git=1:2.39"] },
      "systemPackages.1",
      /git=1:2.39 is listed twice/,
    ],
    [
      "FROM in the start fragment",
      { dockerfileStart: "RUN echo hi\nFROM ubuntu:22.04" },
      "dockerfileStart",
      /Line 2: FROM is not allowed in a fragment: Berth writes the FROM line; set the starting image \(fromImage\) instead/,
    ],
    [
      "lower-case from in the end fragment",
      { dockerfileEnd: "from ubuntu" },
      "dockerfileEnd",
      /Line 1: FROM is not allowed/,
    ],
    [
      "an unknown instruction",
      { dockerfileEnd: "RUNN apt-get update" },
      "dockerfileEnd",
      /"RUNN" is not a Dockerfile instruction/,
    ],
    ["a heredoc", { dockerfileEnd: "RUN <<EOF\necho hi\nEOF" }, "dockerfileEnd", /heredocs/],
    ["a trailing continuation", { dockerfileStart: "RUN echo a \\" }, "dockerfileStart", /last line ends with '\\'/],
    ["a fragment that is not text", { dockerfileStart: ["RUN x"] }, "dockerfileStart", /must be text/],
    [
      "a build argument name with a dash",
      { buildArgs: { "PIP-INDEX": "x" } },
      "buildArgs.PIP-INDEX",
      /not a build argument name/,
    ],
    [
      "a build argument name starting with a digit",
      { buildArgs: { "1X": "x" } },
      "buildArgs.1X",
      /not starting with a digit/,
    ],
    ["a multi-line build argument", { buildArgs: { X: "a\nb" } }, "buildArgs.X", /single line/],
    ["a nested build argument", { buildArgs: { X: { y: 1 } } }, "buildArgs.X", /must be text/],
    ["build arguments as a list", { buildArgs: ["X=1"] }, "buildArgs", /NAME → value/],
    ["a missing registry", { registry: undefined }, "registry", /registry is required/],
    [
      "a registry without a repository",
      { registry: { url: "registry.example.com" } },
      "registry.repository",
      /Repository is required/,
    ],
    [
      "a repository in capitals",
      { registry: { ...registry, repository: "ML/Base" } },
      "registry.repository",
      /lowercase path parts/,
    ],
    [
      "a registry URL with a space",
      { registry: { ...registry, url: "my registry" } },
      "registry.url",
      /host with an optional port/,
    ],
    ["an empty registry URL", { registry: { ...registry, url: "" } }, "registry.url", /Registry URL is required/],
    ["an unknown registry field", { registry: { ...registry, password: "x" } }, "registry.password", /Unknown field/],
    ["a tag with a colon", { tag: "v1:2" }, "tag", /Tag must use letters/],
    ["a tag starting with a dot", { tag: ".v1" }, "tag", /Tag must use letters/],
    ["a tag too long", { tag: "a".repeat(129) }, "tag", /at most 128/],
    ["a description too long", { description: "x".repeat(1001) }, "description", /at most 1000/],
    ["an unknown field", { dockerfile: "FROM x" }, "dockerfile", /Unknown field/],
  ];
  it.each(bad)("refuses %s on the right field", (_label, input, field, message) => {
    const errors = baseErrors(input);
    expect(errors[field]?.join(" "), JSON.stringify(errors)).toMatch(message);
  });

  it("reports every problem at once, each on its own field", () => {
    const errors = baseErrors({
      name: "Bad Name",
      pythonVersions: ["2.7"],
      systemPackages: ["A"],
      dockerfileEnd: "FROM x",
      tag: "-",
      color: "red",
    });
    expect(Object.keys(errors).sort()).toEqual([
      "color",
      "dockerfileEnd",
      "name",
      "pythonVersions.0",
      "systemPackages.0",
      "tag",
    ]);
  });

  it("checks across fields while reporting the other problems too", () => {
    const errors = baseErrors({
      name: "Bad",
      fromImage: "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
      cuda: { version: "12.1" },
    });
    expect(Object.keys(errors).sort()).toEqual(["cuda.version", "name"]);
  });

  it("accepts CUDA from a custom image that provides it, and a full version for the derived image", () => {
    expect(baseErrors({ fromImage: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", cuda: { version: "12.4" } })).toEqual({});
    expect(baseErrors({ fromImage: "nvidia/cuda:12.4.1-runtime-ubuntu22.04", cuda: { version: "12.4.1" } })).toEqual(
      {},
    );
    expect(baseErrors({ fromImage: "ubuntu:22.04", cuda: { version: "12.7" } })).toEqual({});
    expect(baseErrors({ cuda: { version: "12.6.2" } })).toEqual({});
    expect(baseErrors({ cuda: null })).toEqual({});
  });
});

describe("image references", () => {
  it.each([
    "python:3.12-slim",
    "python",
    "library/python:3.12",
    "registry.example.com:5000/team/app:1.0",
    "localhost/app",
    "nvcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04",
    `app@sha256:${"a".repeat(64)}`,
    "ghcr.io/a__b/c-d.e:Tag_1",
  ])("accepts %s", (reference) => {
    expect(imageReferenceProblem(reference)).toBeUndefined();
  });

  it.each([
    "",
    "Python",
    "python:",
    "-app",
    "app/",
    "a..b",
    "registry.example.com:abc/app",
    `app@sha256:${"a".repeat(10)}`,
  ])("refuses %j", (reference) => {
    expect(imageReferenceProblem(reference)).toBeDefined();
  });

  it("reads the CUDA and Python versions official images provide", () => {
    expect(nvidiaCudaImageVersion("nvidia/cuda:12.4.1-runtime-ubuntu22.04")).toBe("12.4.1");
    expect(nvidiaCudaImageVersion("docker.io/nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04")).toBe("11.8.0");
    expect(nvidiaCudaImageVersion("myorg/cuda:12.4.1-runtime")).toBeNull();
    expect(officialPythonImageVersion("python:3.12-slim")).toBe("3.12");
    expect(officialPythonImageVersion("python:3.11.9-slim-bookworm")).toBe("3.11");
    expect(officialPythonImageVersion("python:3.10")).toBe("3.10");
    expect(officialPythonImageVersion("python:slim")).toBeNull();
    expect(officialPythonImageVersion("registry.example.com/python:3.12")).toBeNull();
  });
});

describe("Dockerfile fragments", () => {
  it("reads continuations and comments without false alarms", () => {
    expect(
      dockerfileFragmentProblems(
        "# FROM in a comment\nRUN apt-get update \\\n  && echo from here \\\n  FROM-looking text\n\nenv A=1",
        "hint",
      ),
    ).toEqual([]);
  });

  it("names every faulty line", () => {
    expect(dockerfileFragmentProblems("FROM a\nCOPY x y\nfoo bar", "hint")).toEqual([
      "Line 1: FROM is not allowed in a fragment: hint",
      'Line 3: "foo" is not a Dockerfile instruction (RUN, ENV, COPY, USER, …)',
    ]);
  });
});
