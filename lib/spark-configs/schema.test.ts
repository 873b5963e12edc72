import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { parseConfLines } from "./conf";
import { createSparkConfigSchema, podFragmentProblem } from "./schema";

const base = { name: "spark-small", image: "apache/spark:3.5.3" };

function errorsOf(input: Record<string, unknown>) {
  const parsed = createSparkConfigSchema.safeParse({ ...base, ...input });
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
}

describe("Spark config schema", () => {
  it("accepts a full config and normalises values to text", () => {
    const parsed = createSparkConfigSchema.parse({
      ...base,
      conf: {
        "spark.executor.instances": 4,
        "spark.executor.memory": "4g",
        "spark.dynamicAllocation.enabled": true,
        "spark.dynamicAllocation.minExecutors": "1",
        "spark.dynamicAllocation.initialExecutors": 2,
        "spark.dynamicAllocation.maxExecutors": 8,
        "spark.eventLog.enabled": "true",
      },
      managed: { enabled: true, namespace: "spark-${project}", createNamespace: true, serviceAccountPerJob: true },
      usableBy: { groups: ["ml"] },
    });
    expect(parsed.conf).toMatchObject({
      "spark.executor.instances": "4",
      "spark.dynamicAllocation.enabled": "true",
      "spark.dynamicAllocation.maxExecutors": "8",
    });
    expect(parsed).toMatchObject({
      cluster: null,
      registry: "",
      executorPodTemplate: "",
      usableBy: { groups: ["ml"] },
    });
  });

  it("reads key=value lines for the form, and refuses conf as text on the API", () => {
    expect(
      parseConfLines(
        "# sizes\nspark.executor.instances=3\n\nspark.executor.memory = 2g\nspark.eventLog.dir hdfs:///logs\n",
      ).conf,
    ).toEqual({
      "spark.executor.instances": "3",
      "spark.executor.memory": "2g",
      "spark.eventLog.dir": "hdfs:///logs",
    });
    expect(parseConfLines("spark.a=1\nspark.a=2\nnovalue").problems).toEqual([
      "Line 2: spark.a is set twice",
      "Line 3: write key=value",
    ]);
    expect(errorsOf({ conf: "spark.executor.instances=2" }).conf).toEqual(["conf must be an object of key → value"]);
  });

  it("takes the upstream Spark image when none is named", () => {
    expect(createSparkConfigSchema.parse({ name: "bare" })).toMatchObject({ image: "", conf: {}, usableBy: "all" });
  });

  const badConf: [string, Record<string, unknown>, string, RegExp][] = [
    ["zero instances", { "spark.executor.instances": "0" }, "conf.spark.executor.instances", /at least 1/],
    ["negative instances", { "spark.executor.instances": -2 }, "conf.spark.executor.instances", /whole number/],
    ["fractional instances", { "spark.executor.instances": "1.5" }, "conf.spark.executor.instances", /whole number/],
    ["text instances", { "spark.executor.instances": "many" }, "conf.spark.executor.instances", /whole number/],
    ["memory without number", { "spark.executor.memory": "g" }, "conf.spark.executor.memory", /JVM size/],
    ["Kubernetes-style memory", { "spark.executor.memory": "4Gi" }, "conf.spark.executor.memory", /JVM size/],
    ["decimal memory", { "spark.driver.memory": "1.5g" }, "conf.spark.driver.memory", /JVM size/],
    ["zero memory", { "spark.driver.memory": "0" }, "conf.spark.driver.memory", /JVM size/],
    ["cores as text", { "spark.executor.cores": "two" }, "conf.spark.executor.cores", /whole number/],
    ["fractional cores", { "spark.executor.cores": 0.5 }, "conf.spark.executor.cores", /whole number/],
    [
      "overhead factor above 1",
      { "spark.kubernetes.memoryOverheadFactor": "1.5" },
      "conf.spark.kubernetes.memoryOverheadFactor",
      /at most 1/,
    ],
    [
      "overhead factor 0",
      { "spark.kubernetes.memoryOverheadFactor": 0 },
      "conf.spark.kubernetes.memoryOverheadFactor",
      /greater than 0/,
    ],
    [
      "overhead factor text",
      { "spark.kubernetes.memoryOverheadFactor": "ten" },
      "conf.spark.kubernetes.memoryOverheadFactor",
      /number/,
    ],
    [
      "dynamic allocation yes",
      { "spark.dynamicAllocation.enabled": "yes" },
      "conf.spark.dynamicAllocation.enabled",
      /true or false/,
    ],
    [
      "min above max",
      { "spark.dynamicAllocation.minExecutors": "5", "spark.dynamicAllocation.maxExecutors": "2" },
      "conf.spark.dynamicAllocation.minExecutors",
      /must not exceed maxExecutors/,
    ],
    [
      "initial below min",
      { "spark.dynamicAllocation.minExecutors": "3", "spark.dynamicAllocation.initialExecutors": "1" },
      "conf.spark.dynamicAllocation.initialExecutors",
      /at least minExecutors/,
    ],
    [
      "initial above max",
      { "spark.dynamicAllocation.initialExecutors": "9", "spark.dynamicAllocation.maxExecutors": "4" },
      "conf.spark.dynamicAllocation.initialExecutors",
      /must not exceed maxExecutors/,
    ],
    [
      "max zero",
      { "spark.dynamicAllocation.maxExecutors": "0" },
      "conf.spark.dynamicAllocation.maxExecutors",
      /at least 1/,
    ],
    ["non-spark key", { "hadoop.fs.defaultFS": "hdfs://x" }, "conf.hadoop.fs.defaultFS", /start with "spark\."/],
    ["key with a space", { "spark.executor memory": "1g" }, "conf.spark.executor memory", /not a valid key/],
    ["key ending in a dot", { "spark.executor.": "1" }, "conf.spark.executor.", /not a valid key/],
    ["master set by hand", { "spark.master": "local[*]" }, "conf.spark.master", /Berth sets the master/],
    [
      "deploy mode set by hand",
      { "spark.submit.deployMode": "client" },
      "conf.spark.submit.deployMode",
      /cluster mode/,
    ],
    [
      "image in conf",
      { "spark.kubernetes.container.image": "x" },
      "conf.spark.kubernetes.container.image",
      /Image field/,
    ],
    ["empty value", { "spark.eventLog.dir": " " }, "conf.spark.eventLog.dir", /must not be empty/],
  ];
  it.each(badConf)("refuses %s", (_label, conf, field, message) => {
    const errors = errorsOf({ conf });
    expect(errors[field]?.join(" ")).toMatch(message);
  });

  it("refuses conf that is not an object of scalars", () => {
    expect(errorsOf({ conf: ["spark.a=1"] }).conf).toBeDefined();
    expect(errorsOf({ conf: { "spark.a": { nested: 1 } } })["conf.spark.a"]).toEqual([
      "Conf values must be text, numbers or true/false",
    ]);
  });

  it("refuses the namespace and service account in the conf while managed mode sets them", () => {
    const errors = errorsOf({
      managed: { enabled: true, namespace: "spark-${user}" },
      conf: { "spark.kubernetes.namespace": "x", "spark.kubernetes.authenticate.driver.serviceAccountName": "y" },
    });
    expect(errors["conf.spark.kubernetes.namespace"]).toEqual(["Managed mode sets the namespace from its template"]);
    expect(errors["conf.spark.kubernetes.authenticate.driver.serviceAccountName"]).toHaveLength(1);
    expect(errorsOf({ conf: { "spark.kubernetes.namespace": "x" } })).toEqual({});
  });

  it.each([
    [{ enabled: true, namespace: "" }, /required/],
    [{ enabled: true, namespace: "Spark-${user}" }, /lowercase/],
    [{ enabled: true, namespace: "spark-${team}" }, /Unknown variable \$\{team\}/],
    [{ enabled: true, namespace: "spark-$user" }, /Write variables/],
    [{ enabled: true, namespace: "x".repeat(70) }, /at most 63/],
    [{ enabled: false, namespace: "bad_ns" }, /lowercase/],
  ])("refuses managed namespace %j", (managed, message) => {
    expect(errorsOf({ managed })["managed.namespace"]?.join(" ")).toMatch(message);
  });

  it("refuses unknown managed fields, bad booleans, names, images, registries and usableBy", () => {
    expect(errorsOf({ managed: { enabled: "yes" } })["managed.enabled"]).toBeDefined();
    expect(errorsOf({ managed: { enabled: false, extra: 1 } })["managed.extra"]).toEqual(["Unknown field"]);
    expect(errorsOf({ name: "Spark_Big" }).name).toBeDefined();
    expect(errorsOf({ name: "" }).name).toEqual(["Name is required"]);
    expect(errorsOf({ image: "has space:1" }).image).toBeDefined();
    expect(errorsOf({ registry: "not a host!" }).registry).toBeDefined();
    expect(errorsOf({ usableBy: "some" }).usableBy).toBeDefined();
    expect(errorsOf({ usableBy: { groups: [] } })["usableBy.groups"]).toBeDefined();
    expect(errorsOf({ surprise: true }).surprise).toEqual(["Unknown field"]);
  });
});

