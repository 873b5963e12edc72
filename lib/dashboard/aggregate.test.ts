import type { V1Node, V1Pod, V1ResourceQuota } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import { compactPod } from "@/lib/kube/pods";

import {
  ClusterAggregator,
  NOT_FROM_BERTH,
  PENDING_LIST_LIMIT,
  pendingReason,
  podGpus,
  podMayHoldGpu,
  quotaRecord,
  slimPod,
  UNLABELLED,
} from "./aggregate";

const NOW = Date.parse("2026-11-27T12:00:00Z");

interface PodOptions {
  uid?: string;
  namespace?: string;
  phase?: string;
  node?: string;
  gpus?: number;
  labels?: Record<string, string>;
  finishedAt?: string;
  deleting?: boolean;
}

function pod(name: string, options: PodOptions = {}): V1Pod {
  const gpus = options.gpus ?? 0;
  return {
    metadata: {
      uid: options.uid ?? `uid-${name}`,
      name,
      namespace: options.namespace ?? "team-a",
      labels: options.labels,
      creationTimestamp: new Date(NOW - 60_000),
      ...(options.deleting ? { deletionTimestamp: new Date(NOW) } : {}),
    },
    spec: {
      nodeName: options.node,
      containers: [
        { name: "main", image: "python", resources: gpus ? { limits: { "nvidia.com/gpu": String(gpus) } } : {} },
      ],
    },
    status: {
      phase: options.phase ?? "Running",
      startTime: new Date(NOW - 30_000),
      ...(options.finishedAt
        ? {
            containerStatuses: [
              {
                name: "main",
                image: "python",
                imageID: "",
                ready: false,
                restartCount: 0,
                state: { terminated: { exitCode: 1, finishedAt: new Date(options.finishedAt) } },
              },
            ],
          }
        : {}),
    },
  };
}

const berth = (project: string, user = "alice", extra: Record<string, string> = {}) => ({
  "berth.dev/run": `run-${project}`,
  "berth.dev/project": project,
  "berth.dev/user": user,
  "berth.dev/activity": "notebook",
  "berth.dev/exec-config": "gpu-small",
  ...extra,
});

const node = (name: string, gpus: number): V1Node => ({
  metadata: { name },
  status: { allocatable: gpus ? { cpu: "8", "nvidia.com/gpu": String(gpus) } : { cpu: "8" } },
});

function quota(
  name: string,
  namespace: string,
  hard: Record<string, string>,
  used: Record<string, string>,
  labels?: Record<string, string>,
): V1ResourceQuota {
  return {
    metadata: { uid: `q-${namespace}-${name}`, name, namespace, labels },
    spec: { hard },
    status: { hard, used },
  };
}

const make = (now = NOW) => new ClusterAggregator(() => now);

describe("the quota views", () => {
  it("are kept across pod changes that do not touch them, and rebuilt when a quota or its projects change", () => {
    const aggregator = make();
    aggregator.applyQuota({ type: "add", object: quota("q", "team-a", { pods: "10" }, { pods: "1" }) });
    const first = aggregator.snapshot().quotas;
    aggregator.applyPod({ type: "add", object: pod("foreign") });
    expect(aggregator.snapshot().quotas).toBe(first);
    aggregator.applyPod({ type: "add", object: pod("made", { labels: berth("vision") }) });
    const second = aggregator.snapshot().quotas;
    expect(second).not.toBe(first);
    expect(second[0].projects).toEqual(["vision"]);
    aggregator.applyQuota({ type: "update", object: quota("q", "team-a", { pods: "10" }, { pods: "2" }) });
    expect(aggregator.snapshot().quotas[0].used).toEqual({ pods: "2" });
  });
});

