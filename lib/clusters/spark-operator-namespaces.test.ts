import { describe, expect, it } from "vitest";

import { operatorNamespaceProblem, sparkJobNamespacesSchema } from "./spark-operator-namespaces";

describe("sparkJobNamespacesSchema", () => {
  it("reads a list or text, and takes empty as all namespaces", () => {
    expect(sparkJobNamespacesSchema.parse("default, spark-jobs\nspark-etl default")).toEqual([
      "default",
      "spark-jobs",
      "spark-etl",
    ]);
    expect(sparkJobNamespacesSchema.parse(["spark-jobs"])).toEqual(["spark-jobs"]);
    expect(sparkJobNamespacesSchema.parse("")).toBeNull();
    expect(sparkJobNamespacesSchema.parse([])).toBeNull();
    expect(sparkJobNamespacesSchema.parse(null)).toBeNull();
  });

  it("refuses what is not a namespace name", () => {
    const result = sparkJobNamespacesSchema.safeParse("Spark_Jobs");
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: [],
        message: expect.stringMatching(
          /^Not namespace names: Spark_Jobs\. Use namespace names: lowercase letters, digits and '-'/,
        ),
      }),
    ]);
  });
});

describe("operatorNamespaceProblem", () => {
  it("finds nothing wrong when the operator acts everywhere or in the namespace", () => {
    expect(operatorNamespaceProblem("spark-etl", null)).toBeNull();
    expect(operatorNamespaceProblem("spark-etl", [])).toBeNull();
    expect(operatorNamespaceProblem("spark-etl", ["default", "spark-etl"])).toBeNull();
  });

  it("says when a namespace, or every namespace a template makes, is outside the operator's", () => {
    expect(operatorNamespaceProblem("spark-etl", ["default"])).toBe(
      "The namespace spark-etl is not among the cluster's Spark operator job namespaces (default): Spark runs with this config are refused",
    );
    expect(operatorNamespaceProblem("spark-${project}", ["default"])).toMatch(
      /^No namespace made from spark-\$\{project\} is among the cluster's Spark operator job namespaces \(default\)/,
    );
    expect(operatorNamespaceProblem("spark-${project}", ["default", "spark-etl"])).toMatch(
      /^Namespaces made from spark-\$\{project\} are handled by the cluster's Spark operator only when listed/,
    );
  });
});
