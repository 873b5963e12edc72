import { describe, expect, it } from "vitest";

import { createExecutionConfigSchema } from "@/lib/execution-configs/schema";
import type { SparkConfigBody } from "@/lib/spark-configs/builders";

import {
  configGpus,
  podRunObjects,
  RESOLUTION_ANNOTATION,
  runCommand,
  sparkApplicationRunObjects,
  sparkDriverRunObjects,
  sparkMemoryQuantity,
  type RunIdentity,
  type RunPayload,
} from "./objects";

const gpuConfig = {
  ...createExecutionConfigSchema.parse({
    name: "gpu-large",
    image: "team/pytorch:2.3",
    namespace: "berth-${project}",
    createNamespace: true,
    resources: {
      requests: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": "2" },
      limits: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": "2" },
    },
    env: [{ name: "MODE", value: "config" }],
  }),
  version: 4,
};
const identity: RunIdentity = {
  runId: "k3x9a0b1c2",
  user: "alice",
  project: "churn",
  group: "ml",
  activity: "ml-train",
};
const payload: RunPayload = {
  command: ["python", "train.py"],
  env: { MODE: "run", EPOCHS: "3" },
  annotations: { "sim.berth.dev/duration": "2s" },
  resolutionSummary: "execution config gpu-large (from project setting); cluster sim (from instance default)",
};

describe("runCommand", () => {
  it("keeps a command, and runs a script through the activity's interpreter", () => {
    expect(runCommand("python-recipe", { command: ["python", "x.py"] })).toEqual(["python", "x.py"]);
    expect(runCommand("python-recipe", { script: "print(1)" })).toEqual(["python", "-c", "print(1)"]);
    expect(runCommand("ml-train", { script: "fit()" })).toEqual(["python", "-c", "fit()"]);
    expect(runCommand("r-recipe", { script: "print(1)" })).toEqual(["Rscript", "-e", "print(1)"]);
    expect(runCommand("r-notebook", { script: "x <- 1" })).toEqual(["Rscript", "-e", "x <- 1"]);
    expect(runCommand("python-notebook", {})).toBeUndefined();
  });
});

describe("podRunObjects", () => {
  it("is the config's pod with the run's labels, env, command, resolution and simulator annotations", () => {
    const { supporting, workload } = podRunObjects(gpuConfig, identity, payload);
    expect(supporting).toEqual([]);
    expect(workload.kind).toBe("Pod");
    expect(workload.metadata).toMatchObject({
      name: "berth-ml-train-k3x9a0b1c2",
      namespace: "berth-churn",
      labels: {
        "berth.dev/run": "k3x9a0b1c2",
        "berth.dev/project": "churn",
        "berth.dev/user": "alice",
        "berth.dev/activity": "ml-train",
        "berth.dev/exec-config": "gpu-large",
      },
      annotations: {
        [RESOLUTION_ANNOTATION]: payload.resolutionSummary,
        "sim.berth.dev/duration": "2s",
        "berth.dev/exec-config-version": "4",
      },
    });
    const spec = workload.spec as {
      restartPolicy: string;
      containers: { image: string; command: string[]; env: unknown[]; resources: unknown }[];
    };
    expect(spec.restartPolicy).toBe("Never");
    expect(spec.containers[0]).toMatchObject({
      image: "team/pytorch:2.3",
      command: ["python", "train.py"],
      env: [
        { name: "MODE", value: "run" },
        { name: "EPOCHS", value: "3" },
      ],
      resources: { limits: { "nvidia.com/gpu": "2" } },
    });
    expect(configGpus(gpuConfig)).toBe(2);
  });

  it("runs a code env's image instead of the config's", () => {
    const { workload } = podRunObjects(gpuConfig, identity, { ...payload, image: "registry.example/envs/torch:abc" });
    expect((workload.spec as { containers: { image: string }[] }).containers[0].image).toBe(
      "registry.example/envs/torch:abc",
    );
  });
});

