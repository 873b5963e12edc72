import { describe, expect, it } from "vitest";

import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import { fieldErrorsFrom } from "@/lib/validation";

import { executionConfigToForm, FORM_FIELDS, formToExecutionConfigInput, parseTolerationLine } from "./form";
import { createExecutionConfigSchema } from "./schema";

const form = {
  name: "gpu",
  description: "",
  image: "python:3.12",
  namespace: "berth-${user}",
  createNamespace: "on",
  "resources.requests.cpu": "1",
  "resources.limits.cpu": "2",
  "resources.requests.memory": "1Gi",
  "resources.limits.memory": "",
  "resources.requests": "nvidia.com/gpu=1",
  "resources.limits": "nvidia.com/gpu=1",
  nodeSelector: "nvidia.com/gpu.present=true",
  tolerations: "nvidia.com/gpu:NoSchedule\nspot=yes:NoExecute for 60s\n*",
  affinity: "",
  env: "MODE=fast\nEMPTY",
  usableBy: "groups",
  "usableBy.groups": ["ml"],
};

describe("the execution config form", () => {
  it("turns text fields into the API's input and back", () => {
    const { input, fieldErrors } = formToExecutionConfigInput(form);
    expect(fieldErrors).toEqual({});
    const parsed = createExecutionConfigSchema.parse(input);
    expect(parsed).toMatchObject({
      createNamespace: true,
      resources: {
        requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" },
        limits: { cpu: "2", "nvidia.com/gpu": "1" },
      },
      tolerations: [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "spot", operator: "Equal", value: "yes", effect: "NoExecute", tolerationSeconds: 60 },
        { key: "", operator: "Exists", effect: "" },
      ],
      env: [
        { name: "MODE", value: "fast" },
        { name: "EMPTY", value: "" },
      ],
      usableBy: { groups: ["ml"] },
    });
    const back = executionConfigToForm(parsed);
    expect(back).toMatchObject({
      tolerations: "nvidia.com/gpu:NoSchedule\nspot=yes:NoExecute for 60s\n*",
      "resources.requests": "nvidia.com/gpu=1",
      env: "MODE=fast\nEMPTY=",
    });
    expect(
      createExecutionConfigSchema.parse(formToExecutionConfigInput({ ...back, createNamespace: "on" }).input),
    ).toEqual(parsed);
  });

  it("reads pinned variables and allowed reserved names, and gives them back", () => {
    const { input } = formToExecutionConfigInput({
      ...form,
      pinnedEnv: "NVIDIA_VISIBLE_DEVICES=void",
      allowedReservedEnv: "CUDA_VISIBLE_DEVICES\n\nNVIDIA_DRIVER_*",
    });
    const parsed = createExecutionConfigSchema.parse(input);
    expect(parsed.env).toEqual([
      { name: "MODE", value: "fast" },
      { name: "EMPTY", value: "" },
      { name: "NVIDIA_VISIBLE_DEVICES", value: "void", pinned: true },
    ]);
    expect(parsed.allowedReservedEnv).toEqual(["CUDA_VISIBLE_DEVICES", "NVIDIA_DRIVER_*"]);
    expect(executionConfigToForm(parsed)).toMatchObject({
      env: "MODE=fast\nEMPTY=",
      pinnedEnv: "NVIDIA_VISIBLE_DEVICES=void",
      allowedReservedEnv: "CUDA_VISIBLE_DEVICES\nNVIDIA_DRIVER_*",
    });
    const bad = createExecutionConfigSchema.safeParse({ ...input, allowedReservedEnv: ["NOT A NAME"] });
    expect(foldFieldErrors(fieldErrorsFrom(bad.error!), FORM_FIELDS)).toEqual({
      allowedReservedEnv: ['"NOT A NAME" is not a variable name or a prefix such as NVIDIA_*'],
    });
  });

  it("reports unreadable lines and puts schema errors on the field that edits them", () => {
    expect(formToExecutionConfigInput({ ...form, nodeSelector: "zone", tolerations: "a=b=c:X:Y" }).fieldErrors).toEqual(
      {
        nodeSelector: ["line 1: write key=value"],
        tolerations: ['line 1: write key=value:Effect, key:Effect, key or * (optionally "for 300s")'],
      },
    );
    const { input } = formToExecutionConfigInput({
      ...form,
      "resources.limits": "nvidia.com/gpu=2",
      "resources.requests.cpu": "3",
    });
    const parsed = createExecutionConfigSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(foldFieldErrors(fieldErrorsFrom(parsed.error!), FORM_FIELDS)).toEqual({
      "resources.requests.cpu": ["must be at most the limit (2)"],
      "resources.limits": [
        "nvidia.com/gpu: must equal the request (Kubernetes does not overcommit extended resources)",
      ],
    });
    expect(parseTolerationLine("bad key")).toBeUndefined();
    const noGroups = createExecutionConfigSchema.safeParse(
      formToExecutionConfigInput({ ...form, "usableBy.groups": [] }).input,
    );
    expect(foldFieldErrors(fieldErrorsFrom(noGroups.error!), FORM_FIELDS)).toEqual({
      "usableBy.groups": ["choose at least one group, or everyone"],
    });
  });

  it("reads the GPU fields, gives them back, and puts their errors on them", () => {
    const gpuForm = {
      ...form,
      "resources.requests": "",
      "resources.limits": "",
      "gpu.count": "2",
      "gpu.type": "NVIDIA-A100-SXM4-40GB",
      "gpu.tolerationKey": "nvidia.com/gpu",
    };
    const parsed = createExecutionConfigSchema.parse(formToExecutionConfigInput(gpuForm).input);
    expect(parsed.gpu).toEqual({ count: 2, type: "NVIDIA-A100-SXM4-40GB", tolerationKey: "nvidia.com/gpu" });
    expect(executionConfigToForm(parsed)).toMatchObject({
      "gpu.count": "2",
      "gpu.type": "NVIDIA-A100-SXM4-40GB",
      "gpu.tolerationKey": "nvidia.com/gpu",
    });
    // An empty count is none; the key may be cleared on purpose.
    expect(
      createExecutionConfigSchema.parse(
        formToExecutionConfigInput({ ...gpuForm, "gpu.count": "", "gpu.type": "", "gpu.tolerationKey": "" }).input,
      ).gpu,
    ).toEqual({ count: 0, type: "", tolerationKey: "" });
    const twice = createExecutionConfigSchema.safeParse(
      formToExecutionConfigInput({ ...form, "gpu.count": "1", "gpu.type": "x y" }).input,
    );
    expect(foldFieldErrors(fieldErrorsFrom(twice.error!), FORM_FIELDS)).toMatchObject({
      "gpu.count": ["GPUs are also asked in resources (nvidia.com/gpu): set them in one place"],
      "gpu.type": [expect.stringContaining("type")],
    });
  });
});