describe("the shared cache's compact pods", () => {
  const waiting = (reason: string, message?: string) => [
    {
      name: "main",
      image: "python",
      imageID: "",
      ready: false,
      restartCount: 0,
      state: { waiting: { reason, message } },
    },
  ];
  const variants: [string, V1Pod][] = [
    ["running, on a node", pod("plain", { node: "n1" })],
    ["running with GPUs", pod("gpu", { node: "g1", gpus: 2 })],
    ["being deleted", pod("leaving", { node: "n1", deleting: true })],
    ["failed, with an end time", pod("failed", { phase: "Failed", node: "n1", finishedAt: "2026-11-27T11:50:00Z" })],
    [
      "failed, dated by its Ready condition",
      {
        ...pod("failed-ready", { phase: "Failed", node: "n1" }),
        status: {
          phase: "Failed",
          conditions: [{ type: "Ready", status: "False", lastTransitionTime: new Date(NOW - 5_000) }],
        },
      },
    ],
    [
      "pending, unschedulable",
      {
        ...pod("unschedulable", { phase: "Pending", gpus: 1 }),
        status: {
          phase: "Pending",
          conditions: [
            { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available" },
          ],
        },
      },
    ],
    [
      "pending, pulling",
      {
        ...pod("pulling", { phase: "Pending", node: "n1" }),
        status: { phase: "Pending", containerStatuses: waiting("ImagePullBackOff", "back-off pulling") },
      },
    ],
    [
      "with a MIG device in an init container",
      {
        ...pod("mig", { node: "g1" }),
        spec: {
          nodeName: "g1",
          containers: [{ name: "main" }],
          initContainers: [{ name: "init", resources: { requests: { "nvidia.com/mig-1g.5gb": "1", cpu: "1" } } }],
        },
      },
    ],
    [
      "with a resource claim",
      {
        ...pod("claim", { node: "g1" }),
        spec: { nodeName: "g1", containers: [{ name: "main" }], resourceClaims: [{ name: "gpu" }] },
      },
    ],
    ["with an unknown phase", { ...pod("unknown", { node: "n1" }), status: { phase: "Unknown" } }],
  ];

  it.each(variants)("give the dashboard the same record as the whole pod: %s", (_, whole) => {
    expect(slimPod(compactPod(whole), NOW)).toEqual(slimPod(whole, NOW));
  });

  it("keep Berth's pods whole", () => {
    const made = pod("run-pod", { labels: berth("vision") });
    expect(compactPod(made)).toBe(made);
  });
});

describe("slimPod", () => {
  it("keeps only what the dashboard shows", () => {
    const slim = slimPod(pod("train", { node: "gpu-1", gpus: 2, labels: berth("vision") }), NOW);
    expect(slim).toEqual({
      uid: "uid-train",
      namespace: "team-a",
      name: "train",
      phase: "Running",
      node: "gpu-1",
      fromBerth: true,
      run: "run-vision",
      project: "vision",
      user: "alice",
      activity: "notebook",
      execConfig: "gpu-small",
      gpus: 2,
      mayHoldGpu: true,
      pendingReason: null,
      startedAt: NOW - 30_000,
      finishedAt: null,
    });
  });

  it("knows which pods may be given an NVIDIA device: whole GPUs, MIG profiles, resource claims", () => {
    const withResources = (resources: Record<string, string>) => ({
      metadata: { uid: "u", name: "p", namespace: "n" },
      spec: { containers: [{ name: "c", resources: { limits: resources } }] },
    });
    expect(podMayHoldGpu(withResources({ "nvidia.com/gpu": "1" }))).toBe(true);
    expect(podMayHoldGpu(withResources({ "nvidia.com/mig-1g.5gb": "1" }))).toBe(true);
    expect(
      podMayHoldGpu({
        metadata: {},
        spec: { containers: [{ name: "c" }], resourceClaims: [{ name: "gpu", resourceClaimName: "a100" }] },
      }),
    ).toBe(true);
    // dcgm-exporter itself sees every GPU without asking for one.
    expect(podMayHoldGpu(withResources({ cpu: "100m", memory: "128Mi" }))).toBe(false);
  });

  it("reads times given as strings (watch JSON) like Dates (list objects)", () => {
    const fromWatch = JSON.parse(
      JSON.stringify(pod("p", { phase: "Failed", finishedAt: "2026-11-27T11:50:00Z" })),
    ) as V1Pod;
    expect(slimPod(fromWatch, NOW)).toMatchObject({
      startedAt: NOW - 30_000,
      finishedAt: Date.parse("2026-11-27T11:50:00Z"),
    });
  });

  it("dates a failure without end times at the time it is seen", () => {
    expect(slimPod(pod("p", { phase: "Failed" }), NOW)?.finishedAt).toBe(NOW);
  });

  it("ignores an object without uid", () => {
    expect(slimPod({ metadata: { name: "x" } }, NOW)).toBeNull();
  });
});

describe("podGpus", () => {
  it("sums containers' requests (else limits) in whole units, and takes a larger init container", () => {
    const two: V1Pod = {
      spec: {
        containers: [
          { name: "a", resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } } },
          { name: "b", resources: { limits: { "nvidia.com/gpu": "1" } } },
          { name: "c", resources: { requests: { cpu: "1" } } },
        ],
      },
    };
    expect(podGpus(two)).toBe(2);
    expect(
      podGpus({
        spec: {
          containers: [{ name: "a" }],
          initContainers: [{ name: "i", resources: { limits: { "nvidia.com/gpu": "3" } } }],
        },
      }),
    ).toBe(3);
    expect(
      podGpus({ spec: { containers: [{ name: "a", resources: { limits: { "nvidia.com/gpu": "bogus" } } }] } }),
    ).toBe(0);
  });
});

