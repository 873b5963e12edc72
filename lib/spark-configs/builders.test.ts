import { describe, expect, it } from "vitest";

import {
  perJobRbac,
  sparkApplication,
  SparkArgumentError,
  sparkSubmitArgs,
  type SparkConfigBody,
  type SparkRun,
} from "./builders";

const managed: SparkConfigBody = {
  name: "spark-gpu",
  image: "spark-py:3.5.1",
  registry: "registry.example.com/ml",
  conf: {
    "spark.executor.instances": "4",
    "spark.executor.memory": "4g",
    "spark.executor.cores": "2",
    "spark.driver.memory": "2g",
    "spark.kubernetes.memoryOverheadFactor": "0.2",
    "spark.eventLog.enabled": "true",
  },
  managed: { enabled: true, namespace: "spark-${project}", createNamespace: true, serviceAccountPerJob: true },
  executorPodTemplate:
    "metadata:\n  labels:\n    team: ml\nspec:\n  nodeSelector:\n    gpu: 'true'\n  containers:\n    - name: executor\n      resources:\n        limits:\n          nvidia.com/gpu: 1\n",
};
const run: SparkRun = {
  server: "https://10.0.0.1:6443",
  user: "Alice.Smith",
  project: "churn",
  group: "ml",
  jobName: "churn-prep-7",
  mainApplicationFile: "local:///opt/app/prep.py",
};

const confFlags = (args: string[]) => args.flatMap((arg, index) => (args[index - 1] === "--conf" ? [arg] : []));

describe("sparkSubmitArgs", () => {
  it("builds the cluster-mode command line with Berth's conf first, then the config's, sorted", () => {
    const args = sparkSubmitArgs(managed, run);
    expect(args.slice(0, 7)).toEqual([
      "spark-submit",
      "--master",
      "k8s://https://10.0.0.1:6443",
      "--deploy-mode",
      "cluster",
      "--name",
      "churn-prep-7",
    ]);
    const flags = confFlags(args);
    expect(flags.slice(0, 3)).toEqual([
      "spark.kubernetes.container.image=registry.example.com/ml/spark-py:3.5.1",
      "spark.kubernetes.namespace=spark-churn",
      "spark.kubernetes.authenticate.driver.serviceAccountName=berth-spark-churn-prep-7",
    ]);
    expect(flags).toContain("spark.kubernetes.driver.label.berth.dev/job=churn-prep-7");
    expect(flags).toContain("spark.kubernetes.executor.label.berth.dev/user=Alice.Smith");
    expect(flags).toContain("spark.kubernetes.executor.podTemplateFile=/etc/berth/spark/executor-pod.yaml");
    const own = flags.slice(-6);
    expect(own).toEqual([
      "spark.driver.memory=2g",
      "spark.eventLog.enabled=true",
      "spark.executor.cores=2",
      "spark.executor.instances=4",
      "spark.executor.memory=4g",
      "spark.kubernetes.memoryOverheadFactor=0.2",
    ]);
    expect(args.at(-1)).toBe("local:///opt/app/prep.py");
    expect(args.filter((arg) => arg === "--conf")).toHaveLength(flags.length);
  });

  it("outside managed mode takes namespace and service account from the conf, else default", () => {
    const plain: SparkConfigBody = {
      ...managed,
      registry: "",
      executorPodTemplate: "",
      managed: { enabled: false, namespace: "", createNamespace: false, serviceAccountPerJob: false },
      conf: { "spark.kubernetes.namespace": "spark-jobs" },
    };
    const flags = confFlags(
      sparkSubmitArgs(plain, {
        ...run,
        server: "k8s.example.com:443",
        mainClass: "org.example.Main",
        arguments: ["--day", "1"],
      }),
    );
    expect(flags).toContain("spark.kubernetes.namespace=spark-jobs");
    expect(flags).toContain("spark.kubernetes.authenticate.driver.serviceAccountName=default");
    expect(flags).toContain("spark.kubernetes.container.image=spark-py:3.5.1");
    expect(flags.some((flag) => flag.startsWith("spark.kubernetes.executor.podTemplateFile"))).toBe(false);
    const args = sparkSubmitArgs(plain, {
      ...run,
      server: "k8s.example.com:443",
      mainClass: "org.example.Main",
      arguments: ["--day", "1"],
    });
    expect(args[2]).toBe("k8s://https://k8s.example.com:443");
    expect(args.slice(7, 9)).toEqual(["--class", "org.example.Main"]);
    expect(args.slice(-3)).toEqual(["local:///opt/app/prep.py", "--day", "1"]);
  });

  it("refuses a run the namespace template cannot resolve", () => {
    expect(() => sparkSubmitArgs(managed, { ...run, project: undefined })).toThrow(/has no project/);
  });

  it("never lets the application file or a user argument be read as a spark-submit option", () => {
    for (const file of ["--conf", "--conf=spark.kubernetes.executor.volumes.hostPath.h.mount.path=/", "-v", "-"]) {
      expect(() => sparkSubmitArgs(managed, { ...run, mainApplicationFile: file })).toThrow(SparkArgumentError);
      expect(() => sparkApplication(managed, { ...run, mainApplicationFile: file })).toThrow(SparkArgumentError);
    }
    // Arguments after the application belong to the application, even when they look like options.
    const args = sparkSubmitArgs(managed, {
      ...run,
      arguments: ["--conf", "spark.kubernetes.executor.volumes.hostPath.h.mount.path=/"],
    });
    expect(args.slice(-3)).toEqual([
      run.mainApplicationFile,
      "--conf",
      "spark.kubernetes.executor.volumes.hostPath.h.mount.path=/",
    ]);
    expect(args.filter((arg) => arg.includes("hostPath"))).toHaveLength(1);
  });
});

