import { describe, expect, it } from "vitest";
import { foldFieldErrors } from "./fold-field-errors";

describe("foldFieldErrors", () => {
  it("moves nested errors onto the field that edits them, keeping the path", () => {
    expect(
      foldFieldErrors({ name: ["Required"], "tolerations.0.effect": ["Bad effect"], "resources.limits.cpu": ["Bad"], spec: ["?"] }, ["name", "tolerations", "resources.limits"]),
    ).toEqual({
      name: ["Required"],
      tolerations: ["tolerations.0.effect: Bad effect"],
      "resources.limits": ["resources.limits.cpu: Bad"],
      _form: ["spec: ?"],
    });
    expect(foldFieldErrors(undefined, ["name"])).toBeUndefined();
  });
});