describe("pendingReason", () => {
  it("gives the scheduler's message for an unschedulable pod", () => {
    const pending: V1Pod = {
      spec: { containers: [] },
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/6 nodes are available: 6 Insufficient nvidia.com/gpu.",
          },
        ],
      },
    };
    expect(pendingReason(pending)).toBe("0/6 nodes are available: 6 Insufficient nvidia.com/gpu.");
  });

  it("gives a waiting container's reason and message", () => {
    const pulling: V1Pod = {
      spec: { nodeName: "n1", containers: [] },
      status: {
        phase: "Pending",
        containerStatuses: [
          {
            name: "main",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } },
          },
        ],
      },
    };
    expect(pendingReason(pulling)).toBe('ImagePullBackOff: Back-off pulling image "x"');
  });

  it("says where an undecided pod is", () => {
    expect(pendingReason({ spec: { containers: [] }, status: { phase: "Pending" } })).toBe("Waiting for the scheduler");
    expect(pendingReason({ spec: { nodeName: "n1", containers: [] }, status: { phase: "Pending" } })).toBe(
      "ContainerCreating",
    );
  });
});

describe("ClusterAggregator: pods", () => {
  it("counts added pods by phase and by every breakdown, with unlabelled pods as not from Berth", () => {
    const aggregator = make();
    aggregator.applyPod({ type: "add", object: pod("a", { node: "gpu-1", gpus: 1, labels: berth("vision") }) });
    aggregator.applyPod({ type: "add", object: pod("b", { node: "cpu-1", labels: berth("vision", "bob") }) });
    aggregator.applyPod({ type: "add", object: pod("c", { namespace: "kube-system", node: "cpu-1" }) });
    aggregator.applyPod({ type: "add", object: pod("d", { phase: "Pending", labels: berth("nlp") }) });
    aggregator.applyPod({ type: "add", object: pod("e", { phase: "Succeeded", node: "cpu-1" }) });
    const snapshot = aggregator.snapshot();
    expect(snapshot).toMatchObject({ totalPods: 5, runningPods: 3, pendingPods: 1, failedLastHour: 0 });
    expect(snapshot.breakdown.project).toEqual([
      { key: "nlp", running: 0, pending: 1, gpus: 0 },
      { key: "vision", running: 2, pending: 0, gpus: 1 },
      { key: NOT_FROM_BERTH, running: 1, pending: 0, gpus: 0 },
    ]);
    expect(snapshot.breakdown.namespace).toEqual([
      { key: "kube-system", running: 1, pending: 0, gpus: 0 },
      { key: "team-a", running: 2, pending: 1, gpus: 1 },
    ]);
    expect(snapshot.breakdown.user.map((row) => row.key)).toEqual(["alice", "bob", NOT_FROM_BERTH]);
    expect(snapshot.breakdown.activity).toContainEqual({ key: "notebook", running: 2, pending: 1, gpus: 1 });
    expect(snapshot.breakdown.execConfig).toContainEqual({ key: "gpu-small", running: 2, pending: 1, gpus: 1 });
  });

  it("counts a Berth pod without one of the labels under (none)", () => {
    const aggregator = make();
    aggregator.applyPod({
      type: "add",
      object: pod("spark-exec", { labels: { "berth.dev/project": "etl", "berth.dev/user": "carol" } }),
    });
    expect(aggregator.snapshot().breakdown.execConfig).toEqual([{ key: UNLABELLED, running: 1, pending: 0, gpus: 0 }]);
  });

  it("moves counts when a pod changes phase: pending → running → failed", () => {
    const aggregator = make();
    aggregator.applyPod({ type: "add", object: pod("job", { phase: "Pending", gpus: 2, labels: berth("vision") }) });
    expect(aggregator.snapshot()).toMatchObject({ runningPods: 0, pendingPods: 1, gpu: { requested: 0 } });
    aggregator.applyPod({
      type: "update",
      object: pod("job", { phase: "Running", node: "gpu-1", gpus: 2, labels: berth("vision") }),
    });
    expect(aggregator.snapshot()).toMatchObject({
      runningPods: 1,
      pendingPods: 0,
      pending: [],
      gpu: { requested: 2, projects: [{ project: "vision", gpus: 2 }] },
    });
    aggregator.applyPod({
      type: "update",
      object: pod("job", {
        phase: "Failed",
        node: "gpu-1",
        gpus: 2,
        labels: berth("vision"),
        finishedAt: "2026-11-27T11:59:00Z",
      }),
    });
    const snapshot = aggregator.snapshot();
    expect(snapshot).toMatchObject({
      runningPods: 0,
      pendingPods: 0,
      failedLastHour: 1,
      gpu: { requested: 0, projects: [] },
    });
    expect(snapshot.failed).toEqual([
      {
        namespace: "team-a",
        name: "job",
        run: "run-vision",
        project: "vision",
        user: "alice",
        finishedAt: "2026-11-27T11:59:00.000Z",
      },
    ]);
    expect(snapshot.breakdown.project).toEqual([]);
  });

  it("counts failures of the last hour only, as time passes", () => {
    let now = NOW;
    const aggregator = new ClusterAggregator(() => now);
    aggregator.applyPod({ type: "add", object: pod("old", { phase: "Failed", finishedAt: "2026-11-27T10:30:00Z" }) });
    aggregator.applyPod({ type: "add", object: pod("new", { phase: "Failed", finishedAt: "2026-11-27T11:30:00Z" }) });
    expect(aggregator.snapshot().failedLastHour).toBe(1);
    now += 31 * 60_000;
    expect(aggregator.snapshot().failedLastHour).toBe(0);
  });

  it("keeps the first-seen time of a failure without end times across updates", () => {
    let now = NOW;
    const aggregator = new ClusterAggregator(() => now);
    aggregator.applyPod({ type: "add", object: pod("f", { phase: "Failed" }) });
    const version = aggregator.version;
    now += 10_000;
    expect(aggregator.applyPod({ type: "update", object: pod("f", { phase: "Failed" }) })).toBe(false);
    expect(aggregator.version).toBe(version);
    expect(aggregator.snapshot().failed[0].finishedAt).toBe(new Date(NOW).toISOString());
  });

  it("lists pending pods with their reason, oldest arrival first, capped", () => {
    const aggregator = make();
    for (let i = 0; i < PENDING_LIST_LIMIT + 5; i++)
      aggregator.applyPod({ type: "add", object: pod(`p${i}`, { phase: "Pending", gpus: 1 }) });
    // An update of a waiting pod keeps its place in the list.
    aggregator.applyPod({ type: "update", object: pod("p0", { phase: "Pending", gpus: 1, node: "gpu-1" }) });
    const snapshot = aggregator.snapshot();
    expect(snapshot.pendingPods).toBe(PENDING_LIST_LIMIT + 5);
    expect(snapshot.pending).toHaveLength(PENDING_LIST_LIMIT);
    expect(snapshot.pending[0]).toMatchObject({ name: "p0", reason: "ContainerCreating", gpus: 1 });
    expect(snapshot.pending[1]).toMatchObject({
      name: "p1",
      reason: "Waiting for the scheduler",
      since: new Date(NOW - 30_000).toISOString(),
    });
  });

  it("removes a deleted pod's contribution, even when the delete carries an older object", () => {
    const aggregator = make();
    aggregator.applyPod({ type: "add", object: pod("a", { phase: "Pending", gpus: 1, labels: berth("vision") }) });
    aggregator.applyPod({ type: "update", object: pod("a", { node: "gpu-1", gpus: 1, labels: berth("vision") }) });
    aggregator.applyPod({ type: "delete", object: pod("a", { phase: "Pending", gpus: 1, labels: berth("vision") }) });
    const snapshot = aggregator.snapshot();
    expect(snapshot).toMatchObject({
      totalPods: 0,
      runningPods: 0,
      pendingPods: 0,
      gpu: { requested: 0, projects: [] },
    });
    expect(snapshot.breakdown.namespace).toEqual([]);
  });

  it("counts a terminating pod that still runs as running until it is gone", () => {
    const aggregator = make();
    aggregator.applyPod({ type: "add", object: pod("a", { node: "cpu-1", deleting: true }) });
    expect(aggregator.snapshot().runningPods).toBe(1);
  });

  it("is idempotent: duplicate adds and updates change nothing, a delete of an unknown pod is ignored", () => {
    const aggregator = make();
    const object = pod("a", { node: "gpu-1", gpus: 2, labels: berth("vision") });
    expect(aggregator.applyPod({ type: "add", object })).toBe(true);
    const version = aggregator.version;
    expect(aggregator.applyPod({ type: "add", object })).toBe(false);
    expect(aggregator.applyPod({ type: "update", object: JSON.parse(JSON.stringify(object)) as V1Pod })).toBe(false);
    expect(aggregator.applyPod({ type: "delete", object: pod("ghost") })).toBe(false);
    expect(aggregator.version).toBe(version);
    expect(aggregator.snapshot()).toMatchObject({ totalPods: 1, runningPods: 1, gpu: { requested: 2 } });
    aggregator.applyPod({ type: "delete", object });
    expect(aggregator.applyPod({ type: "delete", object })).toBe(false);
    expect(aggregator.snapshot()).toMatchObject({ totalPods: 0, runningPods: 0, gpu: { requested: 0 } });
  });

  it("treats a pod re-created with the same name as a new pod (by uid)", () => {
    const aggregator = make();
    aggregator.applyPod({ type: "add", object: pod("a", { uid: "one", node: "gpu-1", gpus: 1 }) });
    aggregator.applyPod({ type: "add", object: pod("a", { uid: "two", node: "gpu-2", gpus: 1 }) });
    aggregator.applyPod({ type: "delete", object: pod("a", { uid: "one", node: "gpu-1", gpus: 1 }) });
    expect(aggregator.snapshot()).toMatchObject({
      runningPods: 1,
      gpu: { requested: 1, nodes: [{ node: "gpu-2", requested: 1 }] },
    });
  });
});

