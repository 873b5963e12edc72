import { describe, expect, it } from "vitest";

import { defaultRunName } from "./names";

describe("defaultRunName", () => {
  it("names a run after its object first", () => {
    expect(
      defaultRunName({ object: "prepare_features", command: ["python", "train.py"], activity: "python-recipe" }),
    ).toBe("prepare_features");
  });

  it("names a command run after the file it runs, else its program", () => {
    expect(defaultRunName({ command: ["python", "jobs/train.py", "--epochs=3"], activity: "python-recipe" })).toBe(
      "train.py",
    );
    expect(defaultRunName({ command: ["local:///opt/app/etl.py", "2026-12-01"], activity: "spark-recipe" })).toBe(
      "etl.py",
    );
    expect(defaultRunName({ command: ["/usr/bin/sleep", "10"], activity: "python-recipe" })).toBe("sleep");
  });

  it("names a script run after the first word of its first line of code", () => {
    expect(defaultRunName({ script: "\n# load the data\nimport pandas as pd\n", activity: "python-notebook" })).toBe(
      "import",
    );
    expect(defaultRunName({ script: "print('hello')", activity: "python-recipe" })).toBe("print");
  });

  it("falls back to the activity, and keeps long names short", () => {
    expect(defaultRunName({ activity: "ml-train" })).toBe("ml-train");
    expect(defaultRunName({ object: "x".repeat(80), activity: "ml-train" })).toHaveLength(60);
  });
});
