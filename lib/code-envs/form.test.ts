import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { buildForMode, codeEnvFormErrors, codeEnvFormInput, packagesToLines } from "./form";
import { codeEnvSchema } from "./schema";

const form = (fields: Record<string, unknown>) =>
  codeEnvFormInput({ name: "analytics", language: "python", ...fields });

describe("codeEnvFormInput", () => {
  it("reads package lines like requirements.txt: one per line, comments and blank lines dropped", () => {
    const input = form({ packages: "pandas==2.2.3\r\n\n# plotting\nmatplotlib>=3.8  # pinned later\n" });
    expect(input.packages).toEqual(["pandas==2.2.3", "matplotlib>=3.8"]);
    expect(codeEnvSchema.parse(input).packages).toEqual(["pandas==2.2.3", "matplotlib>=3.8"]);
  });

  it("turns the build-for radios and checkboxes into none, all or names", () => {
    expect(form({}).buildFor).toEqual({ executionConfigs: "none", sparkConfigs: "none" });
    expect(
      form({
        "buildFor.executionConfigsMode": "all",
        "buildFor.sparkConfigsMode": "selected",
        "buildFor.sparkConfigs": ["spark-a", "spark-b"],
      }).buildFor,
    ).toEqual({
      executionConfigs: "all",
      sparkConfigs: ["spark-a", "spark-b"],
    });
    // Names checked under a mode other than "selected" are ignored.
    expect(form({ "buildFor.executionConfigsMode": "none", "buildFor.executionConfigs": ["gpu"] }).buildFor).toEqual({
      executionConfigs: "none",
      sparkConfigs: "none",
    });
  });

  it("keeps an empty Python version as null, and passes the id and version of an edit", () => {
    expect(form({ pythonVersion: "  " }).pythonVersion).toBeNull();
    expect(form({ pythonVersion: "3.11" }).pythonVersion).toBe("3.11");
    expect(form({ codeEnv: "4", version: "2" })).toMatchObject({ codeEnv: "4", version: "2" });
  });
});

describe("codeEnvFormErrors", () => {
  it("puts every bad package line on the packages field, each message quoting its line", () => {
    const parsed = codeEnvSchema.safeParse(form({ packages: "pandas=2.2\nnumpy\n-r other.txt\nNumPy" }));
    expect(parsed.success).toBe(false);
    const errors = codeEnvFormErrors(fieldErrorsFrom(parsed.error!));
    expect(errors).toEqual({
      packages: [
        `"pandas=2.2": use == for an exact version (pandas==2.2)`,
        `"-r other.txt": pip options (-r, --index-url, -e …) are not accepted here; list one requirement per entry`,
        "NumPy is listed twice",
      ],
    });
  });

  it("puts unknown config names on their build-for field, and unknown paths on the form", () => {
    expect(
      codeEnvFormErrors({
        "buildFor.executionConfigs.1": ['No execution config named "gone"'],
        "buildFor.sparkConfigs": ["bad"],
        surprise: ["Unknown field"],
      }),
    ).toEqual({
      "buildFor.executionConfigs": ['No execution config named "gone"'],
      "buildFor.sparkConfigs": ["bad"],
      _form: ["surprise: Unknown field"],
    });
  });

  it("says an R env takes R package names", () => {
    const parsed = codeEnvSchema.safeParse(form({ language: "r", packages: "dplyr\nggplot2==3.4" }));
    expect(codeEnvFormErrors(fieldErrorsFrom(parsed.error!))?.packages).toEqual([
      `"ggplot2==3.4": R packages take only a minimum version (name>=1.2.0); CRAN installs its latest release`,
    ]);
  });
});

describe("showing a saved env in the form", () => {
  it("gives the build-for mode with its names, and packages one per line", () => {
    expect(buildForMode("all")).toEqual({ mode: "all", names: [] });
    expect(buildForMode(["gpu"])).toEqual({ mode: "selected", names: ["gpu"] });
    expect(packagesToLines({ packages: ["a", "b==1"] })).toBe("a\nb==1");
  });
});
