import { describe, expect, it } from "vitest";

import { labelValue, resolveImage } from "@/lib/kube/pod-builder";

import { buildPod, PodBuildError } from "./pod";
import { createExecutionConfigSchema } from "./schema";

const config = {
  ...createExecutionConfigSchema.parse({
    name: "gpu-small",
    image: "team/pytorch:2.3",
    registry: "registry.example.com:5000",
    imagePullPolicy: "Always",
    imagePullSecret: "regcred",
    namespace: "berth-${group}-${user}",
    resources: {
      requests: { cpu: "1500m", memory: "2048Mi", "nvidia.com/gpu": "1" },
      limits: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": "1" },
    },
    nodeSelector: { "nvidia.com/gpu.present": "true" },
    tolerations: [
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "spot", value: "yes", effect: "NoExecute", tolerationSeconds: 60 },
    ],
    affinity:
      "podAntiAffinity:\n  preferredDuringSchedulingIgnoredDuringExecution:\n  - weight: 50\n    podAffinityTerm: {topologyKey: kubernetes.io/hostname}\n",
    shmSize: "1Gi",
    env: [
      { name: "MODE", value: "config" },
      { name: "KEEP", value: "1" },
    ],
    serviceAccount: "runner",
  }),
  version: 3,
};
const run = {
  user: "Jane.Doe",
  project: "churn",
  group: "ml",
  activity: "python-recipe",
  runId: "r-42",
  command: ["python", "main.py"],
  env: { MODE: "run" },
};

describe("buildPod", () => {
  it("renders every field of the config for the run", () => {
    const pod = buildPod(config, run);
    expect(pod.metadata).toEqual({
      name: "berth-python-recipe-r-42",
      namespace: expect.stringMatching(/^berth-ml-jane-doe--[a-z0-9]{8}$/),
      labels: {
        "berth.dev/run": "r-42",
        "berth.dev/project": "churn",
        "berth.dev/user": "Jane.Doe",
        "berth.dev/activity": "python-recipe",
        "berth.dev/exec-config": "gpu-small",
      },
      annotations: {
        "berth.dev/namespace-template": "berth-${group}-${user}",
        "berth.dev/image-source": "execution-config",
        "berth.dev/exec-config-version": "3",
        "berth.dev/group": "ml",
      },
    });
    expect(pod.spec).toEqual({
      restartPolicy: "Never",
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
      serviceAccountName: "runner",
      imagePullSecrets: [{ name: "regcred" }],
      nodeSelector: { "nvidia.com/gpu.present": "true" },
      tolerations: [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "spot", operator: "Equal", value: "yes", effect: "NoExecute", tolerationSeconds: 60 },
      ],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 50, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } },
          ],
        },
      },
      volumes: [{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } }],
      containers: [
        {
          name: "main",
          image: "registry.example.com:5000/team/pytorch:2.3",
          imagePullPolicy: "Always",
          command: ["python", "main.py"],
          env: [
            { name: "MODE", value: "run" },
            { name: "KEEP", value: "1" },
          ],
          resources: {
            requests: { cpu: "1500m", memory: "2Gi", "nvidia.com/gpu": "1" },
            limits: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": "1" },
          },
          volumeMounts: [{ name: "dshm", mountPath: "/dev/shm" }],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    });
  });

  it("leaves out what the config does not set", () => {
    const minimal = {
      ...createExecutionConfigSchema.parse({ name: "cpu", image: "python:3.12", namespace: "fixed" }),
      version: 1,
    };
    const pod = buildPod(minimal, { user: "u", project: "p", activity: "notebook", runId: "1" });
    expect(pod.spec).toEqual({
      restartPolicy: "Never",
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "main",
          image: "python:3.12",
          imagePullPolicy: "IfNotPresent",
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    });
    expect(pod.metadata?.namespace).toBe("fixed");
  });

  it("uses a code env image, keeping a registry host it already names", () => {
    expect(buildPod(config, { ...run, image: "other.example.com/envs/py:1" }).spec?.containers[0].image).toBe(
      "other.example.com/envs/py:1",
    );
    expect(buildPod(config, { ...run, image: "envs/py:1" }).metadata?.annotations?.["berth.dev/image-source"]).toBe(
      "code-env",
    );
    expect(resolveImage({ image: "python:3.12", registry: "" })).toBe("python:3.12");
    expect(resolveImage({ image: "localhost/x:1", registry: "r.io" })).toBe("localhost/x:1");
  });

  it("hardens its pods: no privilege escalation, every capability dropped, RuntimeDefault seccomp", () => {
    const pod = buildPod(config, run);
    expect(pod.spec?.securityContext?.seccompProfile).toEqual({ type: "RuntimeDefault" });
    for (const container of pod.spec?.containers ?? []) {
      expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(container.securityContext?.capabilities?.drop).toEqual(["ALL"]);
    }
  });

  it("runs as the config's non-root user when it names one", () => {
    expect(buildPod({ ...config, runAsUser: 1000 }, run).spec?.securityContext).toEqual({
      seccompProfile: { type: "RuntimeDefault" },
      runAsNonRoot: true,
      runAsUser: 1000,
    });
  });

  it("refuses a run env that sets a reserved name, naming it, unless the config allows it", () => {
    for (const name of [
      "NVIDIA_VISIBLE_DEVICES",
      "CUDA_VISIBLE_DEVICES",
      "NVIDIA_DRIVER_CAPABILITIES",
      "KUBERNETES_SERVICE_HOST",
      "BERTH_POD_IP",
      "SPARK_JAVA_OPT_0",
    ]) {
      expect(() => buildPod(config, { ...run, env: { [name]: "all" } })).toThrow(new RegExp(`${name} is reserved`));
    }
    const allowing = { ...config, allowedReservedEnv: ["CUDA_VISIBLE_DEVICES", "NVIDIA_*"] };
    const pod = buildPod(allowing, {
      ...run,
      env: { CUDA_VISIBLE_DEVICES: "0", NVIDIA_DRIVER_CAPABILITIES: "compute" },
    });
    expect(pod.spec?.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "CUDA_VISIBLE_DEVICES", value: "0" },
        { name: "NVIDIA_DRIVER_CAPABILITIES", value: "compute" },
      ]),
    );
    expect(() => buildPod(allowing, { ...run, env: { KUBERNETES_SERVICE_HOST: "x" } })).toThrow(
      /KUBERNETES_SERVICE_HOST/,
    );
  });

  it("refuses a run env that overrides a pinned config variable", () => {
    const pinning = {
      ...config,
      env: [
        { name: "MODE", value: "config", pinned: true },
        { name: "KEEP", value: "1" },
      ],
    };
    expect(() => buildPod(pinning, run)).toThrow(/MODE is pinned by config gpu-small/);
    expect(buildPod(pinning, { ...run, env: { KEEP: "2" } }).spec?.containers[0].env).toEqual([
      { name: "MODE", value: "config" },
      { name: "KEEP", value: "2" },
    ]);
  });

  it("refuses a run missing a templated value", () => {
    expect(() => buildPod(config, { ...run, group: undefined })).toThrow(PodBuildError);
  });

  it("makes valid label values", () => {
    expect(labelValue("-a b/c-")).toBe("a-b-c");
    expect(labelValue("x".repeat(70))).toHaveLength(63);
  });
});