describe("ClusterAggregator: GPUs", () => {
  it("sums node allocatable and maps which pods hold each node's GPUs", () => {
    const aggregator = make();
    aggregator.applyNode({ type: "add", object: node("gpu-1", 4) });
    aggregator.applyNode({ type: "add", object: node("gpu-2", 4) });
    aggregator.applyNode({ type: "add", object: node("cpu-1", 0) });
    aggregator.applyPod({ type: "add", object: pod("a", { node: "gpu-1", gpus: 3, labels: berth("vision") }) });
    aggregator.applyPod({
      type: "add",
      object: pod("b", { node: "gpu-1", gpus: 1, namespace: "ml", labels: berth("nlp", "bob") }),
    });
    aggregator.applyPod({ type: "add", object: pod("c", { node: "cpu-1" }) });
    const { gpu } = aggregator.snapshot();
    expect(gpu.allocatable).toBe(8);
    expect(gpu.requested).toBe(4);
    expect(gpu.nodes).toEqual([
      {
        node: "gpu-1",
        allocatable: 4,
        requested: 4,
        pods: [
          { namespace: "ml", name: "b", run: "run-nlp", project: "nlp", user: "bob", gpus: 1 },
          { namespace: "team-a", name: "a", run: "run-vision", project: "vision", user: "alice", gpus: 3 },
        ],
      },
      { node: "gpu-2", allocatable: 4, requested: 0, pods: [] },
    ]);
    expect(gpu.projects).toEqual([
      { project: "nlp", gpus: 1 },
      { project: "vision", gpus: 3 },
    ]);
  });

  it("moves a pod's GPUs when it is seen on another node, and follows node changes and deletes", () => {
    const aggregator = make();
    aggregator.applyNode({ type: "add", object: node("gpu-1", 4) });
    aggregator.applyNode({ type: "add", object: node("gpu-2", 4) });
    aggregator.applyPod({ type: "add", object: pod("a", { node: "gpu-1", gpus: 2 }) });
    aggregator.applyPod({ type: "update", object: pod("a", { node: "gpu-2", gpus: 2 }) });
    expect(aggregator.snapshot().gpu.nodes.map((entry) => [entry.node, entry.requested])).toEqual([
      ["gpu-1", 0],
      ["gpu-2", 2],
    ]);
    aggregator.applyNode({ type: "update", object: node("gpu-1", 2) });
    expect(aggregator.snapshot().gpu.allocatable).toBe(6);
    expect(aggregator.applyNode({ type: "update", object: node("gpu-1", 2) })).toBe(false);
    aggregator.applyNode({ type: "delete", object: node("gpu-1", 2) });
    expect(aggregator.snapshot().gpu).toMatchObject({ allocatable: 4, requested: 2 });
  });

  it("counts a time-sliced node's physical GPUs once: nvidia.com/gpu there counts replicas", () => {
    const aggregator = make();
    aggregator.applyNode({ type: "add", object: node("gpu-1", 4) });
    expect(aggregator.snapshot().gpu).toMatchObject({ allocatable: 4, physical: 4 });
    const sliced = node("gpu-1", 8);
    sliced.metadata!.labels = { "nvidia.com/gpu.replicas": "4" };
    expect(aggregator.applyNode({ type: "update", object: sliced })).toBe(true);
    const { gpu } = aggregator.snapshot();
    expect(gpu).toMatchObject({ allocatable: 8, physical: 2 });
    expect(gpu.nodes).toEqual([{ node: "gpu-1", allocatable: 8, requested: 0, replicas: 4, pods: [] }]);
    // Only the label changing is a change too.
    const plain = node("gpu-1", 8);
    expect(aggregator.applyNode({ type: "update", object: plain })).toBe(true);
    expect(aggregator.snapshot().gpu).toMatchObject({ allocatable: 8, physical: 8 });
  });
});