describe("sparkApplication", () => {
  it("is a v1beta2 SparkApplication with driver and executor sizes, labels and the executor fragment merged", () => {
    const app = sparkApplication(managed, run) as {
      apiVersion: string;
      kind: string;
      metadata: Record<string, unknown>;
      spec: Record<string, unknown> & { driver: Record<string, unknown>; executor: Record<string, unknown> };
    };
    expect(app.apiVersion).toBe("sparkoperator.k8s.io/v1beta2");
    expect(app.kind).toBe("SparkApplication");
    expect(app.metadata).toEqual({
      name: "churn-prep-7",
      namespace: "spark-churn",
      labels: {
        "berth.dev/job": "churn-prep-7",
        "berth.dev/spark-config": "spark-gpu",
        "berth.dev/user": "Alice.Smith",
        "berth.dev/project": "churn",
      },
    });
    expect(app.spec).toMatchObject({
      type: "Python",
      mode: "cluster",
      image: "registry.example.com/ml/spark-py:3.5.1",
      sparkVersion: "3.5.1",
      mainApplicationFile: "local:///opt/app/prep.py",
      memoryOverheadFactor: "0.2",
      sparkConf: { "spark.eventLog.enabled": "true" },
      restartPolicy: { type: "Never" },
    });
    expect(app.spec.driver).toMatchObject({ cores: 1, memory: "2g", serviceAccount: "berth-spark-churn-prep-7" });
    expect(app.spec.executor).toMatchObject({
      instances: 4,
      cores: 2,
      memory: "4g",
      serviceAccount: "berth-spark-churn-prep-7",
      labels: { team: "ml", "berth.dev/job": "churn-prep-7" },
    });
    // The webhook that would apply these fields acts only in the operator's job namespaces, if installed at all.
    expect(app.spec.executor.nodeSelector).toBeUndefined();
    expect(app.spec.executor.gpu).toBeUndefined();
    expect(app.spec.executor.template).toMatchObject({
      spec: {
        nodeSelector: { gpu: "true" },
        containers: [{ name: "spark-kubernetes-executor", resources: { limits: { "nvidia.com/gpu": 1 } } }],
      },
    });
    expect(app.spec.dynamicAllocation).toBeUndefined();
  });

  it("maps dynamic allocation and uses Spark's defaults for missing sizes", () => {
    const dynamic: SparkConfigBody = {
      ...managed,
      image: "apache/spark:latest",
      executorPodTemplate: "",
      conf: {
        "spark.dynamicAllocation.enabled": "true",
        "spark.dynamicAllocation.minExecutors": "1",
        "spark.dynamicAllocation.initialExecutors": "2",
        "spark.dynamicAllocation.maxExecutors": "10",
      },
    };
    const spec = (
      sparkApplication(dynamic, { ...run, mainApplicationFile: "local:///app.jar" }) as {
        spec: Record<string, Record<string, unknown>>;
      }
    ).spec;
    expect(spec.dynamicAllocation).toEqual({ enabled: true, initialExecutors: 2, minExecutors: 1, maxExecutors: 10 });
    expect(spec.executor).toMatchObject({ instances: 2, cores: 1, memory: "1g" });
    expect(spec.executor.template).toBeUndefined();
    expect(spec.type).toBe("Scala");
    expect(spec.sparkVersion).toBe("3.5.3");
    expect(spec.sparkConf).toBeUndefined();
  });
});

