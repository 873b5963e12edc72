import { describe, expect, it } from "vitest";

import type { KubeObject } from "../contract";
import { BUILTIN_TYPES } from "./builtin-types";
import { isStatusError } from "./errors";
import { checkUnknownFields } from "./field-validation";

const type = (key: string) => BUILTIN_TYPES.find((t) => t.key === key)!;
const typoPod = (): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", labelz: { a: "b" } } as KubeObject["metadata"],
  spec: {
    containers: [
      { name: "c", image: "i", imagez: "x", env: [{ name: "A", valu: "1" }], securityContext: { anything: true } },
    ],
    constructor: 1,
  },
  status: { whatever: 1 },
});

describe("unknown fields", () => {
  it("drops them and reports their paths as warnings", () => {
    const pod = typoPod();
    expect(checkUnknownFields(type("pods"), pod, "Warn")).toEqual([
      'unknown field "metadata.labelz"',
      'unknown field "spec.containers[0].imagez"',
      'unknown field "spec.containers[0].env[0].valu"',
      'unknown field "spec.constructor"',
    ]);
    expect(pod.spec.containers[0]).toEqual({
      name: "c",
      image: "i",
      env: [{ name: "A" }],
      securityContext: { anything: true },
    });
    expect(pod.status).toEqual({ whatever: 1 });
  });

  it("refuses them in Strict mode with the decoder's message, and stays quiet with Ignore", () => {
    try {
      checkUnknownFields(
        type("jobs.batch"),
        { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { completionz: 1 } },
        "Strict",
      );
      throw new Error("expected a failure");
    } catch (error) {
      expect(isStatusError(error) && error.status).toMatchObject({
        code: 400,
        reason: "BadRequest",
        message:
          'Job in version "batch/v1" cannot be handled as a Job: strict decoding error: unknown field "spec.completionz"',
      });
    }
    const cm: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { a: "1" },
      extra: true,
    };
    expect(checkUnknownFields(type("configmaps"), cm, "Ignore")).toEqual([]);
    expect(cm.extra).toBeUndefined();
  });

  it("leaves kinds without a schema alone", () => {
    const crd: KubeObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "x" },
      spec: { anything: 1 },
    };
    expect(checkUnknownFields(type("customresourcedefinitions.apiextensions.k8s.io"), crd, "Strict")).toEqual([]);
  });
});
