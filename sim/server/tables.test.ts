import { describe, expect, it } from "vitest";

import type { KubeObject } from "../contract";
import { BUILTIN_TYPES } from "./builtin-types";
import { MemoryStore } from "./store";
import { humanDuration, podStatusText, printerFor, toTable } from "./tables";

const pod = (status: Record<string, unknown>, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "ns", creationTimestamp: new Date().toISOString(), ...extra },
  spec: { containers: [{ name: "a" }, { name: "b" }] },
  status,
});

describe("humanDuration", () => {
  it.each([
    [5_000, "5s"],
    [119_000, "119s"],
    [192_000, "3m12s"],
    [600_000, "10m"],
    [5 * 3600_000, "5h"],
    [5 * 3600_000 + 30 * 60_000, "5h30m"],
    [30 * 3600_000, "30h"],
    [51 * 3600_000, "2d3h"],
    [10 * 86400_000, "10d"],
    [(365 * 2 + 331) * 86400_000, "2y331d"],
  ])("%d ms → %s", (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe("pod STATUS column", () => {
  it("follows kubectl's printPod", () => {
    expect(podStatusText(pod({ phase: "Pending" })).reason).toBe("Pending");
    const creating = {
      phase: "Pending",
      containerStatuses: [
        { name: "a", state: { waiting: { reason: "ContainerCreating" } } },
        { name: "b", state: { waiting: { reason: "ContainerCreating" } } },
      ],
    };
    expect(podStatusText(pod(creating)).reason).toBe("ContainerCreating");
    const running = {
      phase: "Running",
      containerStatuses: [
        { name: "a", ready: true, restartCount: 2, state: { running: {} } },
        { name: "b", ready: false, state: { running: {} } },
      ],
    };
    expect(podStatusText(pod(running))).toMatchObject({ reason: "Running", ready: 1, restarts: 2 });
    const oom = {
      phase: "Running",
      containerStatuses: [{ name: "a", state: { terminated: { reason: "OOMKilled", exitCode: 137 } } }],
    };
    expect(podStatusText(pod(oom)).reason).toBe("OOMKilled");
    const exit = { phase: "Failed", containerStatuses: [{ name: "a", state: { terminated: { exitCode: 3 } } }] };
    expect(podStatusText(pod(exit)).reason).toBe("ExitCode:3");
    const init = {
      phase: "Pending",
      initContainerStatuses: [{ name: "i", state: { waiting: { reason: "PodInitializing" } } }],
    };
    expect(
      podStatusText({ ...pod(init), spec: { initContainers: [{ name: "i" }], containers: [{ name: "a" }] } }).reason,
    ).toBe("Init:0/1");
    // A started native sidecar does not hold the pod in Init; a failed init container shows as Init:Error.
    const sidecar = {
      phase: "Running",
      initContainerStatuses: [{ name: "proxy", started: true, state: { running: {} } }],
      containerStatuses: [{ name: "a", ready: true, state: { running: {} } }],
    };
    expect(
      podStatusText({
        ...pod(sidecar),
        spec: { initContainers: [{ name: "proxy", restartPolicy: "Always" }], containers: [{ name: "a" }] },
      }).reason,
    ).toBe("Running");
    const initFailed = {
      phase: "Failed",
      initContainerStatuses: [{ name: "i", state: { terminated: { exitCode: 1, reason: "Error" } } }],
    };
    expect(
      podStatusText({ ...pod(initFailed), spec: { initContainers: [{ name: "i" }], containers: [{ name: "a" }] } })
        .reason,
    ).toBe("Init:Error");
    expect(podStatusText(pod({ phase: "Running" }, { deletionTimestamp: new Date().toISOString() })).reason).toBe(
      "Terminating",
    );
    expect(podStatusText(pod({ phase: "Failed", reason: "Evicted" })).reason).toBe("Evicted");
  });
});

describe("tables", () => {
  const store = new MemoryStore();
  const type = (key: string) => BUILTIN_TYPES.find((t) => t.key === key)!;

  it("prints jobs with completions and duration", () => {
    const job: KubeObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", creationTimestamp: new Date().toISOString() },
      spec: {
        completions: 3,
        template: { spec: { containers: [{ name: "m", image: "busybox" }] } },
        selector: { matchLabels: { a: "b" } },
      },
      status: {
        succeeded: 3,
        startTime: "2026-01-01T00:00:00Z",
        completionTime: "2026-01-01T00:00:42Z",
        conditions: [{ type: "Complete", status: "True" }],
      },
    };
    const table = toTable(printerFor(store, type("jobs.batch")), [job], { resourceVersion: "1" }, "Metadata");
    expect((table.rows as { cells: unknown[] }[])[0].cells).toEqual([
      "j",
      "Complete",
      "3/3",
      "42s",
      expect.any(String),
      "m",
      "busybox",
      "a=b",
    ]);
  });

  it("prints nodes with status and roles", () => {
    const node: KubeObject = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n", labels: { "node-role.kubernetes.io/gpu": "", "node-role.kubernetes.io/worker": "" } },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        nodeInfo: { kubeletVersion: "v1.30.4", kernelVersion: "6.1.0-18-amd64", architecture: "amd64" },
      },
    };
    const cells = printerFor(store, type("nodes")).cells(node);
    expect(cells.slice(0, 3)).toEqual(["n", "Ready,SchedulingDisabled", "gpu,worker"]);
    expect(cells[4]).toBe("v1.30.4");
    expect(cells[8]).toBe("6.1.0-18-amd64 (amd64)");
  });

  it("prints events.k8s.io-style events with their series and reporting controller", () => {
    const at = new Date(Date.now() - 60_000).toISOString().replace("Z", "000Z");
    const event: KubeObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "p.1", namespace: "ns" },
      involvedObject: { kind: "Pod", name: "p" },
      type: "Warning",
      reason: "FailedScheduling",
      message: "0/1 nodes are available",
      source: {},
      eventTime: at,
      firstTimestamp: null,
      lastTimestamp: null,
      reportingComponent: "default-scheduler",
      reportingInstance: "default-scheduler-host",
      series: { count: 3, lastObservedTime: new Date(Date.now() - 5_000).toISOString().replace("Z", "000Z") },
    };
    const cells = printerFor(store, type("events")).cells(event);
    expect(cells).toEqual([
      "5s",
      "Warning",
      "FailedScheduling",
      "pod/p",
      "",
      "default-scheduler, default-scheduler-host",
      "0/1 nodes are available",
      "60s",
      "3",
      "p.1",
    ]);
  });

  it("prints quotas as used/hard per resource, AGE last as 1.37 does", () => {
    const quota: KubeObject = {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "q" },
      spec: {},
      status: { hard: { pods: "10", "limits.cpu": "4" }, used: { pods: "2", "limits.cpu": "1" } },
    };
    const printer = printerFor(store, type("resourcequotas"));
    expect(printer.columns.map((column) => column.name)).toEqual(["Name", "Request", "Limit", "Age"]);
    expect(printer.cells(quota).slice(0, 3)).toEqual(["q", "pods: 2/10", "limits.cpu: 1/4"]);
  });
});