describe("executor pod fragment", () => {
  it("accepts Pod-shaped fragments and nothing", () => {
    expect(
      podFragmentProblem(
        "metadata:\n  labels:\n    team: ml\nspec:\n  nodeSelector:\n    gpu: 'true'\n  tolerations:\n    - key: gpu\n      operator: Exists\n",
      ),
    ).toBeUndefined();
    expect(
      podFragmentProblem("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: executor\n"),
    ).toBeUndefined();
    expect(podFragmentProblem("")).toBeUndefined();
  });

  it.each([
    ["- a\n- b", /not a list/],
    ["just text", /not a list or a single value/],
    ["spec: [1", /Not valid YAML/],
    ["kind: Deployment", /kind must be Pod/],
    ["apiVersion: apps/v1", /apiVersion must be v1/],
    ["status: {}", /Unknown top-level field status/],
    ["metadata: 3", /metadata must be a mapping/],
    ["metadata:\n  labels:\n    a: 1", /text values/],
    ["spec: []", /spec must be a mapping/],
    ["spec:\n  containers: {}", /list of containers/],
    ["spec:\n  nodeSelector: [a]", /nodeSelector/],
    ["spec:\n  tolerations: x", /tolerations must be a list/],
  ])("refuses %j", (text, message) => {
    expect(podFragmentProblem(text)).toMatch(message);
    expect(errorsOf({ executorPodTemplate: text }).executorPodTemplate?.[0]).toMatch(message);
  });
});
