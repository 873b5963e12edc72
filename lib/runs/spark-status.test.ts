import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import type { SparkApplicationObject } from "@/lib/kube/spark-applications";

import { deriveSparkRunStatus, operatorSilentReason } from "./spark-status";

const app = (state?: string, errorMessage?: string, extra: Record<string, unknown> = {}): SparkApplicationObject => ({
  apiVersion: "sparkoperator.k8s.io/v1beta2",
  kind: "SparkApplication",
  metadata: { name: "berth-spark-recipe-r1", namespace: "spark-etl" },
  ...(state === undefined
    ? {}
    : { status: { applicationState: { state, ...(errorMessage ? { errorMessage } : {}) }, ...extra } }),
});

const driver = (phase: string, extra: Partial<NonNullable<V1Pod["status"]>> = {}): V1Pod => ({
  metadata: {
    name: "berth-spark-recipe-r1-driver",
    namespace: "spark-etl",
    labels: { "spark-role": "driver" },
    creationTimestamp: new Date("2026-12-05T10:00:00Z"),
  },
  spec: {
    containers: [{ name: "spark-kubernetes-driver", image: "spark", resources: { limits: { memory: "1408Mi" } } }],
    nodeName: phase === "Pending" ? undefined : "node-1",
  },
  status: { phase, ...extra },
});

const started = new Date("2026-12-05T10:00:05Z");
const ended = new Date("2026-12-05T10:01:00Z");
const terminated = (exitCode: number, reason = exitCode ? "Error" : "Completed") => ({
  containerStatuses: [
    {
      name: "spark-kubernetes-driver",
      image: "spark",
      imageID: "",
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode, reason, startedAt: started, finishedAt: ended } },
    },
  ],
});