const sparkConfig: SparkConfigBody = {
  name: "spark-gpu",
  image: "spark-py:3.5.1",
  registry: "",
  conf: { "spark.executor.instances": "3", "spark.driver.memory": "2g", "spark.driver.cores": "1" },
  managed: { enabled: true, namespace: "spark-${project}", createNamespace: true, serviceAccountPerJob: true },
  executorPodTemplate:
    "spec:\n  containers:\n    - name: executor\n      resources:\n        limits:\n          nvidia.com/gpu: 1\n",
};
const sparkIdentity: RunIdentity = { ...identity, activity: "spark-recipe" };
const sparkPayload: RunPayload = {
  command: ["local:///opt/app/prep.py", "--day", "1"],
  env: { DAY: "1" },
  annotations: { "sim.berth.dev/duration": "3s" },
  resolutionSummary: "Spark config spark-gpu (from project setting); cluster sim (from instance default)",
};
const context = {
  config: sparkConfig,
  identity: sparkIdentity,
  payload: sparkPayload,
  server: "https://10.0.0.1:6443",
};
const berthLabels = {
  "berth.dev/run": "k3x9a0b1c2",
  "berth.dev/project": "churn",
  "berth.dev/user": "alice",
  "berth.dev/activity": "spark-recipe",
};

