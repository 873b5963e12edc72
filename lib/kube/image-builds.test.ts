import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { buildJobObjects, buildPodState, buildPodsByLabel } from "./image-builds";

describe("Kaniko build objects", () => {
  it("mounts the Dockerfile ConfigMap and the docker config Secret into a Job that never retries", () => {
    const { configMap, secret, job } = buildJobObjects({
      namespace: "berth-builds",
      labels: { "berth.dev/build": "7" },
      jobName: "berth-build-7",
      configMapName: "berth-build-7-context",
      secretName: "berth-build-7-registry",
      dockerfile: "FROM alpine\n",
      dockerConfigJson: '{"auths":{}}',
      executorImage: "gcr.io/kaniko-project/executor:v1.23.2",
      destination: "registry.example/team/base:1",
    });
    expect(configMap.data).toEqual({ Dockerfile: "FROM alpine\n" });
    expect(secret).toMatchObject({ type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": Buffer.from('{"auths":{}}').toString("base64") } });
    expect(job.spec).toMatchObject({ backoffLimit: 0, template: { metadata: { labels: { "berth.dev/build": "7" } }, spec: { restartPolicy: "Never" } } });
    expect(job.spec?.template.spec?.containers[0].args).toEqual([
      "--context=dir:///workspace",
      "--dockerfile=/workspace/Dockerfile",
      "--destination=registry.example/team/base:1",
      "--digest-file=/dev/termination-log",
    ]);
    expect(job.spec?.template.spec?.volumes?.[1].secret?.items).toEqual([{ key: ".dockerconfigjson", path: "config.json" }]);
  });

  it("runs Kaniko with RuntimeDefault seccomp, no privilege escalation and only the capabilities it needs as root", () => {
    const { job } = buildJobObjects({ namespace: "b", labels: {}, jobName: "j", configMapName: "c", secretName: "s", dockerfile: "FROM alpine\n", dockerConfigJson: "{}", executorImage: "kaniko", destination: "r/x:1" });
    const pod = job.spec!.template.spec!;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"], add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETFCAP", "SETGID", "SETUID"] },
    });
  });

  it("reads the digest from the termination message and the failure from the terminated state", () => {
    const pod = (phase: string, terminated?: object, waiting?: object): V1Pod => ({ status: { phase, containerStatuses: [{ name: "kaniko", image: "", imageID: "", ready: false, restartCount: 0, state: { terminated, waiting } as never }] } });
    const digest = `sha256:${"a".repeat(64)}`;
    expect(buildPodState(pod("Succeeded", { exitCode: 0, message: digest }))).toEqual({ phase: "succeeded", digest });
    expect(buildPodState(pod("Failed", { exitCode: 1, reason: "Error" }))).toEqual({ phase: "failed", detail: "Error, exit code 1" });
    expect(buildPodState(pod("Running"))).toEqual({ phase: "running" });
    expect(buildPodState(pod("Pending", undefined, { reason: "ContainerCreating" }))).toEqual({ phase: "waiting", detail: "ContainerCreating" });
  });
});

describe("buildPodsByLabel", () => {
  const pod = (name: string, job: string | undefined, created: Date | string): V1Pod => ({
    metadata: { name, labels: job ? { "berth.dev/build": job } : {}, creationTimestamp: created as Date },
  });

  it("keys pods by their Job and keeps the newest, whether times come as Dates (list) or strings (watch)", () => {
    const pods = buildPodsByLabel(
      [pod("old", "job-a", new Date("2026-01-01T00:00:00Z")), pod("new", "job-a", "2026-01-01T00:00:05Z"), pod("b", "job-b", "2026-01-01T00:00:00Z"), pod("stray", undefined, "2026-01-02T00:00:00Z")],
      "berth.dev/build",
    );
    expect([...pods].map(([job, found]) => [job, found.metadata?.name])).toEqual([
      ["job-a", "new"],
      ["job-b", "b"],
    ]);
  });
});
