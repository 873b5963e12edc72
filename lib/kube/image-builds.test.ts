import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import { buildJobObjects, buildPodsByLabel, buildPodState, digestFromMessage, jobPodRefusal } from "./image-builds";

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
    expect(secret).toMatchObject({
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from('{"auths":{}}').toString("base64") },
    });
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      template: { metadata: { labels: { "berth.dev/build": "7" } }, spec: { restartPolicy: "Never" } },
    });
    expect(job.spec?.template.spec?.containers[0].args).toEqual([
      "--context=dir:///workspace",
      "--dockerfile=/workspace/Dockerfile",
      "--destination=registry.example/team/base:1",
      "--digest-file=/dev/termination-log",
    ]);
    expect(job.spec?.template.spec?.volumes?.[1].secret?.items).toEqual([
      { key: ".dockerconfigjson", path: "config.json" },
    ]);
  });

  it("runs Kaniko with RuntimeDefault seccomp, no privilege escalation and only the capabilities it needs as root", () => {
    const { job } = buildJobObjects({
      namespace: "b",
      labels: {},
      jobName: "j",
      configMapName: "c",
      secretName: "s",
      dockerfile: "FROM alpine\n",
      dockerConfigJson: "{}",
      executorImage: "kaniko",
      destination: "r/x:1",
    });
    const pod = job.spec!.template.spec!;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"], add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETFCAP", "SETGID", "SETUID"] },
    });
  });

  it("reads the digest from the termination message and the failure from the terminated state", () => {
    const pod = (phase: string, terminated?: object, waiting?: object): V1Pod => ({
      status: {
        phase,
        containerStatuses: [
          {
            name: "kaniko",
            image: "",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { terminated, waiting } as never,
          },
        ],
      },
    });
    const digest = `sha256:${"a".repeat(64)}`;
    expect(buildPodState(pod("Succeeded", { exitCode: 0, message: digest }))).toEqual({ phase: "succeeded", digest });
    expect(buildPodState(pod("Failed", { exitCode: 1, reason: "Error" }))).toEqual({
      phase: "failed",
      detail: "Error, exit code 1",
    });
    expect(buildPodState(pod("Running"))).toEqual({ phase: "running" });
    expect(buildPodState(pod("Pending", undefined, { reason: "ContainerCreating" }))).toEqual({
      phase: "waiting",
      detail: "ContainerCreating",
    });
  });
});

describe("build Job resources and executors", () => {
  const spec = {
    namespace: "b",
    labels: {},
    jobName: "j",
    configMapName: "c",
    secretName: "s",
    dockerfile: "FROM alpine\n",
    dockerConfigJson: "{}",
    executorImage: "img",
    destination: "r/x:1",
  };

  it("gives the builder container the requests and limits of the settings, leaving unset ones out", () => {
    const { job } = buildJobObjects({
      ...spec,
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: null, memory: "4Gi" } },
    });
    expect(job.spec!.template.spec!.containers[0].resources).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { memory: "4Gi" },
    });
    const bare = buildJobObjects({
      ...spec,
      resources: { requests: { cpu: null, memory: null }, limits: { cpu: null, memory: null } },
    }).job;
    expect(bare.spec!.template.spec!.containers[0].resources).toBeUndefined();
  });

  it("runs rootless BuildKit daemonless as moby/buildkit's job.rootless.yaml does, pushing with the mounted docker config", () => {
    const { job } = buildJobObjects({ ...spec, executor: "buildkit", executorImage: "moby/buildkit:v0.23.2-rootless" });
    const pod = job.spec!.template.spec!;
    const container = pod.containers[0];
    expect(container).toMatchObject({
      name: "buildkit",
      image: "moby/buildkit:v0.23.2-rootless",
      command: ["buildctl-daemonless.sh"],
    });
    expect(container.args).toEqual([
      "build",
      "--frontend",
      "dockerfile.v0",
      "--local",
      "context=/workspace",
      "--local",
      "dockerfile=/workspace",
      "--output",
      "type=image,name=r/x:1,push=true",
      "--progress=plain",
      "--metadata-file=/dev/termination-log",
    ]);
    expect(container.env).toEqual([
      { name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" },
      { name: "DOCKER_CONFIG", value: "/home/user/.docker" },
    ]);
    expect(container.securityContext).toEqual({
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: "Unconfined" },
      appArmorProfile: { type: "Unconfined" },
    });
    expect(pod.volumes?.map((volume) => volume.name)).toEqual(["context", "docker-config", "buildkitd"]);
  });

  it("reads the image digest from Kaniko's digest file and from buildctl's metadata JSON (not the config's digest)", () => {
    const image = `sha256:${"a".repeat(64)}`;
    const config = `sha256:${"c".repeat(64)}`;
    expect(digestFromMessage(image)).toBe(image);
    expect(
      digestFromMessage(
        JSON.stringify({ "containerimage.config.digest": config, "containerimage.digest": image }, null, 2),
      ),
    ).toBe(image);
    expect(
      digestFromMessage(`{"containerimage.config.digest": "${config}", "containerimage.digest": "${image}", "cut`),
    ).toBe(image);
    expect(digestFromMessage(undefined)).toBeNull();
  });

  it("finds the newest FailedCreate of a Job among Warning events", () => {
    const event = (name: string, message: string, at: string, reason = "FailedCreate"): CoreV1Event => ({
      metadata: {},
      involvedObject: { kind: "Job", name },
      reason,
      message,
      lastTimestamp: new Date(at),
    });
    const events = [
      event("j", 'Error creating: pods "j-" is forbidden: old', "2026-01-01T00:00:00Z"),
      event(
        "j",
        'Error creating: pods "j-" is forbidden: failed quota: q: must specify limits.cpu for: kaniko',
        "2026-01-01T00:00:05Z",
      ),
      event("other", "Error creating: x", "2026-01-01T00:00:09Z"),
      event("j", "Back-off", "2026-01-01T00:00:09Z", "BackoffLimitExceeded"),
    ];
    expect(jobPodRefusal(events, "j")).toEqual({
      message: 'pods "j-" is forbidden: failed quota: q: must specify limits.cpu for: kaniko',
      at: new Date("2026-01-01T00:00:05Z"),
    });
    expect(jobPodRefusal(events, "none")).toBeNull();
  });
});

describe("buildPodsByLabel", () => {
  const pod = (name: string, job: string | undefined, created: Date | string): V1Pod => ({
    metadata: { name, labels: job ? { "berth.dev/build": job } : {}, creationTimestamp: created as Date },
  });

  it("keys pods by their Job and keeps the newest, whether times come as Dates (list) or strings (watch)", () => {
    const pods = buildPodsByLabel(
      [
        pod("old", "job-a", new Date("2026-01-01T00:00:00Z")),
        pod("new", "job-a", "2026-01-01T00:00:05Z"),
        pod("b", "job-b", "2026-01-01T00:00:00Z"),
        pod("stray", undefined, "2026-01-02T00:00:00Z"),
      ],
      "berth.dev/build",
    );
    expect([...pods].map(([job, found]) => [job, found.metadata?.name])).toEqual([
      ["job-a", "new"],
      ["job-b", "b"],
    ]);
  });
});
