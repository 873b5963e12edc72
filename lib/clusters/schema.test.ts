import { describe, expect, it } from "vitest";
import { stringify } from "yaml";

import { fieldErrorsFrom } from "@/lib/validation";

import { chooseContext, summarizeKubeconfig } from "./kubeconfig";
import {
  cleanupSchema,
  createClusterSchema,
  labelSelectorSchema,
  setClusterGrantsSchema,
  updateClusterSchema,
} from "./schema";

const kubeconfig = `
apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster: { server: "https://10.0.0.1:6443" }
  - name: broken
    cluster: {}
contexts:
  - name: prod-admin
    context: { cluster: prod, user: admin }
  - name: broken-ctx
    context: { cluster: broken, user: admin }
current-context: prod-admin
users:
  - name: admin
    user: { token: s3cr3t-token }
`;

const errorsOf = (result: { success: boolean; error?: Parameters<typeof fieldErrorsFrom>[0] }) =>
  result.error ? fieldErrorsFrom(result.error) : {};

describe("summarizeKubeconfig", () => {
  it("lists contexts with their servers and never the credentials", () => {
    const summary = summarizeKubeconfig(kubeconfig);
    expect(summary).toEqual({
      ok: true,
      currentContext: "prod-admin",
      contexts: [
        { name: "prod-admin", cluster: "prod", server: "https://10.0.0.1:6443" },
        { name: "broken-ctx", cluster: "broken", server: null },
      ],
    });
    expect(JSON.stringify(summary)).not.toContain("s3cr3t");
  });

  it("says why a text is not a kubeconfig", () => {
    expect(summarizeKubeconfig("a: [b")).toMatchObject({ ok: false, error: expect.stringContaining("not valid YAML") });
    expect(summarizeKubeconfig("- a")).toMatchObject({ ok: false, error: expect.stringContaining("mapping") });
    expect(summarizeKubeconfig("clusters: []")).toEqual({ ok: false, error: "The kubeconfig has no contexts" });
  });

  it("chooses the wanted context, else the current one", () => {
    const summary = summarizeKubeconfig(kubeconfig);
    expect(chooseContext(summary, undefined)).toMatchObject({ context: { name: "prod-admin" } });
    expect(chooseContext(summary, "nope")).toEqual({ field: "context", error: 'The kubeconfig has no context "nope"' });
    expect(chooseContext(summary, "broken-ctx")).toEqual({
      field: "context",
      error: 'Context "broken-ctx" names no cluster with a server URL',
    });
  });
});

describe("createClusterSchema", () => {
  it("accepts a kubeconfig with a usable context", () => {
    expect(createClusterSchema.parse({ name: "gpu-prod", kubeconfig })).toMatchObject({
      name: "gpu-prod",
      description: "",
    });
    expect(createClusterSchema.parse({ name: "gpu-prod", kubeconfig, context: "", prometheusUrl: "" })).toMatchObject({
      context: undefined,
      prometheusUrl: null,
    });
  });

  it("puts each problem on its field", () => {
    expect(errorsOf(createClusterSchema.safeParse({ name: "GPU prod", kubeconfig: "a: [" }))).toEqual({
      name: [expect.stringContaining("lowercase")],
      kubeconfig: [expect.stringContaining("not valid YAML")],
    });
    expect(errorsOf(createClusterSchema.safeParse({ name: "a", kubeconfig, context: "missing" }))).toEqual({
      context: ['The kubeconfig has no context "missing"'],
    });
    expect(errorsOf(createClusterSchema.safeParse({ name: "a", kubeconfig, context: "broken-ctx" }))).toEqual({
      context: [expect.stringContaining("no cluster with a server")],
    });
    expect(errorsOf(createClusterSchema.safeParse({ name: "a", kubeconfig: "" }))).toEqual({
      kubeconfig: ["Paste or upload a kubeconfig"],
    });
    expect(errorsOf(createClusterSchema.safeParse({ name: "a", kubeconfig, prometheusUrl: "ftp://x" }))).toEqual({
      prometheusUrl: ["Enter an http:// or https:// URL"],
    });
    expect(errorsOf(createClusterSchema.safeParse({ name: "a", kubeconfig, token: "x" }))).toEqual({
      token: ["Unknown field"],
    });
  });
});

describe("updateClusterSchema", () => {
  it("leaves out what is not given and checks a replacement kubeconfig", () => {
    expect(updateClusterSchema.parse({ cluster: "gpu-prod", version: "3", kubeconfig: "" })).toEqual({
      cluster: "gpu-prod",
      version: 3,
      kubeconfig: undefined,
      context: undefined,
    });
    expect(errorsOf(updateClusterSchema.safeParse({ cluster: "x", kubeconfig: "nope: [" }))).toHaveProperty(
      "kubeconfig",
    );
    expect(errorsOf(updateClusterSchema.safeParse({ cluster: "x", version: "abc" }))).toHaveProperty("version");
  });
});