describe("ClusterAggregator: quotas", () => {
  it("keeps maps keyed as in the status, sorted by pressure, with policy, projects and warning", () => {
    const aggregator = make();
    aggregator.applyQuota({
      type: "add",
      object: quota(
        "berth-quota",
        "team-a",
        { "requests.nvidia.com/gpu": "4", "requests.cpu": "10", pods: "20" },
        { "requests.nvidia.com/gpu": "4", "requests.cpu": "2500m", pods: "3" },
        { "berth.dev/policy": "teams" },
      ),
    });
    aggregator.applyQuota({
      type: "add",
      object: quota("manual", "ml", { "limits.memory": "8Gi" }, { "limits.memory": "2Gi" }),
    });
    aggregator.applyPod({ type: "add", object: pod("a", { node: "gpu-1", gpus: 1, labels: berth("vision") }) });
    aggregator.applyPod({ type: "add", object: pod("b", { phase: "Pending", labels: berth("nlp") }) });
    aggregator.applyPod({ type: "add", object: pod("c", { node: "cpu-1" }) });
    aggregator.applyPod({ type: "add", object: pod("d", { phase: "Succeeded", labels: berth("old") }) });
    const [first, second] = aggregator.snapshot().quotas;
    expect(first).toEqual({
      namespace: "team-a",
      name: "berth-quota",
      hard: { "requests.nvidia.com/gpu": "4", "requests.cpu": "10", pods: "20" },
      used: { "requests.nvidia.com/gpu": "4", "requests.cpu": "2500m", pods: "3" },
      pressure: 1,
      pressureResource: "requests.nvidia.com/gpu",
      warning: true,
      policy: "teams",
      projects: ["nlp", "vision"],
      resources: [
        { resource: "pods", hard: "20", used: "3", ratio: 0.15 },
        { resource: "requests.cpu", hard: "10", used: "2500m", ratio: 0.25 },
        { resource: "requests.nvidia.com/gpu", hard: "4", used: "4", ratio: 1 },
      ],
    });
    expect(second).toMatchObject({
      namespace: "ml",
      pressure: 0.25,
      pressureResource: "limits.memory",
      warning: false,
      policy: null,
      projects: [],
    });
  });

  it("warns from 90 %, treats a zero hard limit that is used as full, and follows updates and deletes", () => {
    const aggregator = make();
    aggregator.applyQuota({ type: "add", object: quota("q", "a", { pods: "10" }, { pods: "8" }) });
    expect(aggregator.snapshot().quotas[0]).toMatchObject({ pressure: 0.8, warning: false });
    aggregator.applyQuota({ type: "update", object: quota("q", "a", { pods: "10" }, { pods: "9" }) });
    expect(aggregator.snapshot().quotas[0]).toMatchObject({ pressure: 0.9, warning: true });
    expect(aggregator.applyQuota({ type: "update", object: quota("q", "a", { pods: "10" }, { pods: "9" }) })).toBe(
      false,
    );
    aggregator.applyQuota({
      type: "update",
      object: quota("q", "a", { "requests.nvidia.com/gpu": "0" }, { "requests.nvidia.com/gpu": "1" }),
    });
    expect(aggregator.snapshot().quotas[0]).toMatchObject({ pressure: 1, pressureResource: "requests.nvidia.com/gpu" });
    aggregator.applyQuota({ type: "delete", object: quota("q", "a", {}, {}) });
    expect(aggregator.snapshot().quotas).toEqual([]);
  });

  it("uses the spec's hard limits before the quota controller fills the status", () => {
    const fresh: V1ResourceQuota = { metadata: { uid: "q", name: "q", namespace: "a" }, spec: { hard: { pods: "5" } } };
    expect(quotaRecord(fresh)).toMatchObject({
      hard: { pods: "5" },
      used: {},
      pressure: 0,
      resources: [{ resource: "pods", hard: "5", used: "0", ratio: 0 }],
    });
  });
});

