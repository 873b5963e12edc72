import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import type { RunView } from "@/lib/runs/schema";

import { RunEffectiveConfig } from "./run-effective-config";

const base: RunView = {
  id: "r1",
  status: "running",
  name: "etl.py",
  project: "churn",
  activity: "pyspark-recipe",
  user: "ada",
  executionConfig: null,
  sparkConfig: "spark-small",
  cluster: "embedded",
  namespace: "berth-churn",
  workload: "spark-application",
  pods: [],
  createdAt: "2026-12-05T10:00:00Z",
  gpus: 0,
  warnings: [],
  timeline: [],
  resolution: {
    // What the project's resolution gave for execution config; a Spark run does not use it.
    executionConfig: { value: "gpu-ml", origin: "project", from: "from project setting" },
    sparkConfig: { value: "spark-small", origin: "instance", from: "from instance default" },
    cluster: { value: "embedded", origin: "instance", from: "from instance default" },
    image: "apache/spark:3.5.3",
  },
};

const text = (run: RunView) =>
  renderToStaticMarkup(createElement(RunEffectiveConfig, { run })).replace(/<[^>]+>/g, " ");

describe("RunEffectiveConfig", () => {
  it("does not show a Spark run the execution config (and its GPUs) that Spark does not use", () => {
    const shown = text(base);
    expect(shown).toContain("spark-small");
    expect(shown).not.toContain("gpu-ml");
    expect(shown).toMatch(/not used by Spark/);
  });

  it("shows the execution config of a pod run", () => {
    const pod: RunView = {
      ...base,
      activity: "python-recipe",
      workload: "pod",
      executionConfig: "gpu-ml",
      sparkConfig: undefined,
      resolution: { ...base.resolution, sparkConfig: undefined },
    };
    expect(text(pod)).toContain("gpu-ml");
  });
});
