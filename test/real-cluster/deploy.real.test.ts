import { spawnSync } from "node:child_process";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";

import { startClusterProcess, type ClusterProcess } from "@/test/support/cluster-process";

const root = path.resolve(import.meta.dirname, "..", "..");
const deploy = (...parts: string[]) => path.join(root, "deploy", ...parts);

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

/** `kubectl kustomize DIR`, as the objects it renders; fails with kubectl's words. */
function kustomize(dir: string): Rendered[] {
  const rendered = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
  if (rendered.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${rendered.stderr}`);
  return YAML.parseAllDocuments(rendered.stdout).map((document) => document.toJS() as Rendered);
}

type PodSpec = k8s.V1PodSpec;
const podSpecOf = (objects: Rendered[]): PodSpec =>
  (objects.find((object) => object.kind === "Deployment")!.spec as unknown as k8s.V1DeploymentSpec).template.spec!;
const envOf = (objects: Rendered[]) =>
  Object.fromEntries(
    (podSpecOf(objects).containers[0].env ?? []).map((variable) => [
      variable.name,
      variable.value ?? variable.valueFrom,
    ]),
  );

describe("deploy/ renders with kustomize", () => {
  it("renders the base: everything in namespace berth, one Recreate replica, hardened, probed, the image tag from `images:`", () => {
    const objects = kustomize(deploy());
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual(
      [
        "ClusterRole/berth",
        "ClusterRoleBinding/berth",
        "Deployment/berth",
        "Namespace/berth",
        "NetworkPolicy/berth",
        "PersistentVolumeClaim/berth-data",
        "Service/berth",
        "ServiceAccount/berth",
      ].sort(),
    );
    for (const object of objects)
      if (!["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(object.kind))
        expect(object.metadata.namespace, object.kind).toBe("berth");
    const deployment = objects.find((object) => object.kind === "Deployment")!.spec as unknown as k8s.V1DeploymentSpec;
    expect(deployment).toMatchObject({ replicas: 1, strategy: { type: "Recreate" } });
    const pod = podSpecOf(objects);
    expect(pod).toMatchObject({
      serviceAccountName: "berth",
      automountServiceAccountToken: true,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
    });
    const [container] = pod.containers;
    expect(container.image).toMatch(/^ghcr\.io\/berth-dev\/berth:\S+$/);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.livenessProbe?.httpGet?.path).toBe("/api/health");
    expect(container.readinessProbe?.httpGet?.path).toBe("/api/ready");
    expect(container.startupProbe?.httpGet?.path).toBe("/api/health");
    expect(container.volumeMounts?.map((mount) => mount.mountPath).sort()).toEqual(["/data", "/tmp"]);
    // Secrets are referenced, never committed.
    expect(objects.some((object) => object.kind === "Secret")).toBe(false);
    expect(envOf(objects)).toMatchObject({
      BERTH_SECRET_KEY: { secretKeyRef: { name: "berth-secrets", key: "BERTH_SECRET_KEY" } },
      NEXTAUTH_SECRET: { secretKeyRef: { name: "berth-secrets", key: "NEXTAUTH_SECRET" } },
    });
  });

  it("renders the oidc overlay with the OIDC settings the console reads, the client secret from berth-secrets", () => {
    const env = envOf(kustomize(deploy("overlays", "oidc")));
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        "BERTH_OIDC_ISSUER",
        "BERTH_OIDC_CLIENT_ID",
        "BERTH_OIDC_CLIENT_SECRET",
        "BERTH_OIDC_GROUPS_CLAIM",
        "BERTH_SECRET_KEY",
      ]),
    );
    expect(env.BERTH_OIDC_CLIENT_SECRET).toEqual({
      secretKeyRef: { name: "berth-secrets", key: "BERTH_OIDC_CLIENT_SECRET" },
    });
  });

  it("renders the ingress overlay: an Ingress with a TLS secret to the Service, and the public URL", () => {
    const objects = kustomize(deploy("overlays", "ingress"));
    const ingress = objects.find((object) => object.kind === "Ingress")!.spec as unknown as k8s.V1IngressSpec;
    expect(ingress.tls?.[0].secretName).toBe("berth-tls");
    expect(ingress.rules?.[0].http?.paths[0].backend.service?.name).toBe("berth");
    expect(envOf(objects).NEXTAUTH_URL).toMatch(/^https:\/\//);
  });
});

// A private control plane: `kubectl apply -k deploy/` installs everything (namespace and RBAC
// included) on a cluster that has none of it, and the shared cluster's other suites see no extra pod.
describe("kubectl apply -k deploy/ on a real control plane", () => {
  let cluster: ClusterProcess;
  let kubectl: (...args: string[]) => { status: number | null; stdout: string; stderr: string };
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    cluster = await startClusterProcess(["--nodes", "1", "--gpu-nodes", "0"], {
      script: "scripts/real-cluster.ts",
      readyTimeoutMs: 110_000,
    });
    kubectl = (...args) =>
      spawnSync("kubectl", ["--kubeconfig", cluster.kubeconfigPath, ...args], { encoding: "utf8" });
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(cluster.kubeconfigPath);
    core = admin.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(() => cluster?.stop());

  it("is accepted, and a kwok node runs the Berth pod (Running, Ready)", async () => {
    // --save-config: the Namespace in deploy/ is then applied over it without a warning.
    expect(kubectl("create", "namespace", "berth", "--save-config").status).toBe(0);
    // Test values only: the Secret an installer creates by hand (deploy/kustomization.yaml).
    await core.createNamespacedSecret({
      namespace: "berth",
      body: {
        metadata: { name: "berth-secrets" },
        stringData: {
          BERTH_SECRET_KEY: "test-secret-key",
          NEXTAUTH_SECRET: "test-nextauth-secret",
          BERTH_ADMIN_PASSWORD: "test-admin-password",
        },
      },
    });
    // This cluster has no storage provisioner: a volume for berth-data to bind to, as a default StorageClass would make.
    await core.createPersistentVolume({
      body: {
        metadata: { name: "berth-data-test" },
        spec: {
          capacity: { storage: "5Gi" },
          accessModes: ["ReadWriteOnce"],
          storageClassName: "",
          hostPath: { path: "/var/lib/berth-test" },
        },
      },
    });

    const applied = kubectl("apply", "-k", deploy());
    expect(applied.stderr).toBe("");
    expect(applied.status).toBe(0);
    // Both overlays and the backup example are accepted by this API server too (validated, not stored).
    for (const overlay of ["oidc", "ingress"])
      expect(kubectl("apply", "--dry-run=server", "-k", deploy("overlays", overlay)).stderr).toBe("");
    expect(kubectl("apply", "--dry-run=server", "-f", deploy("examples", "backup-cronjob.yaml")).stderr).toBe("");

    const selector = "app.kubernetes.io/name=berth,app.kubernetes.io/component=console";
    const waited = kubectl(
      "wait",
      "--namespace",
      "berth",
      "--for=condition=Ready",
      "pod",
      "--selector",
      selector,
      "--timeout=90s",
    );
    expect(waited.stderr).toBe("");
    const pods = await core.listNamespacedPod({ namespace: "berth", labelSelector: selector });
    expect(pods.items).toHaveLength(1);
    const [pod] = pods.items;
    expect(pod.status?.phase).toBe("Running");
    expect(pod.spec?.nodeName).toMatch(/^sim-cpu-/);
    expect(pod.spec?.serviceAccountName).toBe("berth");
    // The API server accepted the pod under the hardened settings, as rendered.
    expect(pod.spec?.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(
      (await core.readNamespacedPersistentVolumeClaim({ namespace: "berth", name: "berth-data" })).status?.phase,
    ).toBe("Bound");
  });
});