describe("perJobRbac", () => {
  it("makes a ServiceAccount, a namespaced Role for the driver's objects and the binding between them", () => {
    const { serviceAccount, role, roleBinding } = perJobRbac("spark-churn", "churn-prep-7");
    expect(serviceAccount).toMatchObject({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: "berth-spark-churn-prep-7",
        namespace: "spark-churn",
        labels: { "berth.dev/job": "churn-prep-7" },
      },
    });
    expect(role.kind).toBe("Role");
    expect(role.metadata.namespace).toBe("spark-churn");
    expect(role.rules.map((rule) => rule.resources)).toEqual([["pods"], ["configmaps"], ["services"]]);
    expect(roleBinding).toMatchObject({
      kind: "RoleBinding",
      roleRef: { kind: "Role", name: "berth-spark-churn-prep-7", apiGroup: "rbac.authorization.k8s.io" },
      subjects: [{ kind: "ServiceAccount", name: "berth-spark-churn-prep-7", namespace: "spark-churn" }],
    });
  });

  it("keeps names within 63 characters", () => {
    expect(perJobRbac("ns", "j".repeat(63)).serviceAccount.metadata.name).toHaveLength(63);
  });

  it("grants only what the Spark driver does: executor pods, its config map, deleting its service; no PVCs unless on-demand", () => {
    const { role } = perJobRbac("spark-churn", "churn-prep-7");
    const verbs = (resource: string) =>
      role.rules
        .filter((rule) => rule.resources.includes(resource))
        .flatMap((rule) => rule.verbs)
        .sort();
    expect(role.rules.every((rule) => rule.apiGroups.length === 1 && rule.apiGroups[0] === "")).toBe(true);
    expect(verbs("pods")).toEqual(["create", "delete", "deletecollection", "get", "list", "patch", "watch"]);
    expect(verbs("configmaps")).toEqual(["create", "delete", "deletecollection", "list"]);
    // The driver never creates a service (the submitter does, in cluster mode); it deletes its own at the end.
    expect(verbs("services")).toEqual(["delete", "deletecollection", "list"]);
    expect(verbs("persistentvolumeclaims")).toEqual([]);
    for (const resource of ["secrets", "serviceaccounts", "roles", "rolebindings", "*"])
      expect(verbs(resource)).toEqual([]);
    const onDemand = perJobRbac("spark-churn", "churn-prep-7", {
      "spark.kubernetes.executor.volumes.persistentVolumeClaim.data.options.claimName": "OnDemand",
    });
    expect(onDemand.role.rules.find((rule) => rule.resources.includes("persistentvolumeclaims"))?.verbs.sort()).toEqual(
      ["create", "delete", "deletecollection", "list"],
    );
  });
});
