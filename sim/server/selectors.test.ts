import { describe, expect, it } from "vitest";

import type { KubeObject } from "../contract";
import { BUILTIN_TYPES } from "./builtin-types";
import { isStatusError } from "./errors";
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from "./selectors";

const podType = BUILTIN_TYPES.find((t) => t.key === "pods")!;
const cmType = BUILTIN_TYPES.find((t) => t.key === "configmaps")!;
const labels = { app: "web", "app.kubernetes.io/tier": "front", empty: "" };
const match = (selector: string) => matchesLabels(parseLabelSelector(selector), labels);

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isStatusError(error) && error.status.code === 400) return error.status.message;
    throw error;
  }
  throw new Error("expected 400");
}

describe("label selectors", () => {
  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (db, web)", true],
    ["app notin (web)", false],
    ["missing notin (web)", true],
    ["app.kubernetes.io/tier", true],
    ["!missing", true],
    ["!app", false],
    ["app=web,app.kubernetes.io/tier in (front),!missing", true],
    ["empty=", true],
    ["", true],
  ])("%s → %s", (selector, expected) => {
    expect(match(selector)).toBe(expected);
  });

  it("treats objects without labels as lacking every key", () => {
    expect(matchesLabels(parseLabelSelector("app"), undefined)).toBe(false);
    expect(matchesLabels(parseLabelSelector("app!=web"), undefined)).toBe(true);
  });

  it("rejects bad syntax with 400", () => {
    expect(badRequest(() => parseLabelSelector("app=(x"))).toMatch(/unable to parse requirement/);
    expect(badRequest(() => parseLabelSelector("-bad-=x"))).toMatch(/unable to parse requirement/);
  });
});

describe("field selectors", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p1", namespace: "ns" },
    spec: { nodeName: "n1" },
    status: { phase: "Running" },
  } as KubeObject;

  it("matches supported fields with =, == and !=", () => {
    expect(
      matchesFields(parseFieldSelector("spec.nodeName=n1,status.phase!=Failed,status.phase!=Succeeded", podType), pod),
    ).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.name==p2", podType), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector("metadata.namespace=ns", cmType), pod)).toBe(true);
  });

  it("rejects unsupported fields with the upstream messages", () => {
    expect(badRequest(() => parseFieldSelector("spec.foo=x", podType))).toBe("field label not supported: spec.foo");
    expect(badRequest(() => parseFieldSelector("data.x=y", cmType))).toBe(
      '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it("unescapes values", () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a,b=c" } } as KubeObject;
    expect(matchesFields(parseFieldSelector("metadata.name=a\\,b\\=c", cmType), cm)).toBe(true);
  });
});
