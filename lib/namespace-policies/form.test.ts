import { describe, expect, it } from "vitest";

import { parseQuantityLines, policyFormInput } from "./form";
import { createPolicySchema } from "./schema";

describe("policy form", () => {
  it("reads quota lines and LimitRange YAML into the API body", () => {
    const { input, fieldErrors } = policyFormInput({
      name: "ml-gpu",
      pattern: "ml-*",
      priority: "",
      resourceQuota: "requests.nvidia.com/gpu=8\n# comment\npods: 20\n",
      limitRange: "- type: Container\n  default:\n    cpu: '1'\n",
    });
    expect(fieldErrors).toBeUndefined();
    expect(createPolicySchema.parse(input)).toMatchObject({
      priority: 100,
      resourceQuota: { hard: { "requests.nvidia.com/gpu": "8", pods: "20" } },
      limitRange: { limits: [{ type: "Container", default: { cpu: "1" } }] },
    });
  });

  it("reports unreadable lines and YAML by field", () => {
    expect(parseQuantityLines("pods\npods=1\npods=2").problems).toEqual([
      "Line 1: write resource=quantity, e.g. requests.nvidia.com/gpu=8",
      "Line 3: pods is set twice",
    ]);
    expect(policyFormInput({ pattern: "x", limitRange: "- [" }).fieldErrors?.limitRange?.[0]).toMatch(/Not valid YAML/);
  });

  it("leaves absent templates null", () => {
    expect(policyFormInput({ pattern: "x", resourceQuota: "", limitRange: "" }).input).toMatchObject({
      resourceQuota: null,
      limitRange: null,
    });
  });
});
