import type {
  V1Affinity,
  V1Container,
  V1EnvVar,
  V1Pod,
  V1PodSecurityContext,
  V1SecurityContext,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";

import { namespaceSafe } from "./names";

/**
 * The container securityContext of every pod Berth builds: no setuid/file-capability escalation,
 * no Linux capabilities, as Pod Security Admission "restricted" asks (runAsNonRoot is left to the
 * image: most data-science images run as root, and "baseline", Berth's default, allows it).
 */
export function hardenedContainerSecurity(): V1SecurityContext {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
}

/** The pod securityContext of every pod Berth builds: the runtime's default seccomp filter for all its containers. */
export function hardenedPodSecurity(): V1PodSecurityContext {
  return { seccompProfile: { type: "RuntimeDefault" } };
}

/** A string made into a valid label value (≤ 63 characters, alphanumeric at both ends). */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** True when the first path segment of an image names a registry host ("registry:5000/x", "localhost/x"). */
function hasRegistryHost(image: string): boolean {
  const slash = image.indexOf("/");
  if (slash < 0) return false;
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost";
}

/** The image a pod pulls: the run's (code env) or the config's, prefixed by the config's registry when it has no host. */
export function resolveImage(config: { image: string; registry?: string }, override?: string): string {
  const image = override || config.image;
  return config.registry && !hasRegistryHost(image) ? `${config.registry}/${image}` : image;
}

/** The name of a run's pod: `berth-<activity>-<run id>`, made a valid object name. */
export function runPodName(activity: string, runId: string): string {
  const base = namespaceSafe(`berth-${activity}-${runId}`).slice(0, 63).replace(/-+$/, "");
  return base || "berth-run";
}

/** Everything a pod is made of, already resolved: lib/kube turns it into a manifest and decides nothing. */
export interface PodInput {
  name: string;
  namespace: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  env: V1EnvVar[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  nodeSelector: Record<string, string>;
  tolerations: V1Toleration[];
  affinity?: V1Affinity;
  /** Size of a memory-backed /dev/shm ("" or absent: the runtime's default). */
  shmSize?: string;
  /** A non-root user id the container runs as (absent: the image's user). */
  runAsUser?: number | null;
  serviceAccount?: string;
  imagePullSecret?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The Pod manifest of a resolved input: one container "main", never restarted, hardened; empty parts left out. */
export function podManifest(input: PodInput): V1Pod {
  const volumes: V1Volume[] = [];
  const volumeMounts: V1VolumeMount[] = [];
  if (input.shmSize) {
    volumes.push({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: input.shmSize } });
    volumeMounts.push({ name: "dshm", mountPath: "/dev/shm" });
  }
  const { requests, limits } = input.resources;
  const resources = {
    ...(Object.keys(requests).length ? { requests } : {}),
    ...(Object.keys(limits).length ? { limits } : {}),
  };
  const container: V1Container = {
    name: "main",
    image: input.image,
    imagePullPolicy: input.imagePullPolicy,
    ...(input.command?.length ? { command: input.command } : {}),
    ...(input.env.length ? { env: input.env } : {}),
    ...(Object.keys(resources).length ? { resources } : {}),
    ...(volumeMounts.length ? { volumeMounts } : {}),
    securityContext: hardenedContainerSecurity(),
  };
  const hasAffinity = input.affinity !== undefined && Object.keys(input.affinity).length > 0;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels, annotations: input.annotations },
    spec: {
      restartPolicy: "Never",
      securityContext: {
        ...hardenedPodSecurity(),
        ...(input.runAsUser ? { runAsNonRoot: true, runAsUser: input.runAsUser } : {}),
      },
      containers: [container],
      ...(input.serviceAccount ? { serviceAccountName: input.serviceAccount } : {}),
      ...(input.imagePullSecret ? { imagePullSecrets: [{ name: input.imagePullSecret }] } : {}),
      ...(Object.keys(input.nodeSelector).length ? { nodeSelector: input.nodeSelector } : {}),
      ...(input.tolerations.length ? { tolerations: input.tolerations } : {}),
      ...(hasAffinity ? { affinity: input.affinity } : {}),
      ...(volumes.length ? { volumes } : {}),
    },
  };
}
