import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { listRunsQuerySchema, parseArgumentLines, parseEnvLines, submitRunFormSchema, submitRunSchema } from "./schema";

const errorsOf = (input: unknown) => {
  const parsed = submitRunSchema.safeParse(input);
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
};

describe("submitRunSchema", () => {
  it("accepts a run with a command, env and per-run choices; empty choices mean none", () => {
    const parsed = submitRunSchema.parse({
      project: "churn",
      activity: "ml-train",
      command: ["python", "train.py", "--epochs", "3"],
      env: { EPOCHS: 3, DEBUG: true, "my.var": "x" },
      executionConfig: " gpu-large ",
      cluster: "",
      sparkConfig: null,
    });
    expect(parsed).toEqual({
      project: "churn",
      activity: "ml-train",
      command: ["python", "train.py", "--epochs", "3"],
      env: { EPOCHS: "3", DEBUG: "true", "my.var": "x" },
      executionConfig: "gpu-large",
      cluster: undefined,
      sparkConfig: undefined,
      codeEnv: undefined,
    });
  });

  it("takes the run's object and name; empty ones mean none; a bad object id is refused on its field", () => {
    const parsed = submitRunSchema.parse({
      project: "churn",
      activity: "python-recipe",
      object: " prepare_features ",
      name: " Nightly features ",
    });
    expect(parsed).toMatchObject({ object: "prepare_features", name: "Nightly features" });
    expect(submitRunSchema.parse({ project: "churn", activity: "python-recipe", name: null }).name).toBeUndefined();
    // The API documents an object id or nothing; the form leaves an empty field out.
    expect(errorsOf({ project: "churn", activity: "python-recipe", object: "" })).toEqual({
      object: ["Object id is required"],
    });
    expect(
      submitRunFormSchema.parse({ project: "churn", activity: "python-recipe", object: " ", script: "print(1)" })
        .object,
    ).toBeUndefined();
    expect(errorsOf({ project: "churn", activity: "python-recipe", object: "a b", name: "x".repeat(101) })).toEqual({
      object: ["Use letters, digits, '.', '_' or '-', starting with a letter or digit"],
      name: ["The name must be at most 100 characters"],
    });
    const form = submitRunFormSchema.parse({
      project: "churn",
      activity: "python-recipe",
      object: "prepare_features",
      name: "",
      script: "print(1)",
    });
    expect(form).toMatchObject({ object: "prepare_features", name: undefined });
  });

  it("reports every bad field at once", () => {
    expect(
      errorsOf({
        project: "",
        activity: "sql-query",
        command: "python x.py",
        env: { "1BAD": "x", "BAD NAME": "y" },
        extra: 1,
      }),
    ).toEqual({
      project: expect.any(Array),
      activity: [expect.stringContaining("Activity type must be one of")],
      command: [expect.stringContaining("list of arguments")],
      env: [
        expect.stringContaining('"1BAD" is not a valid variable name'),
        expect.stringContaining('"BAD NAME" is not a valid variable name'),
      ],
      extra: ["Unknown field"],
    });
  });

  it("refuses a Spark application file that spark-submit would read as an option", () => {
    for (const file of ["--conf", "--conf=spark.kubernetes.executor.volumes.hostPath.h.mount.path=/", "-v"]) {
      expect(
        errorsOf({
          project: "p",
          activity: "spark-recipe",
          command: [file, "spark.kubernetes.driver.volumes.hostPath.h.mount.path=/", "local:///app.py"],
        }),
      ).toEqual({
        command: [expect.stringContaining("must not start with '-'")],
      });
    }
    // Arguments after the application file are the application's, whatever they look like.
    expect(errorsOf({ project: "p", activity: "spark-recipe", command: ["local:///app.py", "--conf", "x=y"] })).toEqual(
      {},
    );
  });

  it("refuses a command and a script together, and a Spark run without either", () => {
    expect(errorsOf({ project: "p", activity: "python-recipe", command: ["python"], script: "print(1)" })).toEqual({
      script: ["Give a command or a script, not both"],
    });
    expect(errorsOf({ project: "p", activity: "spark-recipe" })).toEqual({
      command: [expect.stringContaining("A Spark run needs its application")],
    });
    expect(errorsOf({ project: "p", activity: "python-notebook" })).toEqual({});
  });

  it("refuses a per-run config of the kind the activity does not use", () => {
    expect(errorsOf({ project: "p", activity: "spark-recipe", script: "x", executionConfig: "cpu" })).toEqual({
      executionConfig: ["A spark-recipe run uses a Spark config, not an execution config"],
    });
    expect(errorsOf({ project: "p", activity: "ml-score", sparkConfig: "spark" })).toEqual({
      sparkConfig: ["A ml-score run uses an execution config, not a Spark config"],
    });
  });

  it("limits sizes: arguments, script, env count and total", () => {
    expect(
      errorsOf({ project: "p", activity: "python-recipe", command: Array.from({ length: 257 }, () => "a") }),
    ).toEqual({ command: ["At most 256 arguments"] });
    expect(errorsOf({ project: "p", activity: "python-recipe", script: "x".repeat(100_001) })).toEqual({
      script: [expect.stringContaining("at most 100000")],
    });
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`V${index}`, "x"]));
    expect(errorsOf({ project: "p", activity: "python-recipe", env: many })).toEqual({
      env: ["At most 100 environment variables"],
    });
    const big = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`V${index}`, "x".repeat(9_999)]));
    expect(errorsOf({ project: "p", activity: "python-recipe", env: big })).toEqual({
      env: [expect.stringContaining("at most 100000")],
    });
  });

  it("takes only the simulator's sim.berth.dev/* annotations", () => {
    expect(
      errorsOf({
        project: "p",
        activity: "python-recipe",
        annotations: { "sim.berth.dev/duration": "5s", "sim.berth.dev/exit-code": "1" },
      }),
    ).toEqual({});
    expect(
      errorsOf({
        project: "p",
        activity: "python-recipe",
        annotations: { "berth.dev/run": "forged", "sim.berth.dev/": "x" },
      }),
    ).toEqual({
      "annotations.berth.dev/run": [expect.stringContaining("Only the simulator's")],
      "annotations.sim.berth.dev/": [expect.stringContaining("Only the simulator's")],
    });
  });
});

