import { describe, expect, it } from "vitest";

import type { AdmissionAttributes } from "../contract";
import { MemoryStore } from "../server/store";
import { formatIndexes, parseIndexes } from "./job-controller";
import { decideJob, failureBackoffMs, jobAdmissionPlugin, type Job, type JobObservation } from "./job-logic";
import type { Pod } from "./model";

const job = (spec: Partial<Job["spec"]> = {}, status: Job["status"] = {}): Job => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "j", namespace: "ns", uid: "uid-1" },
  spec: {
    completions: 1,
    parallelism: 1,
    backoffLimit: 6,
    template: { spec: { containers: [], restartPolicy: "Never" } },
    ...spec,
  },
  status,
});

const seen = (active: number, succeeded = 0, failed = 0, lastFailureAt?: number): JobObservation => ({
  active: Array.from({ length: active }, () => ({}) as Pod),
  ready: 0,
  terminating: 0,
  succeeded,
  failed,
  lastFailureAt,
});

describe("decideJob", () => {
  const now = Date.parse("2026-01-01T00:01:00Z");
  it("creates up to parallelism and never more than remaining completions", () => {
    expect(decideJob(job({ completions: 5, parallelism: 2 }), seen(0), now)).toEqual({
      kind: "run",
      create: 2,
      removeExtra: 0,
    });
    expect(decideJob(job({ completions: 5, parallelism: 2 }), seen(1, 4), now)).toEqual({
      kind: "run",
      create: 0,
      removeExtra: 0,
    });
    expect(decideJob(job({ completions: 5, parallelism: 3 }), seen(0, 4), now)).toEqual({
      kind: "run",
      create: 1,
      removeExtra: 0,
    });
  });

  it("completes at completions, or for a work queue when one succeeded and none run", () => {
    expect(decideJob(job({ completions: 2 }), seen(0, 2), now)).toEqual({ kind: "complete" });
    expect(decideJob(job({ completions: null, parallelism: 3 }), seen(1, 1), now)).toEqual({
      kind: "run",
      create: 0,
      removeExtra: 1,
    });
    expect(decideJob(job({ completions: null, parallelism: 3 }), seen(0, 1), now)).toEqual({ kind: "complete" });
  });

  it("fails past backoffLimit and past activeDeadlineSeconds", () => {
    expect(decideJob(job({ backoffLimit: 1 }), seen(0, 0, 2), now)).toEqual({
      kind: "fail",
      reason: "BackoffLimitExceeded",
      message: "Job has reached the specified backoff limit",
    });
    expect(decideJob(job({ activeDeadlineSeconds: 30 }, { startTime: "2026-01-01T00:00:00Z" }), seen(1), now)).toEqual({
      kind: "fail",
      reason: "DeadlineExceeded",
      message: "Job was active longer than specified deadline",
    });
  });

  it("backs off before replacing failed pods", () => {
    expect(failureBackoffMs(1)).toBe(1000);
    expect(failureBackoffMs(3)).toBe(4000);
    expect(decideJob(job(), seen(0, 0, 1, now - 200), now)).toEqual({
      kind: "run",
      create: 0,
      removeExtra: 0,
      retryAfterMs: 800,
    });
    expect(decideJob(job(), seen(0, 0, 1, now - 2000), now)).toEqual({ kind: "run", create: 1, removeExtra: 0 });
  });

  it("does nothing more once finished", () => {
    const finished = job(
      {},
      { conditions: [{ type: "Complete", status: "True", lastProbeTime: "", lastTransitionTime: "" }] },
    );
    expect(decideJob(finished, seen(0, 1), now)).toEqual({ kind: "finished" });
  });
});

describe("Job admission", () => {
  const admit = (object: Job) => {
    const attrs: AdmissionAttributes = {
      operation: "CREATE",
      resource: "jobs.batch",
      object,
      dryRun: false,
      internal: false,
    };
    jobAdmissionPlugin.admit(attrs, new MemoryStore());
    return object;
  };

  it("defaults the spec, selector and template labels", () => {
    const j = admit({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "train", namespace: "ns", uid: "u1" },
      spec: { template: { spec: { containers: [{ name: "c", image: "x" }], restartPolicy: "Never" } } },
    });
    expect(j.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } },
    });
    expect(j.spec.template.metadata?.labels).toEqual({
      "batch.kubernetes.io/controller-uid": "u1",
      "batch.kubernetes.io/job-name": "train",
      "controller-uid": "u1",
      "job-name": "train",
    });
  });

  it("refuses the defaulted Always restart policy like ValidateJob", () => {
    const object: Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "bad", namespace: "ns", uid: "u2" },
      spec: { template: { spec: { containers: [{ name: "c", image: "x" }] } } },
    };
    expect(() => admit(object)).toThrow(
      'Job.batch "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );
  });
});

describe("completed indexes", () => {
  it("formats and parses ranges", () => {
    expect(formatIndexes(new Set([4, 0, 1, 2, 7, 8]))).toBe("0-2,4,7-8");
    expect(formatIndexes(new Set())).toBe("");
    expect(parseIndexes("0-2,4,7-8")).toEqual([0, 1, 2, 4, 7, 8]);
  });
});
