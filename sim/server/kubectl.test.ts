/**
 * Real kubectl binaries (1.27: JSON bodies, legacy OpenAPI path; 1.33: protobuf bodies for
 * generators, OpenAPI v3) against a bare simulator.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

import { startSimulator, type RunningSimulator } from "./index";
import { eventually } from "./testing/http-client";

const BIN = "/usr/lib/google-cloud-sdk/bin";
/** The oldest and newest supported; `SIM_KUBECTL_VERSIONS=1.27,1.28,…` runs others too. */
const VERSIONS = (process.env.SIM_KUBECTL_VERSIONS ?? "1.27,1.33").split(",");
// A version asked for but not installed fails the suite: skipping it would pass with nothing tested.
const MISSING = VERSIONS.filter((v) => !existsSync(`${BIN}/kubectl.${v}`));

let sim: RunningSimulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "berth-sim-kubectl-"));
  sim = await startSimulator({ behaviour: null, kubeconfigPath: join(dir, "kubeconfig.yaml") });
});

afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Flags for a version: its own discovery cache, so versions do not share cached OpenAPI. */
const flagsFor = (version: string) => [
  "--kubeconfig",
  join(dir, "kubeconfig.yaml"),
  "--cache-dir",
  join(dir, `cache-${version}`),
];

function kubectlFor(version: string) {
  return (...args: string[]): Promise<Result> =>
    new Promise((resolve) => {
      execFile(
        `${BIN}/kubectl.${version}`,
        [...flagsFor(version), ...args],
        { timeout: 20_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        },
      );
    });
}

const manifest = (ns: string, image: string, envB: string) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${ns}, labels: {app: web}}
data: {mode: fast}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web}
spec:
  containers:
  - name: main
    image: ${image}
    env:
    - {name: A, value: "1"}
    - {name: B, value: "${envB}"}