describe("deriveSparkRunStatus: every SparkApplication state to a run status", () => {
  it("says nothing before the operator gives a state and no pod exists (NEW)", () => {
    expect(deriveSparkRunStatus(app(), [])).toBeNull();
    expect(deriveSparkRunStatus(app(""), [])).toBeNull();
  });

  it("SUBMISSION_FAILED and FAILED end the run failed with the operator's errorMessage", () => {
    const refused = deriveSparkRunStatus(
      app("SUBMISSION_FAILED", "failed to run spark-submit: pods is forbidden: exceeded quota: q"),
      [],
    );
    expect(refused).toMatchObject({
      status: "failed",
      reason:
        "The Spark operator could not submit the application: failed to run spark-submit: pods is forbidden: exceeded quota: q",
    });
    expect(deriveSparkRunStatus(app("FAILED", "failed to run spark-submit: boom"), [])).toMatchObject({
      status: "failed",
      reason: "The Spark application failed: failed to run spark-submit: boom",
    });
    expect(deriveSparkRunStatus(app("FAILED"), [])).toMatchObject({
      status: "failed",
      reason: "The Spark application failed (the Spark operator gave no message)",
    });
  });

  it("FAILED after the driver ran: the driver's own failure, then the operator's words, with its exit code and times", () => {
    const derived = deriveSparkRunStatus(app("FAILED", "driver container failed with ExitCode: 3, Reason: Error"), [
      driver("Failed", terminated(3)),
    ]);
    expect(derived).toMatchObject({
      status: "failed",
      exitCode: 3,
      reason:
        'The container "spark-kubernetes-driver" exited with code 3 (Error) (Spark operator: driver container failed with ExitCode: 3, Reason: Error)',
      startedAt: started,
      finishedAt: ended,
    });
  });

  it("COMPLETED succeeds, with the driver's times when its pod is known", () => {
    expect(deriveSparkRunStatus(app("COMPLETED"), [driver("Succeeded", terminated(0))])).toEqual({
      status: "succeeded",
      reason: null,
      exitCode: 0,
      startedAt: started,
      finishedAt: ended,
    });
    expect(
      deriveSparkRunStatus(app("COMPLETED", undefined, { terminationTime: "2026-12-05T10:02:00Z" }), []),
    ).toMatchObject({ status: "succeeded", finishedAt: new Date("2026-12-05T10:02:00Z") });
  });

  it("SUCCEEDING and FAILING are still running: the operator is finishing, and may rerun a failure", () => {
    expect(deriveSparkRunStatus(app("SUCCEEDING"), [driver("Succeeded", terminated(0))])).toMatchObject({
      status: "running",
      reason: "The driver has finished; the Spark operator is completing the application",
    });
    expect(
      deriveSparkRunStatus(app("FAILING", "driver container failed with ExitCode: 1, Reason: Error"), [
        driver("Failed", terminated(1)),
      ]),
    ).toMatchObject({
      status: "running",
      reason:
        "The driver failed; the Spark operator is ending the application or will retry it: driver container failed with ExitCode: 1, Reason: Error",
    });
  });

  it("SUBMITTED and RUNNING follow the pods (why the driver waits); without a driver pod yet, the operator's state", () => {
    const unschedulable = driver("Pending", {
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/2 nodes are available: 2 Insufficient memory.",
        },
      ],
    });
    expect(deriveSparkRunStatus(app("SUBMITTED"), [unschedulable])).toMatchObject({
      status: "pending",
      reason: expect.stringMatching(/^No node has 1408Mi free memory/),
    });
    expect(deriveSparkRunStatus(app("SUBMITTED"), [])).toMatchObject({
      status: "pending",
      reason: "The Spark operator submitted the application; waiting for the driver pod",
    });
    expect(
      deriveSparkRunStatus(app("RUNNING"), [
        driver("Running", {
          containerStatuses: [
            {
              name: "spark-kubernetes-driver",
              image: "spark",
              imageID: "",
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: started } },
            },
          ],
        }),
      ]),
    ).toMatchObject({
      status: "running",
      reason: null,
      startedAt: started,
    });
    // The driver ended but the operator has not said so yet: not final until it does.
    expect(deriveSparkRunStatus(app("RUNNING"), [driver("Succeeded", terminated(0))])).toMatchObject({
      status: "running",
      reason: "The driver has ended; waiting for the Spark operator to record it",
    });
  });

  it("PENDING_RERUN, INVALIDATING, UNKNOWN, SUSPENDING/SUSPENDED/RESUMING and unknown states say what the operator does", () => {
    expect(deriveSparkRunStatus(app("PENDING_RERUN", "driver container failed with ExitCode: 1"), [])).toMatchObject({
      status: "pending",
      reason: "The Spark operator will submit the application again after: driver container failed with ExitCode: 1",
    });
    expect(deriveSparkRunStatus(app("INVALIDATING"), [])).toMatchObject({
      status: "pending",
      reason: "The application was changed; the Spark operator is submitting it again",
    });
    expect(deriveSparkRunStatus(app("UNKNOWN"), [])).toMatchObject({
      status: "running",
      reason: "The Spark operator cannot tell the driver's state (UNKNOWN): its node may have stopped reporting",
    });
    expect(deriveSparkRunStatus(app("SUSPENDED"), [])).toMatchObject({
      status: "pending",
      reason: "The application is suspended",
    });
    expect(deriveSparkRunStatus(app("SUSPENDING"), [])).toMatchObject({
      status: "pending",
      reason: "The application is being suspended",
    });
    expect(deriveSparkRunStatus(app("RESUMING"), [])).toMatchObject({
      status: "pending",
      reason: "The application is resuming",
    });
    expect(deriveSparkRunStatus(app("SOMETHING_NEW"), [])).toMatchObject({
      status: "pending",
      reason: "The Spark operator reports state SOMETHING_NEW",
    });
  });
});

describe("operatorSilentReason", () => {
  it("names the namespace, the wait and what to do", () => {
    expect(operatorSilentReason("spark-etl", 30_000)).toBe(
      "The Spark operator is not handling namespace spark-etl: the SparkApplication got no status within 30 s. The operator acts only in its job namespaces (Helm value spark.jobNamespaces); ask a cluster admin to add spark-etl, or use a Spark config whose namespace it handles",
    );
  });
});