describe("setClusterGrantsSchema", () => {
  it("takes use/operate/manage once per group", () => {
    expect(setClusterGrantsSchema.parse({ cluster: 1, grants: [{ group: "ml", level: "use" }] }).grants).toHaveLength(
      1,
    );
    expect(errorsOf(setClusterGrantsSchema.safeParse({ cluster: 1, grants: [{ group: "ml", level: "own" }] }))).toEqual(
      { "grants.0.level": ["Choose use, operate or manage"] },
    );
    expect(
      errorsOf(
        setClusterGrantsSchema.safeParse({
          cluster: 1,
          grants: [
            { group: "ml", level: "use" },
            { group: "ml", level: "manage" },
          ],
        }),
      ),
    ).toEqual({ "grants.1.group": ['Group "ml" is listed twice'] });
  });
});

describe("labelSelectorSchema and cleanupSchema", () => {
  it.each([
    "",
    "app=spark",
    "app==spark,tier!=web",
    "!canary",
    "env in (a, b),team notin (x)",
    "berth.dev/run",
    "example.com/app=x",
  ])("accepts %j", (selector) => {
    expect(labelSelectorSchema.safeParse(selector).success).toBe(true);
  });
  it.each(["app=spark!", "=x", "a b", "in (x)", "app in x", "-bad=1"])("refuses %j", (selector) => {
    expect(labelSelectorSchema.safeParse(selector).success).toBe(false);
  });

  it("needs a target and an explicit dryRun; form checkboxes say on", () => {
    expect(cleanupSchema.parse({ cluster: "c", target: "jobs", includeFailed: "on", dryRun: "on" })).toMatchObject({
      includeFailed: true,
      dryRun: true,
      labelSelector: "",
    });
    expect(errorsOf(cleanupSchema.safeParse({ cluster: "c", target: "nodes" }))).toEqual({
      target: ['Choose "pods" or "jobs"'],
      dryRun: ["Must be true or false"],
    });
  });
});

describe("the shared schema reports a refused kubeconfig key as a field error", () => {
  const kubeconfigWith = (cluster: Record<string, unknown>, user: Record<string, unknown>) =>
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "prod", cluster: { server: "https://10.0.0.1:6443", ...cluster } }],
      users: [{ name: "admin", user: { token: "s3cr3t", ...user } }],
      contexts: [{ name: "prod-admin", context: { cluster: "prod", user: "admin" } }],
      "current-context": "prod-admin",
    });
  const errors = (schema: typeof createClusterSchema | typeof updateClusterSchema, input: object) => {
    const parsed = schema.safeParse(input);
    return parsed.success ? {} : fieldErrorsFrom(parsed.error);
  };

  it("on create and on update", () => {
    const kubeconfig = kubeconfigWith({}, { "client-key": "/etc/berth/secret-key" });
    expect(errors(createClusterSchema, { name: "prod", kubeconfig })).toEqual({
      kubeconfig: [expect.stringMatching(/^users\[0\]\.user\.client-key is not allowed: it makes Berth read a file/)],
    });
    expect(errors(updateClusterSchema, { cluster: "prod", kubeconfig })).toEqual({
      kubeconfig: [expect.stringMatching(/^users\[0\]\.user\.client-key is not allowed/)],
    });
    const proxied = kubeconfigWith({ "proxy-url": "http://attacker.example:3128" }, {});
    expect(errors(createClusterSchema, { name: "prod", kubeconfig: proxied })).toEqual({
      kubeconfig: [expect.stringMatching(/^clusters\[0\]\.cluster\.proxy-url is not allowed/)],
    });
  });
});

describe("GPU metric labels", () => {
  const parse = (gpuMetricLabels: unknown) => updateClusterSchema.safeParse({ cluster: "prod", gpuMetricLabels });
  const errors = (gpuMetricLabels: unknown) => {
    const parsed = parse(gpuMetricLabels);
    return parsed.success ? {} : fieldErrorsFrom(parsed.error);
  };

  it('reads "auto", null and all-empty fields as auto, and keeps named labels', () => {
    for (const auto of ["auto", null, "", { pod: "", namespace: "", container: "" }])
      expect(parse(auto)).toMatchObject({ success: true, data: { gpuMetricLabels: "auto" } });
    expect(parse({ pod: "exported_pod", namespace: "exported_namespace", container: "" })).toMatchObject({
      success: true,
      data: { gpuMetricLabels: { pod: "exported_pod", namespace: "exported_namespace" } },
    });
    expect(updateClusterSchema.parse({ cluster: "prod" }).gpuMetricLabels).toBeUndefined();
  });

  it("takes only Prometheus label names, each field on its own", () => {
    expect(errors({ pod: "pod-name", namespace: "__name__", container: "1c" })).toEqual({
      "gpuMetricLabels.pod": ["Use a Prometheus label name: letters, digits and _, not starting with a digit"],
      "gpuMetricLabels.namespace": ["Names starting with __ are reserved by Prometheus"],
      "gpuMetricLabels.container": ["Use a Prometheus label name: letters, digits and _, not starting with a digit"],
    });
    expect(errors({ pod: "workload_pod" })).toEqual({ "gpuMetricLabels.namespace": ["Required"] });
    expect(errors("plain")).toEqual({ gpuMetricLabels: ['Use "auto" or { pod, namespace, container } label names'] });
  });
});
