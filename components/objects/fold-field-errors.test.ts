import { describe, expect, it } from "vitest";

import { foldFieldErrors } from "./fold-field-errors";

describe("foldFieldErrors", () => {
  it("moves nested errors onto the field that edits them, saying where in words", () => {
    expect(
      foldFieldErrors(
        { name: ["Required"], "tolerations.0.effect": ["Bad effect"], "resources.limits.cpu": ["Bad"], spec: ["?"] },
        ["name", "tolerations", "resources.limits"],
      ),
    ).toEqual({
      name: ["Required"],
      tolerations: ["Entry 1, effect: Bad effect"],
      "resources.limits": ["cpu: Bad"],
      _form: ["Spec: ?"],
    });
    expect(foldFieldErrors(undefined, ["name"])).toBeUndefined();
  });

  it("never shows an internal path: list entries are numbered from 1, map keys stay whole", () => {
    const errors = {
      "pythonVersions.1": ['"2.7" is not a Python version'],
      "pythonVersions.2": ["Python 3.99 is not supported"],
      "limitRange.limits.0.type": ["Type must be Container or Pod"],
      "limitRange.limits.1.max.nvidia.com/gpu": ["Not a Kubernetes quantity"],
      "resources.limits.nvidia.com/gpu": ["must equal the request"],
      "usableBy.groups.0": ["No group named x"],
    };
    const folded = foldFieldErrors(errors, ["pythonVersions", "limitRange", "resources.limits"], {
      usableBy: "Usable by",
    });
    expect(folded).toEqual({
      pythonVersions: ['Entry 2: "2.7" is not a Python version', "Entry 3: Python 3.99 is not supported"],
      limitRange: ["Limit 1: Type must be Container or Pod", "Limit 2, max nvidia.com/gpu: Not a Kubernetes quantity"],
      "resources.limits": ["nvidia.com/gpu: must equal the request"],
      _form: ["Usable by, group 1: No group named x"],
    });
    const shown = Object.values(folded!).flat().join("\n");
    for (const path of Object.keys(errors)) expect(shown).not.toContain(path);
  });

  it("shows a message once per field, even when several paths say it", () => {
    expect(foldFieldErrors({ env: ["Bad line", "Bad line"], "env.1": ["Bad line"] }, ["env"])).toEqual({
      env: ["Bad line", "Entry 2: Bad line"],
    });
  });

  it("names a field no form field covers by its name in words (a YAML import's errors)", () => {
    expect(
      foldFieldErrors(
        { yaml: ["Not YAML"], "resources.requests.nvidia.com/gpu": ["Not a quantity"], usableBy: ["Choose"] },
        ["yaml"],
      ),
    ).toEqual({
      yaml: ["Not YAML"],
      _form: ["Resources, requests nvidia.com/gpu: Not a quantity", "Usable by: Choose"],
    });
  });
});
