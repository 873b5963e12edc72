import { describe, expect, it } from "vitest";
import { sparkConfigFormInput } from "./form";
import { createSparkConfigSchema } from "./schema";

describe("sparkConfigFormInput", () => {
  it("turns the flat form into the API body the schema accepts", () => {
    const input = sparkConfigFormInput({
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
    expect(sparkConfigFormInput({ name: "x", usableByMode: "all", usableByGroups: ["ml"] }).usableBy).toBe("all");
  });
});