describe("ClusterAggregator: relists", () => {
  it("reconciles with a full list: vanished objects are removed, present ones upserted", () => {
    const aggregator = make();
    aggregator.applyNode({ type: "add", object: node("gpu-1", 4) });
    aggregator.applyNode({ type: "add", object: node("gpu-2", 4) });
    aggregator.applyPod({ type: "add", object: pod("gone", { node: "gpu-1", gpus: 2 }) });
    aggregator.applyPod({ type: "add", object: pod("stays", { node: "gpu-1", gpus: 1 }) });
    aggregator.applyQuota({ type: "add", object: quota("q", "a", { pods: "1" }, { pods: "1" }) });

    expect(aggregator.replacePods([pod("stays", { node: "gpu-1", gpus: 1 }), pod("new", { phase: "Pending" })])).toBe(
      true,
    );
    expect(aggregator.replaceNodes([node("gpu-2", 4)])).toBe(true);
    expect(aggregator.replaceQuotas([])).toBe(true);
    const snapshot = aggregator.snapshot();
    expect(snapshot).toMatchObject({ totalPods: 2, runningPods: 1, pendingPods: 1, quotas: [] });
    expect(snapshot.gpu).toMatchObject({ allocatable: 4, requested: 1 });
    expect(aggregator.replacePods([pod("stays", { node: "gpu-1", gpus: 1 }), pod("new", { phase: "Pending" })])).toBe(
      false,
    );
  });

  it("gives the same numbers whatever the order of adds and relists (10k pods)", () => {
    const incremental = make();
    const pods = Array.from({ length: 10_000 }, (_, i) =>
      pod(`p${i}`, {
        namespace: `ns-${i % 100}`,
        phase: i % 10 === 0 ? "Pending" : "Running",
        node: `n-${i % 500}`,
        gpus: i % 50 === 0 ? 1 : 0,
        labels: i % 3 ? berth(`proj-${i % 7}`) : undefined,
      }),
    );
    for (const object of pods) incremental.applyPod({ type: "add", object });
    const relisted = make();
    relisted.replacePods(pods);
    expect(incremental.snapshot()).toEqual(relisted.snapshot());
    expect(incremental.snapshot()).toMatchObject({ totalPods: 10_000, runningPods: 9_000, pendingPods: 1_000 });
  });
});

describe("ClusterAggregator.podNamed", () => {
  it("finds any pod by namespace and name, following a pod recreated under the same name", () => {
    const aggregator = new ClusterAggregator(() => NOW);
    const named = (uid: string, phase = "Running"): V1Pod => ({
      metadata: { uid, name: "exporter", namespace: "gpu-operator" },
      spec: { containers: [{ name: "c" }] },
      status: { phase },
    });
    aggregator.applyPod({ type: "add", object: named("old") });
    expect(aggregator.podNamed("gpu-operator", "exporter")).toMatchObject({ uid: "old", gpus: 0, mayHoldGpu: false });
    aggregator.applyPod({ type: "add", object: named("new", "Pending") });
    aggregator.applyPod({ type: "delete", object: named("old") });
    expect(aggregator.podNamed("gpu-operator", "exporter")).toMatchObject({ uid: "new" });
    aggregator.applyPod({ type: "delete", object: named("new") });
    expect(aggregator.podNamed("gpu-operator", "exporter")).toBeUndefined();
  });
});
