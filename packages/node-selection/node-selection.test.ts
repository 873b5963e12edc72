import { describe, expect, it } from "vitest";

import {
  matchesNodeSelection,
  matchesRequiredAffinity,
  requirementMatches,
  type NodeSelection,
  type NodeSelectorRequirement,
} from "./index";

const node = { name: "node-a", labels: { "kubernetes.io/hostname": "node-a", zone: "a", size: "4" } };
const required = (
  matchExpressions: NodeSelectorRequirement[],
  matchFields: NodeSelectorRequirement[] = [],
): NodeSelection => ({
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions, matchFields }] },
    },
  },
});

describe("matchesNodeSelection", () => {
  it("needs every nodeSelector label", () => {
    expect(matchesNodeSelection({}, node)).toBe(true);
    expect(matchesNodeSelection({ nodeSelector: { zone: "a" } }, node)).toBe(true);
    expect(matchesNodeSelection({ nodeSelector: { zone: "a", size: "8" } }, node)).toBe(false);
  });

  it("knows every required node affinity operator", () => {
    expect(matchesNodeSelection(required([{ key: "zone", operator: "In", values: ["a", "b"] }]), node)).toBe(true);
    expect(matchesNodeSelection(required([{ key: "zone", operator: "NotIn", values: ["a"] }]), node)).toBe(false);
    expect(matchesNodeSelection(required([{ key: "zone", operator: "Exists" }]), node)).toBe(true);
    expect(matchesNodeSelection(required([{ key: "gpu", operator: "DoesNotExist" }]), node)).toBe(true);
    expect(matchesNodeSelection(required([{ key: "size", operator: "Gt", values: ["2"] }]), node)).toBe(true);
    expect(matchesNodeSelection(required([{ key: "size", operator: "Lt", values: ["2"] }]), node)).toBe(false);
    expect(
      matchesNodeSelection(required([], [{ key: "metadata.name", operator: "In", values: ["node-a"] }]), node),
    ).toBe(true);
    expect(
      matchesNodeSelection(required([], [{ key: "metadata.name", operator: "NotIn", values: ["node-a"] }]), node),
    ).toBe(false);
  });

  it("ORs terms and ANDs the requirements of one term; an empty term matches nothing", () => {
    const terms = (...nodeSelectorTerms: object[]): NodeSelection => ({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
    });
    const zone = (value: string) => ({ key: "zone", operator: "In", values: [value] });
    expect(
      matchesRequiredAffinity(terms({ matchExpressions: [zone("b")] }, { matchExpressions: [zone("a")] }), node),
    ).toBe(true);
    expect(
      matchesRequiredAffinity(
        terms({ matchExpressions: [zone("a"), { key: "size", operator: "Gt", values: ["4"] }] }),
        node,
      ),
    ).toBe(false);
    expect(matchesRequiredAffinity(terms({}), node)).toBe(false);
    expect(matchesRequiredAffinity({ affinity: {} }, node)).toBe(true);
  });

  it("compares Gt and Lt as integers and refuses what is not one value or not a number", () => {
    expect(requirementMatches({ key: "size", operator: "Gt", values: ["10"] }, "9")).toBe(false);
    expect(requirementMatches({ key: "size", operator: "Lt", values: ["10"] }, "9")).toBe(true);
    expect(requirementMatches({ key: "size", operator: "Gt", values: ["1", "2"] }, "9")).toBe(false);
    expect(requirementMatches({ key: "size", operator: "Gt", values: ["1"] }, "large")).toBe(false);
    expect(requirementMatches({ key: "size", operator: "Gt", values: ["1"] }, undefined)).toBe(false);
    expect(requirementMatches({ key: "size", operator: "Between", values: ["1"] }, "2")).toBe(false);
  });
});
