/**
 * The cluster behaviour end to end: a simulator on port 0 driven through HTTP with
 * @kubernetes/client-node and the real kubectl — scheduling failures, quota and LimitRange
 * admission, a Job to completion, log following, metrics and the dcgm scrape.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Log,
  type V1Pod,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator, type RunningSimulator } from "../server/index";
import { call, eventually } from "../server/testing/http-client";

let sim: RunningSimulator;
let dir: string;
let kubeconfigPath: string;
let kc: KubeConfig;
let core: CoreV1Api;
let batch: BatchV1Api;

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/kubectl",
      ["--kubeconfig", kubeconfigPath, ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function failure(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return { code: error.code, message: JSON.parse(error.body as string).message };
    throw error;
  }
  throw new Error("expected the call to fail");
}

const simplePod = (
  name: string,
  resources: NonNullable<V1Pod["spec"]>["containers"][number]["resources"] = {},
  annotations: Record<string, string> = {},
): V1Pod => ({
  metadata: { name, annotations },
  spec: { containers: [{ name: "main", image: "busybox:1.36", resources }] },
});

async function namespace(name: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "berth-sim-cluster-"));
  kubeconfigPath = join(dir, "kubeconfig.yaml");
  sim = await startSimulator({
    kubeconfigPath,
    seed: { nodes: 4, gpuNodes: 2, gpusPerNode: 4, pods: 0, namespaces: 1, seed: 1 },
  });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  batch = kc.makeApiClient(BatchV1Api);
});

afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("scheduling and the pod lifecycle", () => {
  it("runs a pod through ContainerCreating to Running with events", async () => {
    await namespace("life");
    await core.createNamespacedPod({
      namespace: "life",
      body: simplePod("web", { requests: { cpu: "250m", memory: "64Mi" } }),
    });
    const running = await eventually(
      async () => {
        const pod = await core.readNamespacedPod({ namespace: "life", name: "web" });
        return pod.status?.phase === "Running" && pod;
      },
      5000,
      "web to run",
    );
    expect(running.spec?.nodeName).toMatch(/^sim-cpu-\d$/);
    expect(running.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(running.status?.qosClass).toBe("Burstable");
    expect(running.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort()).toEqual([
      "ContainersReady=True",
      "Initialized=True",
      "PodReadyToStartContainers=True",
      "PodScheduled=True",
      "Ready=True",
    ]);
    const events = await eventually(
      async () => {
        const list = await core.listNamespacedEvent({ namespace: "life", fieldSelector: "involvedObject.name=web" });
        const reasons = list.items.map((e) => e.reason);
        return ["Scheduled", "Pulling", "Pulled", "Created", "Started"].every((r) => reasons.includes(r)) && list.items;
      },
      3000,
      "lifecycle events",
    );
    expect(events.find((e) => e.reason === "Scheduled")?.message).toBe(
      `Successfully assigned life/web to ${running.spec?.nodeName}`,
    );
    // kube-scheduler records through events.k8s.io: an action, no count or core timestamps.
    expect(events.find((e) => e.reason === "Scheduled")).toMatchObject({
      action: "Binding",
      reportingComponent: "default-scheduler",
      source: {},
      lastTimestamp: null,
    });
  });

  it("leaves a pod asking for more GPUs than any node has Pending with the real message", async () => {
    await namespace("gpu");
    const body = simplePod("greedy", { limits: { "nvidia.com/gpu": "8" } });
    body.spec!.tolerations = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }];
    await core.createNamespacedPod({ namespace: "gpu", body });
    const expected =
      "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.";
    // CPU nodes have no nvidia.com/gpu at all: they fail on resources too, so select GPU nodes only.
    body.metadata!.name = "greedy-selected";
    body.spec!.nodeSelector = { "nvidia.com/gpu.present": "true" };
    await core.createNamespacedPod({ namespace: "gpu", body });
    const condition = await eventually(
      async () => {
        const pod = await core.readNamespacedPod({ namespace: "gpu", name: "greedy-selected" });
        return pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
      },
      3000,
      "Unschedulable condition",
    );
    expect(condition.reason).toBe("Unschedulable");
    expect(condition.message).toBe(expected);
    expect(condition.observedGeneration).toBe(1);
    const plain = await core.readNamespacedPod({ namespace: "gpu", name: "greedy" });
    expect(plain.status?.conditions?.[0].message).toBe(
      "0/6 nodes are available: 6 Insufficient nvidia.com/gpu. preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.",
    );
    const describe = await kubectl("describe", "pod", "-n", "gpu", "greedy-selected");
    expect(describe.stdout).toContain("FailedScheduling");
    expect((await core.readNamespacedPod({ namespace: "gpu", name: "greedy-selected" })).status?.phase).toBe("Pending");

    // Capacity arrives: a node with 8 GPUs joins and the waiting pod is retried and bound.
    await core.deleteNamespacedPod({ namespace: "gpu", name: "greedy" });
    sim.store.create(
      "nodes",
      {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: "big-gpu", labels: { "nvidia.com/gpu.present": "true" } },
        spec: {},
        status: {
          allocatable: { cpu: "64", memory: "512Gi", pods: "110", "nvidia.com/gpu": "8" },
          conditions: [{ type: "Ready", status: "True" }],
          addresses: [{ type: "InternalIP", address: "172.20.9.9" }],
        },
      },
      { internal: true },
    );
    const bound = await eventually(
      async () => {
        const pod = await core.readNamespacedPod({ namespace: "gpu", name: "greedy-selected" });
        return pod.spec?.nodeName ? pod : undefined;
      },
      4000,
      "the retry to bind",
    );
    expect(bound.spec?.nodeName).toBe("big-gpu");
    expect(bound.status?.conditions?.find((c) => c.type === "PodScheduled")?.status).toBe("True");
  });
});

describe("admission", () => {
  it("refuses a pod over quota with the real 403 text and keeps status.used current", async () => {
    await namespace("quota");
    await core.createNamespacedResourceQuota({
      namespace: "quota",
      body: {
        metadata: { name: "team-q" },
        spec: { hard: { "requests.nvidia.com/gpu": "1", pods: "10", "count/jobs.batch": "1" } },
      },
    });
    const gpuPod = (name: string) => {
      const body = simplePod(name, { limits: { "nvidia.com/gpu": "1" } });
      body.spec!.tolerations = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }];
      return body;
    };
    await core.createNamespacedPod({ namespace: "quota", body: gpuPod("first") });
    const refused = await failure(core.createNamespacedPod({ namespace: "quota", body: gpuPod("second") }));
    expect(refused.code).toBe(403);
    expect(refused.message).toBe(
      'pods "second" is forbidden: exceeded quota: team-q, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=1',
    );
    const status = await eventually(
      async () => {
        const q = await core.readNamespacedResourceQuota({ namespace: "quota", name: "team-q" });
        return q.status?.used?.pods === "1" && q.status;
      },
      3000,
      "quota status",
    );
    expect(status).toEqual({
      hard: { "count/jobs.batch": "1", pods: "10", "requests.nvidia.com/gpu": "1" },
      used: { "count/jobs.batch": "0", pods: "1", "requests.nvidia.com/gpu": "1" },
    });

    await core.createNamespacedResourceQuota({
      namespace: "quota",
      body: { metadata: { name: "compute" }, spec: { hard: { "limits.cpu": "4", "requests.memory": "4Gi" } } },
    });
    const missing = await failure(core.createNamespacedPod({ namespace: "quota", body: simplePod("bare") }));
    expect(missing.message).toBe(
      'pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: main; requests.memory for: main',
    );
    const viaKubectl = await kubectl("run", "-n", "quota", "k1", "--image=busybox:1.36");
    expect(viaKubectl.stderr).toContain(
      'Error from server (Forbidden): pods "k1" is forbidden: failed quota: compute: must specify limits.cpu for: k1; requests.memory for: k1',
    );

    // Job pods are refused too: the controller reports it as FailedCreate, naming the generateName.
    const gpuJob = (name: string) => ({
      metadata: { name },
      spec: {
        template: {
          spec: {
            restartPolicy: "Never" as const,
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" as const }],
            containers: [
              {
                name: "main",
                image: "python:3.12",
                resources: { limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" } },
              },
            ],
          },
        },
      },
    });
    await batch.createNamespacedJob({ namespace: "quota", body: gpuJob("gpu-job") });
    const failedCreate = await eventually(
      async () => {
        const list = await core.listNamespacedEvent({
          namespace: "quota",
          fieldSelector: "involvedObject.name=gpu-job",
        });
        return list.items.find((e) => e.reason === "FailedCreate");
      },
      3000,
      "FailedCreate",
    );
    expect(failedCreate.type).toBe("Warning");
    expect(failedCreate.message).toBe(
      'Error creating: pods "gpu-job-" is forbidden: exceeded quota: team-q, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=1',
    );
    const secondJob = await failure(batch.createNamespacedJob({ namespace: "quota", body: gpuJob("gpu-job-2") }));
    expect(secondJob).toEqual({
      code: 403,
      message:
        'jobs.batch "gpu-job-2" is forbidden: exceeded quota: team-q, requested: count/jobs.batch=1, used: count/jobs.batch=1, limited: count/jobs.batch=1',
    });
  });

  it("applies LimitRange defaults and refuses what exceeds max", async () => {
    await namespace("limits");
    await core.createNamespacedLimitRange({
      namespace: "limits",
      body: {
        metadata: { name: "defaults" },
        spec: {
          limits: [
            {
              type: "Container",
              _default: { cpu: "500m", memory: "256Mi" },
              defaultRequest: { cpu: "0.1", memory: "128Mi" },
              max: { cpu: "2" },
            },
          ],
        },
      },
    });
    const created = await core.createNamespacedPod({ namespace: "limits", body: simplePod("defaulted") });
    expect(created.spec?.containers[0].resources).toEqual({
      limits: { cpu: "500m", memory: "256Mi" },
      requests: { cpu: "100m", memory: "128Mi" },
    });
    expect(created.metadata?.annotations?.["kubernetes.io/limit-ranger"]).toBe(
      "LimitRanger plugin set: cpu, memory request for container main; cpu, memory limit for container main",
    );
    const refused = await failure(
      core.createNamespacedPod({ namespace: "limits", body: simplePod("huge", { limits: { cpu: "4" } }) }),
    );
    expect(refused).toEqual({
      code: 403,
      message: 'pods "huge" is forbidden: maximum cpu usage per Container is 2, but limit is 4',
    });
  });

  it("validates names and resources with 422 causes", async () => {
    const bad = await failure(core.createNamespacedPod({ namespace: "default", body: simplePod("Bad_Name") }));
    expect(bad.code).toBe(422);
    expect(bad.message).toMatch(
      /^Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    const over = await failure(
      core.createNamespacedPod({
        namespace: "default",
        body: simplePod("over", { requests: { cpu: "2" }, limits: { cpu: "1" } }),
      }),
    );
    expect(over.message).toBe(
      'Pod "over" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
    );
  });
});

describe("controllers", () => {
  it("runs a Job to completion with job-name labels and events", async () => {
    await namespace("jobs");
    await batch.createNamespacedJob({
      namespace: "jobs",
      body: {
        metadata: { name: "train" },
        spec: {
          completions: 2,
          parallelism: 2,
          template: {
            metadata: { annotations: { "sim.berth.dev/duration": "1s" } },
            spec: { restartPolicy: "Never", containers: [{ name: "main", image: "python:3.12" }] },
          },
        },
      },
    });
    const job = await eventually(
      async () => {
        const j = await batch.readNamespacedJob({ namespace: "jobs", name: "train" });
        return j.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") && j;
      },
      8000,
      "the job to complete",
    );
    expect(job.status?.succeeded).toBe(2);
    expect(job.status?.completionTime).toBeInstanceOf(Date);
    // int32 with omitempty upstream: a finished Job has no `active` at all.
    expect(job.status).not.toHaveProperty("active");
    // As the 1.31+ job controller: the success criteria condition first, then Complete, both with the reason.
    expect(job.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
      ["Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
    ]);
    const pods = await core.listNamespacedPod({ namespace: "jobs", labelSelector: "job-name=train" });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.metadata?.name).toMatch(/^train-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata?.labels?.["batch.kubernetes.io/job-name"]).toBe("train");
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Job", name: "train", controller: true });
      expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    }
    const events = await core.listNamespacedEvent({ namespace: "jobs", fieldSelector: "involvedObject.name=train" });
    expect(events.items.map((e) => e.reason).sort()).toEqual(["Completed", "SuccessfulCreate", "SuccessfulCreate"]);
  });

  it("fails a Job past its backoffLimit", async () => {
    await batch.createNamespacedJob({
      namespace: "jobs",
      body: {
        metadata: { name: "broken" },
        spec: {
          backoffLimit: 0,
          ttlSecondsAfterFinished: 2,
          template: {
            metadata: { annotations: { "sim.berth.dev/duration": "200ms", "sim.berth.dev/exit-code": "2" } },
            spec: { restartPolicy: "Never", containers: [{ name: "main", image: "python:3.12" }] },
          },
        },
      },
    });
    const failed = await eventually(
      async () => {
        const j = await batch.readNamespacedJob({ namespace: "jobs", name: "broken" });
        return j.status?.conditions?.find((c) => c.type === "Failed");
      },
      5000,
      "the job to fail",
    );
    expect(failed).toMatchObject({
      status: "True",
      reason: "BackoffLimitExceeded",
      message: "Job has reached the specified backoff limit",
    });
    const conditions = (await batch.readNamespacedJob({ namespace: "jobs", name: "broken" })).status?.conditions ?? [];
    expect(conditions.map((c) => [c.type, c.reason])).toEqual([
      ["FailureTarget", "BackoffLimitExceeded"],
      ["Failed", "BackoffLimitExceeded"],
    ]);
    // ttlSecondsAfterFinished: 2 — the finished job and, by cascade, its pod are removed.
    await eventually(
      () =>
        batch.readNamespacedJob({ namespace: "jobs", name: "broken" }).then(
          () => false,
          (error: ApiException<unknown>) => error.code === 404,
        ),
      4000,
      "the job to be cleaned up",
    );
    await eventually(
      async () =>
        (await core.listNamespacedPod({ namespace: "jobs", labelSelector: "job-name=broken" })).items.length === 0,
      3000,
      "its pods to go",
    );
  });

  it("runs an Indexed Job: one pod per index, completedIndexes", async () => {
    await batch.createNamespacedJob({
      namespace: "jobs",
      body: {
        metadata: { name: "shards" },
        spec: {
          completionMode: "Indexed",
          completions: 3,
          parallelism: 3,
          template: {
            metadata: { annotations: { "sim.berth.dev/duration": "300ms" } },
            spec: { restartPolicy: "Never", containers: [{ name: "main", image: "python:3.12" }] },
          },
        },
      },
    });
    const done = await eventually(
      async () => {
        const j = await batch.readNamespacedJob({ namespace: "jobs", name: "shards" });
        return j.status?.conditions?.some((c) => c.type === "Complete") && j;
      },
      5000,
      "the indexed job to complete",
    );
    expect(done.status).toMatchObject({ succeeded: 3, completedIndexes: "0-2" });
    const pods = await core.listNamespacedPod({ namespace: "jobs", labelSelector: "job-name=shards" });
    const byIndex = pods.items
      .map((p) => [
        p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"],
        p.metadata?.name,
        p.spec?.hostname,
      ])
      .sort();
    expect(byIndex.map(([i]) => i)).toEqual(["0", "1", "2"]);
    for (const [i, name, hostname] of byIndex) {
      expect(name).toMatch(new RegExp(`^shards-${i}-[a-z0-9]{5}$`));
      expect(hostname).toBe(`shards-${i}`);
    }
    const missing = await failure(
      batch.createNamespacedJob({
        namespace: "jobs",
        body: {
          metadata: { name: "nocount" },
          spec: {
            completionMode: "Indexed",
            parallelism: 2,
            template: { spec: { restartPolicy: "Never", containers: [{ name: "m", image: "x" }] } },
          },
        },
      }),
    );
    expect(missing.message).toBe(
      'Job.batch "nocount" is invalid: spec.completions: Required value: when completion mode is Indexed',
    );
  });

  it("holds a suspended Job and runs it once resumed", async () => {
    await batch.createNamespacedJob({
      namespace: "jobs",
      body: {
        metadata: { name: "later" },
        spec: {
          suspend: true,
          template: {
            metadata: { annotations: { "sim.berth.dev/duration": "300ms" } },
            spec: { restartPolicy: "Never", containers: [{ name: "main", image: "python:3.12" }] },
          },
        },
      },
    });
    const suspended = await eventually(
      async () =>
        (await batch.readNamespacedJob({ namespace: "jobs", name: "later" })).status?.conditions?.find(
          (c) => c.type === "Suspended",
        ),
      3000,
      "Suspended",
    );
    expect(suspended).toMatchObject({ status: "True", reason: "JobSuspended", message: "Job suspended" });
    expect((await core.listNamespacedPod({ namespace: "jobs", labelSelector: "job-name=later" })).items).toHaveLength(
      0,
    );
    const patched = await call(sim, "PATCH", "/apis/batch/v1/namespaces/jobs/jobs/later", {
      body: { spec: { suspend: false } },
      headers: { "Content-Type": "application/merge-patch+json" },
    });
    expect(patched.status).toBe(200);
    const done = await eventually(
      async () => {
        const j = await batch.readNamespacedJob({ namespace: "jobs", name: "later" });
        return j.status?.conditions?.some((c) => c.type === "Complete") && j;
      },
      5000,
      "the resumed job to complete",
    );
    expect(done.status?.conditions?.find((c) => c.type === "Suspended")).toMatchObject({
      status: "False",
      reason: "JobResumed",
    });
  });

  it("drives a SparkApplication through driver and executors to COMPLETED", async () => {
    await namespace("spark");
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: "sparkoperator.k8s.io",
      version: "v1beta2",
      namespace: "spark",
      plural: "sparkapplications",
      body: {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: "pi" },
        spec: {
          type: "Scala",
          mode: "cluster",
          image: "spark:3.5.0",
          mainApplicationFile: "local:///pi.jar",
          driver: { cores: 1, memory: "512m", annotations: { "sim.berth.dev/duration": "1500ms" } },
          executor: { instances: 2, cores: 1, memory: "512m" },
        },
      },
    });
    const running = await eventually(
      async () => {
        const pods = await core.listNamespacedPod({ namespace: "spark", labelSelector: "spark-role=executor" });
        return pods.items.length === 2 && pods.items;
      },
      5000,
      "executors",
    );
    expect(running[0].metadata?.labels?.["sparkoperator.k8s.io/app-name"]).toBe("pi");
    const status = await eventually(
      async () => {
        const app = (await custom.getNamespacedCustomObject({
          group: "sparkoperator.k8s.io",
          version: "v1beta2",
          namespace: "spark",
          plural: "sparkapplications",
          name: "pi",
        })) as {
          status?: {
            applicationState?: { state: string };
            driverInfo?: { podName?: string };
            executorState?: Record<string, string>;
          };
        };
        return app.status?.applicationState?.state === "COMPLETED" && app.status;
      },
      6000,
      "the app to complete",
    );
    expect(status.driverInfo?.podName).toBe("pi-driver");
    expect(Object.values(status.executorState ?? {})).toEqual(["COMPLETED", "COMPLETED"]);
  });
});

describe("logs and metrics", () => {
  it("follows logs with kubectl logs -f until the container exits", async () => {
    await namespace("logs");
    await core.createNamespacedPod({
      namespace: "logs",
      body: simplePod(
        "chatty",
        {},
        {
          "sim.berth.dev/log-lines": "one\ntwo\nthree",
          "sim.berth.dev/log-rate": "5",
          "sim.berth.dev/duration": "1500ms",
        },
      ),
    });
    await eventually(
      async () => (await core.readNamespacedPod({ namespace: "logs", name: "chatty" })).status?.phase === "Running",
      5000,
      "chatty to run",
    );
    // kubectl ends by itself, once the container has exited (the test's timeout is the bound).
    const { output, code } = await new Promise<{ output: string; code: number | null }>((resolve) => {
      let out = "";
      const child = spawn("/usr/bin/kubectl", ["--kubeconfig", kubeconfigPath, "logs", "-f", "-n", "logs", "chatty"]);
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.on("close", (exit) => resolve({ output: out, code: exit }));
    });
    expect({ output, code }).toEqual({ output: "one\ntwo\nthree\n", code: 0 });
    // Ordering instead of a time bound: the container had exited when the follow ended.
    expect(
      (await core.readNamespacedPod({ namespace: "logs", name: "chatty" })).status?.containerStatuses?.[0].lastState
        ?.terminated,
    ).toMatchObject({ exitCode: 0 });
    const tail = await call(sim, "GET", "/api/v1/namespaces/logs/pods/chatty/log?tailLines=1&timestamps=true");
    expect(tail.headers["content-type"]).toBe("text/plain");
    expect(tail.text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z three\n$/);
    const waiting = await core.createNamespacedPod({
      namespace: "logs",
      body: simplePod("slow", {}, { "sim.berth.dev/start-delay": "30s" }),
    });
    const early = await call(sim, "GET", `/api/v1/namespaces/logs/pods/${waiting.metadata?.name}/log`);
    expect(early.status).toBe(400);
    expect(early.json.message).toBe('container "main" in pod "slow" is waiting to start: ContainerCreating');
  });

  it("follows logs with client-node's Log until the container exits", async () => {
    await namespace("logs-node");
    await core.createNamespacedPod({
      namespace: "logs-node",
      body: simplePod(
        "talker",
        {},
        { "sim.berth.dev/log-lines": "alpha\nbeta", "sim.berth.dev/log-rate": "5", "sim.berth.dev/duration": "1s" },
      ),
    });
    await eventually(
      async () =>
        (await core.readNamespacedPod({ namespace: "logs-node", name: "talker" })).status?.phase === "Running",
      5000,
      "talker to run",
    );
    let output = "";
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const finished = new Promise<void>((resolve) => sink.on("finish", resolve));
    await new Log(kc).log("logs-node", "talker", "main", sink, { follow: true });
    await finished;
    expect(output).toBe("alpha\nbeta\n");
  });

  it("serves metrics.k8s.io for kubectl top and the dcgm scrape without a token", async () => {
    await namespace("top");
    const body = simplePod(
      "trainer",
      { limits: { "nvidia.com/gpu": "1", cpu: "2", memory: "4Gi" } },
      { "sim.berth.dev/gpu-util": "80", "sim.berth.dev/cpu": "1500m" },
    );
    body.spec!.tolerations = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }];
    await core.createNamespacedPod({ namespace: "top", body });
    await eventually(
      async () => (await core.readNamespacedPod({ namespace: "top", name: "trainer" })).status?.phase === "Running",
      5000,
      "trainer to run",
    );
    const top = await kubectl("top", "pods", "-n", "top");
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\ntrainer\s+1500m\s+\d+Mi/);
    const nodes = await kubectl("top", "nodes");
    expect(nodes.stdout).toContain("sim-gpu-1");
    const scrape = await call(sim, "GET", "/metrics/dcgm", { token: null });
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(
      /^DCGM_FI_DEV_GPU_UTIL\{gpu="\d",UUID="GPU-[0-9a-f-]+",.*modelName="NVIDIA A100-SXM4-40GB",Hostname="sim-gpu-\d".*container="main",namespace="top",pod="trainer"\} 80$/m,
    );
    expect(scrape.text).toMatch(/^DCGM_FI_DEV_FB_USED\{.*pod="trainer"\} \d+$/m);
  });

  it("honours the grace period: Killing, then gone", async () => {
    await core.createNamespacedPod({
      namespace: "life",
      body: simplePod("stopper", {}, { "sim.berth.dev/shutdown": "300ms" }),
    });
    await eventually(
      async () => (await core.readNamespacedPod({ namespace: "life", name: "stopper" })).status?.phase === "Running",
      5000,
      "stopper to run",
    );
    const deleted = await core.deleteNamespacedPod({ namespace: "life", name: "stopper" });
    expect(deleted.metadata?.deletionGracePeriodSeconds).toBe(30);
    await eventually(
      async () => {
        const list = await core.listNamespacedPod({ namespace: "life", fieldSelector: "metadata.name=stopper" });
        return list.items.length === 0;
      },
      3000,
      "the pod to go",
    );
    const events = await core.listNamespacedEvent({ namespace: "life", fieldSelector: "involvedObject.name=stopper" });
    expect(events.items.find((e) => e.reason === "Killing")?.message).toBe("Stopping container main");
  });
});
