/**
 * The simulated spark-operator against its upstream behaviour (kubeflow/spark-operator v2.x):
 * job namespaces, the optional pod webhook, pod templates, and the state machine through
 * SUBMISSION_FAILED, FAILING and SUCCEEDING.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, CustomObjectsApi, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator } from "../server/index";
import { eventually } from "../server/testing/http-client";

interface AppStatus {
  applicationState?: { state: string; errorMessage?: string };
}

const group = { group: "sparkoperator.k8s.io", version: "v1beta2", plural: "sparkapplications" };

function application(name: string, spec: Record<string, unknown> = {}, driver: Record<string, unknown> = {}) {
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name },
    spec: {
      type: "Python",
      mode: "cluster",
      image: "spark:3.5.3",
      mainApplicationFile: "local:///job.py",
      sparkVersion: "3.5.3",
      restartPolicy: { type: "Never" },
      driver: { cores: 1, memory: "512m", annotations: { "sim.berth.dev/duration": "300ms" }, ...driver },
      executor: { instances: 1, cores: 1, memory: "512m" },
      ...spec,
    },
  };
}

async function withSimulator(options: Parameters<typeof startSimulator>[0]) {
  const dir = mkdtempSync(join(tmpdir(), "berth-sim-spark-"));
  const sim = await startSimulator({
    kubeconfigPath: join(dir, "kubeconfig.yaml"),
    seed: { nodes: 2, gpuNodes: 1, gpusPerNode: 2, pods: 0, namespaces: 1, seed: 1 },
    ...options,
  });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return {
    sim,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    async stop() {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Cluster = Awaited<ReturnType<typeof withSimulator>>;

async function create(cluster: Cluster, namespace: string, body: ReturnType<typeof application>) {
  await cluster.custom.createNamespacedCustomObject({ ...group, namespace, body });
}

async function statusOf(cluster: Cluster, namespace: string, name: string): Promise<AppStatus | undefined> {
  const app = (await cluster.custom.getNamespacedCustomObject({ ...group, namespace, name })) as { status?: AppStatus };
  return app.status;
}

/** Every state the application's status went through, in order, from the watch. */
function statesSeen(cluster: Cluster, namespace: string, name: string): string[] {
  const states: string[] = [];
  cluster.sim.store.subscribe((event) => {
    if (
      event.resource !== "sparkapplications.sparkoperator.k8s.io" ||
      event.object.metadata.name !== name ||
      event.object.metadata.namespace !== namespace
    )
      return;
    const state = (event.object as { status?: AppStatus }).status?.applicationState?.state;
    if (state && states.at(-1) !== state) states.push(state);
  });
  return states;
}

