/**
 * What the kubelet's volume manager does before a pod's sandbox starts: ConfigMap and Secret
 * volumes (also inside `projected`) are read from the store and their keys become files. A
 * missing object or key fails the mount with the kubelet's `MountVolume.SetUp failed…` text, and
 * the pod waits in ContainerCreating until it can be mounted. Other volume types mount as empty
 * directories. A container then sees the files through its volumeMounts (`containerFiles`), which
 * is how the simulated Kaniko build reads its Dockerfile and context. Pure.
 */
import { posix } from "node:path";

import type { KubeObject } from "../contract";
import type { Container, KeyToPath, ObjectVolumeSource, Pod, Volume } from "./model";

/** Files of one volume: path relative to the volume root → content. */
export type VolumeFiles = Map<string, string>;

export type MountResult =
  { ok: true; volumes: Map<string, VolumeFiles> } | { ok: false; volume: string; message: string };

/** Reads a ConfigMap or Secret (`configmaps` / `secrets`) from the pod's namespace. */
export type ObjectLookup = (resource: "configmaps" | "secrets", name: string) => KubeObject | undefined;

class MountError extends Error {}

/** A ConfigMap's or Secret's keys as text (Secret and binaryData values are base64). */
function objectData(object: KubeObject, kind: "configmap" | "secret"): Map<string, string> {
  const out = new Map<string, string>();
  const decode = (v: unknown) => Buffer.from(String(v), "base64").toString("utf8");
  const data = (object.data ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(data)) out.set(k, kind === "secret" ? decode(v) : String(v));
  if (kind === "secret")
    for (const [k, v] of Object.entries((object.stringData ?? {}) as Record<string, unknown>)) out.set(k, String(v));
  for (const [k, v] of Object.entries((object.binaryData ?? {}) as Record<string, unknown>)) out.set(k, decode(v));
  return out;
}

/** Projects one ConfigMap/Secret into `files` (all keys, or just `items` at their paths). */
function project(
  files: VolumeFiles,
  kind: "configmap" | "secret",
  name: string | undefined,
  source: ObjectVolumeSource,
  lookup: ObjectLookup,
): void {
  const object = name ? lookup(kind === "configmap" ? "configmaps" : "secrets", name) : undefined;
  if (!object) {
    if (source.optional) return;
    throw new MountError(`${kind} "${name ?? ""}" not found`);
  }
  const data = objectData(object, kind);
  const items: KeyToPath[] = source.items ?? [...data.keys()].map((key) => ({ key, path: key }));
  for (const item of items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (source.optional) continue;
      throw new MountError(
        kind === "configmap"
          ? `configmap references non-existent config key: ${item.key}`
          : `references non-existent secret key: ${item.key}`,
      );
    }
    files.set(posix.normalize(item.path), value);
  }
}

function volumeFiles(volume: Volume, lookup: ObjectLookup): VolumeFiles {
  const files: VolumeFiles = new Map();
  if (volume.configMap) project(files, "configmap", volume.configMap.name, volume.configMap, lookup);
  else if (volume.secret) project(files, "secret", volume.secret.secretName, volume.secret, lookup);
  else if (volume.projected) {
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) project(files, "configmap", source.configMap.name, source.configMap, lookup);
      if (source.secret) project(files, "secret", source.secret.name, source.secret, lookup);
    }
  }
  return files;
}

/** Sets up every volume of the pod, or says which one fails and why (the FailedMount message). */
export function mountVolumes(pod: Pod, lookup: ObjectLookup): MountResult {
  const volumes = new Map<string, VolumeFiles>();
  for (const volume of pod.spec.volumes ?? []) {
    try {
      volumes.set(volume.name, volumeFiles(volume, lookup));
    } catch (error) {
      if (!(error instanceof MountError)) throw error;
      return {
        ok: false,
        volume: volume.name,
        message: `MountVolume.SetUp failed for volume "${volume.name}" : ${error.message}`,
      };
    }
  }
  return { ok: true, volumes };
}

/** A container's view of the mounted files. */
export interface ContainerFiles {
  read(path: string): string | undefined;
  /** A file, or a directory holding at least one file. */
  exists(path: string): boolean;
  /** Every file path under `dir` (absolute). */
  list(dir: string): string[];
}

interface Mount {
  path: string;
  files: VolumeFiles;
}

const within = (path: string, dir: string) => dir === "/" || path === dir || path.startsWith(`${dir}/`);

/** The files a container sees: each mount shows its volume (or `subPath` of it) at `mountPath`; deeper mounts hide shallower ones. */
export function containerFiles(container: Container, volumes: Map<string, VolumeFiles>): ContainerFiles {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const source = volumes.get(m.name);
    if (!source) continue;
    let files = source;
    if (m.subPath) {
      const sub = posix.normalize(m.subPath);
      files = new Map();
      // A subPath naming a file mounts that file at mountPath itself.
      if (source.has(sub)) files.set(".", source.get(sub)!);
      for (const [p, v] of source) if (p.startsWith(`${sub}/`)) files.set(p.slice(sub.length + 1), v);
    }
    mounts.push({ path: posix.normalize(m.mountPath).replace(/(.)\/$/, "$1"), files });
  }
  mounts.sort((a, b) => b.path.length - a.path.length);
  const absolute = (mount: Mount, rel: string) => (rel === "." ? mount.path : posix.join(mount.path, rel));
  const owner = (path: string) => mounts.find((m) => within(path, m.path));
  const relative = (mount: Mount, path: string) => (path === mount.path ? "." : posix.relative(mount.path, path));
  const all = () =>
    mounts.flatMap((m) => [...m.files.keys()].map((rel) => absolute(m, rel)).filter((p) => owner(p) === m));
  return {
    read(path) {
      const p = posix.normalize(path);
      const mount = owner(p);
      return mount?.files.get(relative(mount, p));
    },
    exists(path) {
      const p = posix.normalize(path).replace(/(.)\/$/, "$1");
      return all().some((file) => within(file, p));
    },
    list(dir) {
      const d = posix.normalize(dir).replace(/(.)\/$/, "$1");
      return all()
        .filter((file) => file !== d && within(file, d))
        .sort();
    },
  };
}
