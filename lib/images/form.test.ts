import { describe, expect, it } from "vitest";

import { baseImageToForm, formToBaseImageInput } from "./form";
import { baseImageSchema } from "./schema";

describe("base image form", () => {
  it("reads checkboxes, lists and build arguments, and round-trips a saved spec", () => {
    const { input, fieldErrors } = formToBaseImageInput({
      name: "gpu-r",
      r: "on",
      cuda: "on",
      "cuda.version": "12.4",
      pythonVersions: "3.11, 3.12",
      systemPackages: "git\ncurl",
      buildArgs: "PIP_INDEX=https://pypi.example\n",
      "registry.url": "registry.example.com",
      "registry.repository": "team/gpu-r",
    });
    expect(fieldErrors).toEqual({});
    const spec = baseImageSchema.parse(input);
    expect(spec).toMatchObject({
      r: true,
      cuda: { version: "12.4" },
      pythonVersions: ["3.11", "3.12"],
      systemPackages: ["git", "curl"],
      buildArgs: { PIP_INDEX: "https://pypi.example" },
      fromImage: null,
      cluster: null,
    });
    expect(baseImageSchema.parse(formToBaseImageInput(baseImageToForm(spec)).input)).toEqual(spec);
  });

  it("reports build argument lines that are not NAME=value", () => {
    expect(formToBaseImageInput({ buildArgs: "OK=1\nbroken" }).fieldErrors).toEqual({
      buildArgs: ["Line 2: write NAME=value"],
    });
  });
});
