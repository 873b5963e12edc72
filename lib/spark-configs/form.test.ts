import { describe, expect, it } from "vitest";

import { sparkConfigFormInput } from "./form";
import { createSparkConfigSchema } from "./schema";

describe("sparkConfigFormInput", () => {
  it("turns the flat form into the API body the schema accepts", () => {
    const { input, fieldErrors } = sparkConfigFormInput({
      name: "spark-small",
      image: "apache/spark:3.5.3",
      cluster: "",
      conf: "spark.executor.instances=2",
      "managed.enabled": "on",
      "managed.namespace": "spark-${user}",
      "managed.serviceAccountPerJob": "on",
      usableByMode: "groups",
      usableByGroups: ["ml"],
      config: "3",
      version: "2",
    });
    expect(fieldErrors).toBeUndefined();
    expect(input).toMatchObject({
      cluster: null,
      managed: { enabled: true, namespace: "spark-${user}", createNamespace: false, serviceAccountPerJob: true },
      usableBy: { groups: ["ml"] },
      config: "3",
      version: "2",
    });
    const body = { ...input };
    delete body.config;
    delete body.version;
    expect(createSparkConfigSchema.parse(body).conf).toEqual({ "spark.executor.instances": "2" });
  });

  it("means everyone when usable by is not limited to groups", () => {
    expect(sparkConfigFormInput({ name: "x", usableByMode: "all", usableByGroups: ["ml"] }).input.usableBy).toBe("all");
  });

  it("reports conf lines it cannot read on the conf field", () => {
    expect(sparkConfigFormInput({ name: "x", conf: "spark.a=1\nnonsense" }).fieldErrors).toEqual({
      conf: ["Line 2: write key=value"],
    });
  });
});