describe("Spark runs", () => {
  it("become a SparkApplication whose driver and executors carry the run's labels, with the per-job account", () => {
    const { objects, plan } = sparkApplicationRunObjects(context);
    expect(plan).toEqual({
      namespace: "spark-churn",
      createNamespace: true,
      gpus: 3,
      driverPod: "berth-spark-recipe-k3x9a0b1c2-driver",
    });
    expect(objects.supporting.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      "ServiceAccount/berth-spark-berth-spark-recipe-k3x9a0b1c2",
      "Role/berth-spark-berth-spark-recipe-k3x9a0b1c2",
      "RoleBinding/berth-spark-berth-spark-recipe-k3x9a0b1c2",
    ]);
    for (const object of objects.supporting)
      expect(object.metadata.labels).toMatchObject({ "berth.dev/run": "k3x9a0b1c2" });
    const app = objects.workload;
    expect(app).toMatchObject({
      apiVersion: "sparkoperator.k8s.io/v1beta2",
      kind: "SparkApplication",
      metadata: { name: "berth-spark-recipe-k3x9a0b1c2", namespace: "spark-churn", labels: berthLabels },
    });
    const spec = app.spec as {
      mainApplicationFile: string;
      arguments: string[];
      driver: Record<string, unknown>;
      executor: Record<string, unknown>;
    };
    expect(spec.mainApplicationFile).toBe("local:///opt/app/prep.py");
    expect(spec.arguments).toEqual(["--day", "1"]);
    expect(spec.driver).toMatchObject({
      labels: berthLabels,
      annotations: { "sim.berth.dev/duration": "3s" },
      serviceAccount: "berth-spark-berth-spark-recipe-k3x9a0b1c2",
    });
    expect(spec.driver.template).toMatchObject({
      spec: { containers: [{ name: "spark-kubernetes-driver", env: [{ name: "DAY", value: "1" }] }] },
    });
    expect(spec.executor).toMatchObject({ labels: berthLabels, instances: 3 });
    expect(spec.executor.template).toMatchObject({
      spec: {
        containers: [
          {
            name: "spark-kubernetes-executor",
            resources: { limits: { "nvidia.com/gpu": 1 } },
            env: [{ name: "DAY", value: "1" }],
          },
        ],
      },
    });
  });

  it("put GPUs, tolerations, env and mounts in pod templates, never in fields only the operator's webhook applies", () => {
    const withTolerations = {
      ...sparkConfig,
      executorPodTemplate: `spec:\n  tolerations:\n    - key: nvidia.com/gpu\n      operator: Exists\n${sparkConfig.executorPodTemplate.slice("spec:\n".length)}`,
    };
    const { objects } = sparkApplicationRunObjects({
      ...context,
      config: withTolerations,
      payload: { ...sparkPayload, command: undefined, script: "print('spark')" },
    });
    const spec = objects.workload.spec as { driver: Record<string, unknown>; executor: Record<string, unknown> };
    const webhookOnly = [
      "env",
      "envFrom",
      "configMaps",
      "volumeMounts",
      "gpu",
      "tolerations",
      "nodeSelector",
      "affinity",
      "securityContext",
      "podSecurityContext",
      "schedulerName",
      "sidecars",
      "initContainers",
    ];
    for (const side of [spec.driver, spec.executor])
      for (const field of webhookOnly) expect(side[field], field).toBeUndefined();
    expect(spec.executor.template).toMatchObject({
      spec: { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" }] },
    });
    expect(spec.driver.template).toMatchObject({
      spec: {
        volumes: [{ name: "berth-script", configMap: { name: "berth-spark-recipe-k3x9a0b1c2-script" } }],
        containers: [
          {
            name: "spark-kubernetes-driver",
            volumeMounts: [{ name: "berth-script", mountPath: "/etc/berth/run", readOnly: true }],
          },
        ],
      },
    });
  });

  it("mount a script from a ConfigMap as the application", () => {
    const { objects } = sparkApplicationRunObjects({
      ...context,
      payload: { ...sparkPayload, command: undefined, script: "print('spark')" },
    });
    expect(objects.supporting.at(-1)).toMatchObject({
      kind: "ConfigMap",
      metadata: { name: "berth-spark-recipe-k3x9a0b1c2-script" },
      data: { "main.py": "print('spark')" },
    });
    expect(objects.workload.spec).toMatchObject({
      mainApplicationFile: "local:///etc/berth/run/main.py",
      driver: {
        template: {
          spec: { volumes: [{ name: "berth-script", configMap: { name: "berth-spark-recipe-k3x9a0b1c2-script" } }] },
        },
      },
    });
  });

  it("without the operator, become a driver pod running spark-submit in client mode", () => {
    const { objects, plan } = sparkDriverRunObjects(context);
    expect(objects.supporting.map((object) => object.kind)).toEqual([
      "ServiceAccount",
      "Role",
      "RoleBinding",
      "ConfigMap",
    ]);
    const pod = objects.workload;
    expect(pod.metadata).toMatchObject({
      name: plan.driverPod,
      namespace: "spark-churn",
      labels: { ...berthLabels, "spark-role": "driver" },
      annotations: { "sim.berth.dev/duration": "3s" },
    });
    const spec = pod.spec as {
      serviceAccountName: string;
      containers: {
        command: string[];
        env: { name: string }[];
        resources: unknown;
        volumeMounts: { mountPath: string }[];
      }[];
    };
    expect(spec.serviceAccountName).toBe("berth-spark-berth-spark-recipe-k3x9a0b1c2");
    const [container] = spec.containers;
    expect(container.command.slice(0, 5)).toEqual([
      "spark-submit",
      "--master",
      "k8s://https://10.0.0.1:6443",
      "--deploy-mode",
      "client",
    ]);
    expect(container.command.slice(-3)).toEqual(["local:///opt/app/prep.py", "--day", "1"]);
    expect(container.command).toContain(`spark.kubernetes.driver.pod.name=${plan.driverPod}`);
    expect(container.command).toContain("spark.driver.host=$(BERTH_POD_IP)");
    expect(container.command).toContain("spark.kubernetes.executor.label.berth.dev/run=k3x9a0b1c2");
    expect(container.command).toContain("spark.kubernetes.executor.annotation.sim.berth.dev/duration=3s");
    expect(container.command).toContain("spark.executorEnv.DAY=1");
    expect(container.env.map((variable) => variable.name)).toEqual(["DAY", "BERTH_POD_IP"]);
    expect(container.resources).toEqual({ requests: { cpu: "1", memory: "2Gi" } });
    expect(container.volumeMounts.map((mount) => mount.mountPath)).toEqual(["/etc/berth/spark"]);
  });

  it("harden the driver pod Berth builds and the driver and executors of a SparkApplication", () => {
    const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
    const pod = sparkDriverRunObjects(context).objects.workload.spec as {
      securityContext: unknown;
      containers: { securityContext: unknown; command: string[] }[];
    };
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual(hardened);
    // The user's application and arguments come last, after every option of Berth's.
    expect(pod.containers[0].command.slice(-3)).toEqual(["local:///opt/app/prep.py", "--day", "1"]);
    const app = sparkApplicationRunObjects(context).objects.workload.spec as {
      driver: Record<string, unknown>;
      executor: Record<string, unknown>;
    };
    for (const side of [app.driver, app.executor]) {
      expect(side.template).toMatchObject({
        spec: {
          securityContext: { seccompProfile: { type: "RuntimeDefault" } },
          containers: [{ securityContext: hardened }],
        },
      });
    }
  });

  it("reads Spark memory as Kubernetes quantities", () => {
    expect(sparkMemoryQuantity("4g")).toBe("4Gi");
    expect(sparkMemoryQuantity("512m")).toBe("512Mi");
    expect(sparkMemoryQuantity("1024")).toBe("1024Mi");
    expect(sparkMemoryQuantity(undefined)).toBe("1Gi");
  });
});
