import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { parsePackageLines, pythonRequirementProblem, rPackageProblem } from "./packages";
import { codeEnvSchema } from "./schema";

function codeEnvErrors(input: Record<string, unknown>) {
  const parsed = codeEnvSchema.safeParse({ name: "env", language: "python", ...input });
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
}

describe("code env schema", () => {
  it("fills in defaults", () => {
    expect(codeEnvSchema.parse({ name: "env", language: "r" })).toEqual({
      name: "env",
      description: "",
      language: "r",
      packages: [],
      pythonVersion: null,
      buildFor: { executionConfigs: "none", sparkConfigs: "none" },
      dockerfileStart: "",
      dockerfileBeforePackages: "",
      dockerfileAfterPackages: "",
      dockerfileEnd: "",
    });
  });

  it("accepts pip requirement specifiers", () => {
    const packages = [
      "pandas",
      "pandas-profiling==3.6.6",
      "scikit_learn>=1.5,<2",
      "requests[socks,security]~=2.31",
      "numpy == 1.26.*",
      "torch>=2.1 ; python_version < '3.13' and platform_machine == \"x86_64\"",
      "Django (>=4.2, <5)",
      "mylib @ https://example.com/mylib-1.0-py3-none-any.whl",
      "pkg @ git+https://github.com/org/pkg.git@v1.2",
      "tensorflow==2.16.1rc0",
      "black==24.1.0.post1",
      "weird===1.0-custom",
    ];
    expect(codeEnvErrors({ packages })).toEqual({});
  });

  it.each([
    ["-r requirements.txt", /pip options/],
    ["--index-url https://x", /pip options/],
    ["./local/pkg", /local paths/],
    ["/abs/pkg.whl", /local paths/],
    ["pandas=2.0", /^"pandas=2.0": use == for an exact version \(pandas==2.0\)$/],
    ["pandas==two", /"two" is not a valid version/],
    ["pandas>=1.x", /not a valid version/],
    ["pandas~=1", /~= needs at least two version parts/],
    ["pandas>=1.*", /wildcard works only with == and !=/],
    ["pandas[excel", /version specifier/],
    ["pandas[ex cel]", /extras must be names/],
    ["_pandas", /does not start with a package name/],
    ["pandas; ", /environment marker/],
    ["pandas ; python_version < '3.11", /environment marker/],
    ["pkg @ ftp://example.com/x", /https:\/\//],
    ["pandas==1.0 && rm -rf /", /not a valid version|version specifier/],
    ["pandas==$(id)", /must not contain/],
    ["pandas 1.0", /version specifier/],
  ])("refuses the pip requirement %j", (requirement, message) => {
    expect(pythonRequirementProblem(requirement)).toMatch(message);
    expect(codeEnvErrors({ packages: ["numpy", requirement] })["packages.1"]?.join(" ")).toMatch(message);
  });

  it("accepts R packages with an optional minimum version", () => {
    expect(
      codeEnvErrors({ language: "r", packages: ["dplyr", "data.table", "ggplot2>=3.4.0", "RJSONIO >= 1.3-1.9"] }),
    ).toEqual({});
  });

  it.each([
    ["ggplot2==3.4.0", /only a minimum version/],
    ["ggplot2<4", /only a minimum version/],
    ["2fast", /not an R package name/],
    ["my_pkg", /not an R package name/],
    ["dplyr.", /not an R package name/],
    ["dplyr>=one", /minimum version must be numbers/],
  ])("refuses the R package %j", (entry, message) => {
    expect(rPackageProblem(entry)).toMatch(message);
    expect(codeEnvErrors({ language: "r", packages: [entry] })["packages.0"]?.join(" ")).toMatch(message);
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["a missing language", { language: undefined }, "language", /"python" or "r"/],
    ["an unknown language", { language: "julia" }, "language", /"python" or "r"/],
    ["packages as text", { packages: "pandas\nnumpy" }, "packages", /must be a list/],
    ["an empty package", { packages: ["pandas", " "] }, "packages.1", /must not be empty/],
    [
      "a Python package twice (PEP 503 names)",
      { packages: ["scikit-learn", "Scikit_Learn>=1"] },
      "packages.1",
      /Scikit_Learn is listed twice/,
    ],
    ["an R package twice", { language: "r", packages: ["dplyr", "dplyr>=1.1"] }, "packages.1", /dplyr is listed twice/],
    ["an R package list given to a Python env", { packages: ["ggplot2>=3.4.0 (R)"] }, "packages.0", /version/],
    [
      "a Python version for an R env",
      { language: "r", pythonVersion: "3.11" },
      "pythonVersion",
      /only to Python code envs/,
    ],
    ["an unsupported Python version", { pythonVersion: "3.7" }, "pythonVersion", /not supported/],
    ["buildFor as text", { buildFor: "all" }, "buildFor", /buildFor must be/],
    [
      "an unknown buildFor target",
      { buildFor: { executionConfigs: "some" } },
      "buildFor.executionConfigs",
      /"all", "none" or a list/,
    ],
    [
      "an empty config list",
      { buildFor: { executionConfigs: [] } },
      "buildFor.executionConfigs",
      /choose at least one config/,
    ],
    [
      "a bad config name",
      { buildFor: { sparkConfigs: ["Spark Big"] } },
      "buildFor.sparkConfigs.0",
      /not a config name/,
    ],
    [
      "a config twice",
      { buildFor: { executionConfigs: ["gpu", "gpu"] } },
      "buildFor.executionConfigs.1",
      /gpu is listed twice/,
    ],
    ["an unknown buildFor field", { buildFor: { notebooks: "all" } }, "buildFor.notebooks", /Unknown field/],
    ["FROM before packages", { dockerfileBeforePackages: "FROM x" }, "dockerfileBeforePackages", /FROM is not allowed/],
    [
      "an unknown instruction at the end",
      { dockerfileEnd: "apt-get install x" },
      "dockerfileEnd",
      /"apt-get" is not a Dockerfile instruction/,
    ],
    ["a bad name", { name: "my_env" }, "name", /lowercase letters/],
    ["an unknown field", { requirements: "pandas" }, "requirements", /Unknown field/],
  ];
  it.each(bad)("refuses %s on the right field", (_label, input, field, message) => {
    const errors = codeEnvErrors(input);
    expect(errors[field]?.join(" "), JSON.stringify(errors)).toMatch(message);
  });

  it("accepts buildFor lists of config names", () => {
    expect(
      codeEnvSchema.parse({
        name: "env",
        language: "python",
        buildFor: { executionConfigs: ["gpu-small", "cpu"], sparkConfigs: "all" },
      }).buildFor,
    ).toEqual({ executionConfigs: ["gpu-small", "cpu"], sparkConfigs: "all" });
  });

  it("reads requirements.txt-style text for the form", () => {
    expect(parsePackageLines("# data\npandas==2.2.3  # pinned\n\n  numpy\r\nurl @ https://x/y#egg=z\n")).toEqual([
      "pandas==2.2.3",
      "numpy",
      "url @ https://x/y#egg=z",
    ]);
  });
});

describe("code env fields", () => {
  it("reports every problem at once, each on its own field", () => {
    expect(codeEnvErrors({ name: "Bad", packages: ["ok", "pandas=1"] })).toEqual({
      name: ["Name must use lowercase letters, digits and '-', starting and ending with a letter or digit"],
      "packages.1": ['"pandas=1": use == for an exact version (pandas==1)'],
    });
  });

  it("says why FROM is refused in a code env", () => {
    expect(codeEnvErrors({ dockerfileAfterPackages: "FROM python" }).dockerfileAfterPackages).toEqual([
      "Line 1: FROM is not allowed in a fragment: a code env image is always built FROM its base image",
    ]);
  });
});