---
apiVersion: batch/v1
kind: Job
metadata: {name: etl, namespace: ${ns}}
spec:
  completions: 3
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota, namespace: ${ns}}
spec: {hard: {pods: "10", requests.cpu: "4"}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: ${ns}}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: pi, namespace: ${ns}}
spec: {type: Scala, mode: cluster, image: "spark:3.5"}
`;

it("has every kubectl version it is asked to run", () => {
  expect(
    MISSING.map((v) => `${BIN}/kubectl.${v}`),
    "kubectl binaries missing (the google-cloud-sdk's kubectl.<minor> packages)",
  ).toEqual([]);
});

describe.each(VERSIONS.filter((v) => !MISSING.includes(v)))("kubectl %s", (version) => {
  const kubectl = kubectlFor(version);
  const ns = `k${version.replace(".", "")}`;

  it("reports versions and resources", async () => {
    const info = JSON.parse((await kubectl("version", "-o", "json")).stdout);
    expect(info.serverVersion.gitVersion).toMatch(/^v1\.33/);
    const resources = await kubectl("api-resources");
    expect(resources.stderr).toBe("");
    expect(resources.stdout).toMatch(
      /sparkapplications\s+sparkapp\s+sparkoperator\.k8s\.io\/v1beta2\s+true\s+SparkApplication/,
    );
    expect(resources.stdout).toMatch(/pods\s+po\s+v1\s+true\s+Pod/);
  });

  it("creates from multi-document YAML with apply, then patches by re-applying", async () => {
    const file = join(dir, `${ns}.yaml`);
    writeFileSync(file, manifest(ns, "busybox:1", "2"));
    const created = await kubectl("apply", "-f", file);
    expect(created.stderr).toBe("");
    expect(created.stdout.trim().split("\n")).toEqual([
      `namespace/${ns} created`,
      "configmap/settings created",
      "pod/web created",
      "job.batch/etl created",
      "resourcequota/quota created",
      "role.rbac.authorization.k8s.io/reader created",
      "rolebinding.rbac.authorization.k8s.io/reader created",
      "sparkapplication.sparkoperator.k8s.io/pi created",
    ]);
    writeFileSync(file, manifest(ns, "busybox:2", "2"));
    const reapplied = await kubectl("apply", "-f", file);
    expect(reapplied.stdout).toContain("pod/web configured");
    expect(reapplied.stdout).toContain("configmap/settings unchanged");
    const pod = JSON.parse((await kubectl("get", "pod", "web", "-n", ns, "-o", "json")).stdout);
    expect(pod.spec.containers[0].image).toBe("busybox:2");
    expect(pod.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toContain("busybox:2");

    // Only images may change on a running pod; the env merge is refused like upstream.
    writeFileSync(file, manifest(ns, "busybox:2", "3").replace('- {name: A, value: "1"}\n', ""));
    const refused = await kubectl("apply", "-f", file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'The Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`',
    );
  });

  it("prints server-side tables, wide columns and selections", async () => {
    const wide = await kubectl("get", "pods", "-n", ns, "-o", "wide");
    expect(wide.stdout.split("\n")[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    expect(wide.stdout).toMatch(/web\s+0\/1\s+Pending\s+0/);
    const jobs = await kubectl("get", "jobs", "-n", ns);
    expect(jobs.stdout).toMatch(/COMPLETIONS/);
    expect(jobs.stdout).toMatch(/etl\s+.*0\/3/);
    const all = await kubectl("get", "all", "-A", "--show-labels");
    expect(all.stdout).toMatch(new RegExp(`${ns}\\s+pod/web\\s+.*app=web`));
    const byLabel = await kubectl("get", "cm", "-A", "-l", "app=web", "-o", "name");
    expect(byLabel.stdout).toContain("configmap/settings");
    const byField = await kubectl(
      "get",
      "pods",
      "-A",
      "--field-selector",
      `status.phase=Pending,metadata.namespace=${ns}`,
      "-o",
      "name",
    );
    expect(byField.stdout.trim()).toBe("pod/web");
    const yaml = parseYaml((await kubectl("get", "sparkapp", "pi", "-n", ns, "-o", "yaml")).stdout);
    expect(yaml).toMatchObject({
      apiVersion: "sparkoperator.k8s.io/v1beta2",
      kind: "SparkApplication",
      spec: { image: "spark:3.5" },
    });
    const quota = await kubectl("get", "quota", "-n", ns);
    expect(quota.stdout).toMatch(/^NAME\s+REQUEST\s+LIMIT\s+AGE\nquota\s+pods: 0\/10, requests.cpu: 0\/4\s+\S+\n$/);
    const described = await kubectl("describe", "pod", "web", "-n", ns);
    expect(described.stdout).toMatch(/Name:\s+web/);
    expect(described.stdout).toMatch(/Image:\s+busybox:2/);
  });

  it("patches, labels and annotates", async () => {
    expect((await kubectl("patch", "cm", "settings", "-n", ns, "-p", '{"data":{"mode":"slow"}}')).stdout).toContain(
      "patched",
    );
    expect(
      (
        await kubectl(
          "patch",
          "cm",
          "settings",
          "-n",
          ns,
          "--type",
          "json",
          "-p",
          '[{"op":"add","path":"/data/extra","value":"x"}]',
        )
      ).stdout,
    ).toContain("patched");
    expect(
      (await kubectl("patch", "sparkapp", "pi", "-n", ns, "--type", "merge", "-p", '{"spec":{"mode":"client"}}'))
        .stdout,
    ).toContain("patched");
    expect((await kubectl("label", "pod", "web", "-n", ns, "tier=front")).stdout).toContain("labeled");
    expect((await kubectl("annotate", "pod", "web", "-n", ns, "note=hi")).stdout).toMatch(/^pod\/web annotated?$/m); // 1.27 prints "annotate"
    const cm = JSON.parse((await kubectl("get", "cm", "settings", "-n", ns, "-o", "json")).stdout);
    expect(cm.data).toEqual({ mode: "slow", extra: "x" });
    const pod = JSON.parse((await kubectl("get", "pod", "web", "-n", ns, "-o", "json")).stdout);
    expect(pod.metadata.labels).toEqual({ app: "web", tier: "front" });
    expect(pod.metadata.annotations.note).toBe("hi");
  });

  it("creates with generators (protobuf bodies on 1.32+) and server-side apply", async () => {
    expect(
      (await kubectl("create", "configmap", "gen", "-n", ns, "--from-literal=a=b", "--from-literal=empty=")).stdout,
    ).toContain("configmap/gen created");
    expect((await kubectl("create", "secret", "generic", "pw", "-n", ns, "--from-literal=p=s3cret")).stdout).toContain(
      "secret/pw created",
    );
    expect((await kubectl("create", "job", "once", "-n", ns, "--image=busybox", "--", "echo", "hi")).stdout).toContain(
      "job.batch/once created",
    );
    expect(
      (await kubectl("run", "runner", "-n", ns, "--image=busybox", "--restart=Never", "--labels=x=y", "--env=E=1"))
        .stdout,
    ).toContain("pod/runner created");
    const cm = JSON.parse((await kubectl("get", "cm", "gen", "-n", ns, "-o", "json")).stdout);
    expect(cm.data).toEqual({ a: "b", empty: "" });
    const secret = JSON.parse((await kubectl("get", "secret", "pw", "-n", ns, "-o", "json")).stdout);
    expect(Buffer.from(secret.data.p, "base64").toString()).toBe("s3cret");
    const job = JSON.parse((await kubectl("get", "job", "once", "-n", ns, "-o", "json")).stdout);
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      name: "once",
      image: "busybox",
      command: ["echo", "hi"],
    });
    const runner = JSON.parse((await kubectl("get", "pod", "runner", "-n", ns, "-o", "json")).stdout);
    expect(runner.metadata.labels).toEqual({ x: "y" });
    expect(runner.spec).toMatchObject({
      restartPolicy: "Never",
      containers: [{ name: "runner", image: "busybox", env: [{ name: "E", value: "1" }] }],
    });

    const file = join(dir, `${ns}-ssa.yaml`);
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: ${ns}}\ndata: {a: "1"}\n`);
    expect((await kubectl("apply", "--server-side", "-f", file)).stdout).toContain("configmap/ssa serverside-applied");
  });

  it("watches with get -w", async () => {
    await kubectl("create", "cm", "listed", "-n", ns);
    await kubectl("label", "cm", "listed", "-n", ns, "watch=me");
    const child = spawn(`${BIN}/kubectl.${version}`, [
      ...flagsFor(version),
      "get",
      "cm",
      "-n",
      ns,
      "-w",
      "--output-watch-events",
      "-l",
      "watch=me",
    ]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    try {
      // kubectl prints its initial LIST before it watches: what is created after this row can only come through the watch.
      await eventually(() => /^ADDED\s+listed\s+0\s+\d+s$/m.test(out), 8000, "the listed row");
      await kubectl("create", "cm", "watched", "-n", ns);
      // Labelled into the selector: the watch sends it as ADDED (the cacher's filter), not MODIFIED.
      await kubectl("label", "cm", "watched", "-n", ns, "watch=me");
      await eventually(() => /^ADDED\s+watched\s+0\s+\d+s$/m.test(out), 8000, "the watched row");
      await kubectl("annotate", "cm", "listed", "-n", ns, "seen=yes");
      await eventually(() => /^MODIFIED\s+listed\s+0\s+\d+s$/m.test(out), 8000, "the modified row");
      const lines = out.trim().split("\n");
      expect(lines[0]).toMatch(/^EVENT\s+NAME\s+DATA\s+AGE$/);
      expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 2).join(" "))).toEqual([
        "ADDED listed",
        "ADDED watched",
        "MODIFIED listed",
      ]);
    } finally {
      child.kill();
    }
  });

  it("reports errors and deletes, waiting for the object to go", async () => {
    const typo = join(dir, `${ns}-typo.yaml`);
    writeFileSync(typo, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo, namespace: ${ns}}\ndatta: {a: "1"}\n`);
    const strict = await kubectl("apply", "-f", typo);
    expect(strict.stderr).toContain(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"',
    );
    const warned = await kubectl("apply", "-f", typo, "--validate=warn");
    expect(warned.stderr).toContain('Warning: unknown field "datta"');
    const missing = await kubectl("get", "pod", "nope", "-n", ns);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    expect((await kubectl("delete", "pod", "web", "-n", ns)).stdout).toContain('pod "web" deleted');
    expect((await kubectl("delete", "job", "etl", "-n", ns)).stdout).toContain('job.batch "etl" deleted');
    expect((await kubectl("delete", "namespace", ns)).stdout).toContain(`namespace "${ns}" deleted`);
    expect((await kubectl("get", "ns", ns)).code).toBe(1);
  });
});