describe("spark-operator limited to its job namespaces, without the webhook", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await withSimulator({ cluster: { spark: { jobNamespaces: ["spark-jobs"], webhook: false } } });
    for (const name of ["spark-jobs", "elsewhere"])
      await cluster.core.createNamespace({ body: { metadata: { name } } });
  });
  afterAll(() => cluster?.stop());

  it("leaves an application outside its job namespaces without any status", async () => {
    await create(cluster, "elsewhere", application("ignored"));
    // Created after the ignored one: once it has a status, the operator has had its turn at both.
    await create(cluster, "spark-jobs", application("handled"));
    await eventually(
      async () => (await statusOf(cluster, "spark-jobs", "handled"))?.applicationState?.state === "COMPLETED",
      15_000,
    );
    expect(await statusOf(cluster, "elsewhere", "ignored")).toBeUndefined();
    const pods = await cluster.core.listNamespacedPod({ namespace: "elsewhere" });
    expect(pods.items).toHaveLength(0);
  });

  it("goes SUBMITTED, RUNNING, SUCCEEDING, COMPLETED for a driver that succeeds", async () => {
    const states = statesSeen(cluster, "spark-jobs", "fine");
    await create(cluster, "spark-jobs", application("fine"));
    await eventually(() => states.at(-1) === "COMPLETED", 15_000);
    expect(states).toEqual(["SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED"]);
  });

  it("goes FAILING then FAILED with the driver's exit in errorMessage", async () => {
    const states = statesSeen(cluster, "spark-jobs", "broken");
    await create(
      cluster,
      "spark-jobs",
      application("broken", {}, { annotations: { "sim.berth.dev/duration": "200ms", "sim.berth.dev/exit-code": "3" } }),
    );
    await eventually(() => states.at(-1) === "FAILED", 15_000);
    expect(states).toEqual(["SUBMITTED", "RUNNING", "FAILING", "FAILED"]);
    expect((await statusOf(cluster, "spark-jobs", "broken"))?.applicationState?.errorMessage).toMatch(
      /driver container failed with ExitCode: 3/,
    );
  });

  it("reruns a failed driver under restartPolicy OnFailure until its retries are used up", async () => {
    const states = statesSeen(cluster, "spark-jobs", "retried");
    const app = application(
      "retried",
      { restartPolicy: { type: "OnFailure", onFailureRetries: 1 } },
      { annotations: { "sim.berth.dev/duration": "200ms", "sim.berth.dev/exit-code": "1" } },
    );
    await create(cluster, "spark-jobs", app);
    await eventually(() => states.at(-1) === "FAILED", 15_000);
    expect(states).toEqual([
      "SUBMITTED",
      "RUNNING",
      "FAILING",
      "PENDING_RERUN",
      "SUBMITTED",
      "RUNNING",
      "FAILING",
      "FAILED",
    ]);
    const status = (await statusOf(cluster, "spark-jobs", "retried")) as AppStatus & {
      submissionAttempts?: number;
      executionAttempts?: number;
    };
    expect(status).toMatchObject({ submissionAttempts: 2, executionAttempts: 2 });
  });

  it("goes SUBMISSION_FAILED then FAILED, keeping spark-submit's error, when the driver pod is refused", async () => {
    await cluster.core.createNamespacedResourceQuota({
      namespace: "spark-jobs",
      body: { metadata: { name: "no-pods" }, spec: { hard: { pods: "0" } } },
    });
    const states = statesSeen(cluster, "spark-jobs", "refused");
    await create(cluster, "spark-jobs", application("refused"));
    await eventually(() => states.at(-1) === "FAILED", 15_000);
    expect(states).toEqual(["SUBMISSION_FAILED", "FAILED"]);
    const state = (await statusOf(cluster, "spark-jobs", "refused"))?.applicationState;
    expect(state?.errorMessage).toMatch(/^failed to run spark-submit: .*exceeded quota: no-pods/);
  });

  it("ignores webhook-only fields, and builds the pods from driver and executor templates", async () => {
    await cluster.core.deleteNamespacedResourceQuota({ namespace: "spark-jobs", name: "no-pods" });
    const template = (role: string) => ({
      metadata: { labels: { from: `${role}-template` } },
      spec: {
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        containers: [
          {
            name: `spark-kubernetes-${role}`,
            env: [{ name: "FROM_TEMPLATE", value: "yes" }],
            resources: { limits: { "nvidia.com/gpu": "1" } },
          },
        ],
      },
    });
    await create(
      cluster,
      "spark-jobs",
      application(
        "templated",
        {
          executor: {
            instances: 1,
            cores: 1,
            memory: "512m",
            template: template("executor"),
            env: [{ name: "WEBHOOK_ONLY", value: "x" }],
            tolerations: [{ key: "webhook-only", operator: "Exists" }],
          },
        },
        {
          template: template("driver"),
          env: [{ name: "WEBHOOK_ONLY", value: "x" }],
          tolerations: [{ key: "webhook-only", operator: "Exists" }],
          annotations: { "sim.berth.dev/duration": "5s" },
        },
      ),
    );
    const pods = await eventually(async () => {
      const items = (
        await cluster.core.listNamespacedPod({
          namespace: "spark-jobs",
          labelSelector: "sparkoperator.k8s.io/app-name=templated",
        })
      ).items;
      return items.length === 2 && items;
    }, 15_000);
    for (const pod of pods) {
      const role = pod.metadata!.labels!["spark-role"];
      expect(pod.metadata!.labels).toMatchObject({ from: `${role}-template` });
      expect(pod.metadata!.labels!["sparkoperator.k8s.io/mutated-by-spark-operator"]).toBeUndefined();
      expect(pod.spec!.tolerations).toEqual(
        expect.arrayContaining([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]),
      );
      expect(pod.spec!.tolerations?.some((toleration) => toleration.key === "webhook-only")).toBe(false);
      const container = pod.spec!.containers[0];
      expect(container.name).toBe(`spark-kubernetes-${role}`);
      expect(container.env).toEqual(expect.arrayContaining([{ name: "FROM_TEMPLATE", value: "yes" }]));
      expect(container.env?.some((env) => env.name === "WEBHOOK_ONLY")).toBe(false);
      expect(container.resources?.limits?.["nvidia.com/gpu"]).toBe("1");
    }
  });
});

describe("spark-operator with its webhook, in every namespace", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await withSimulator({ cluster: { spark: { webhook: true } } });
  });
  afterAll(() => cluster?.stop());

  it("patches env, tolerations and GPUs from the application into pods without a template", async () => {
    await create(
      cluster,
      "default",
      application(
        "mutated",
        {},
        {
          env: [{ name: "FROM_WEBHOOK", value: "yes" }],
          tolerations: [{ key: "gpu", operator: "Exists" }],
          gpu: { name: "nvidia.com/gpu", quantity: 1 },
          annotations: { "sim.berth.dev/duration": "5s" },
        },
      ),
    );
    const driver: V1Pod = await eventually(
      async () =>
        (await cluster.core.listNamespacedPod({ namespace: "default", labelSelector: "spark-role=driver" })).items[0],
      15_000,
    );
    expect(driver.metadata!.labels!["sparkoperator.k8s.io/mutated-by-spark-operator"]).toBe("true");
    expect(driver.spec!.tolerations).toEqual(expect.arrayContaining([{ key: "gpu", operator: "Exists" }]));
    expect(driver.spec!.containers[0].env).toEqual(expect.arrayContaining([{ name: "FROM_WEBHOOK", value: "yes" }]));
    expect(driver.spec!.containers[0].resources?.limits?.["nvidia.com/gpu"]).toBe("1");
  });
});
