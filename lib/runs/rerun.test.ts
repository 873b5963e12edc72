import { describe, expect, it } from "vitest";

import { simAnnotationsFromLines } from "@/app/(console)/runs/_components/run-form-input";

import { runFormInitial } from "./rerun";
import { parseArgumentLines, parseEnvLines } from "./schema";

describe("runFormInitial (Run again)", () => {
  const row = {
    project: "churn",
    activity: "python-recipe",
    object: "prepare_features",
    name: "Nightly features",
    request: {
      command: ["python", "prepare.py", "--day", "2026-12-01 00:00"],
      env: { EPOCHS: "3", DB_PASSWORD: "hunter2" },
      executionConfig: "cpu-small",
      annotations: { "sim.berth.dev/duration": "2s", "sim.berth.dev/log-lines": "a\nb" },
    },
  };

  it("fills the form as the run was asked, and the form reads it back to the same request", () => {
    const initial = runFormInitial(row);
    expect(initial).toMatchObject({
      project: "churn",
      activity: "python-recipe",
      object: "prepare_features",
      name: "Nightly features",
      executionConfig: "cpu-small",
    });
    expect(parseArgumentLines(initial.command!)).toEqual(row.request.command);
    expect(simAnnotationsFromLines(initial.annotations!).annotations).toEqual(row.request.annotations);
    expect(parseEnvLines(initial.env!)).toEqual({ EPOCHS: "3", DB_PASSWORD: "" });
  });

  it("never copies a secret-looking value into the page, and says which ones to type again", () => {
    const initial = runFormInitial(row);
    expect(JSON.stringify(initial)).not.toContain("hunter2");
    expect(initial.secretEnv).toEqual(["DB_PASSWORD"]);
  });

  it("leaves a defaulted name out, so it defaults again", () => {
    expect(runFormInitial({ ...row, name: "prepare_features" }).name).toBeUndefined();
  });

  it("leaves out what the run did not ask for", () => {
    expect(
      runFormInitial({
        project: "churn",
        activity: "ml-train",
        object: null,
        name: null,
        request: { script: "print(1)" },
      }),
    ).toEqual({ project: "churn", activity: "ml-train", script: "print(1)" });
  });
});