describe("the run form", () => {
  it("reads arguments one per line and env as NAME=value lines", () => {
    expect(parseArgumentLines("python\n  train.py \n\n--name=a b\n")).toEqual(["python", "train.py", "--name=a b"]);
    expect(parseEnvLines("A=1\n# comment\n\nB = two=2\nC\n")).toEqual({ A: "1", B: " two=2", C: "" });
  });

  it("parses into the API's input with the same field names for errors", () => {
    expect(
      submitRunFormSchema.parse({
        project: "churn",
        activity: "r-recipe",
        command: "",
        script: "print(1)\r\n",
        env: "X=1",
        codeEnv: "",
        executionConfig: "",
        sparkConfig: "",
        cluster: "",
        $ACTION_ID: "x",
      }),
    ).toEqual({
      project: "churn",
      activity: "r-recipe",
      script: "print(1)\n",
      env: { X: "1" },
      codeEnv: undefined,
      executionConfig: undefined,
      sparkConfig: undefined,
      cluster: undefined,
    });
    const parsed = submitRunFormSchema.safeParse({ project: "churn", activity: "python-recipe", env: "not valid=1" });
    expect(parsed.success ? {} : fieldErrorsFrom(parsed.error)).toEqual({
      env: [expect.stringContaining('"not valid" is not a valid variable name')],
    });
  });
});

describe("listRunsQuerySchema", () => {
  it("defaults the limit and checks the filters", () => {
    expect(listRunsQuerySchema.parse({ status: "running", limit: "20" })).toEqual({ status: "running", limit: 20 });
    expect(listRunsQuerySchema.parse({})).toEqual({ limit: 100 });
    expect(listRunsQuerySchema.safeParse({ status: "done" }).success).toBe(false);
    expect(listRunsQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
  });
});
