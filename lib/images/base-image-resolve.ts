import "server-only";

import { eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { baseImages, imageBuilds } from "@/db/schema";

import { baseImageNameOf, pinnedByDigest } from "./base-image-ref";

type Reader = ReturnType<typeof getDb> | Tx;

/** A Berth base image's current revision as pods pull it, or why there is none, in words. */
export type ResolvedBaseImage =
  { name: string; image: string; pushedRef: string; buildId: number } | { name: string; problem: string };

/** The current revision of the named base image: its pushed reference and that reference pinned by digest. */
export function currentBaseImageRevision(name: string, db: Reader = getDb()): ResolvedBaseImage {
  const base = db.select().from(baseImages).where(eq(baseImages.name, name)).get();
  if (!base) return { name, problem: `there is no base image named "${name}"` };
  const build =
    base.currentBuildId === null
      ? undefined
      : db.select().from(imageBuilds).where(eq(imageBuilds.id, base.currentBuildId)).get();
  if (!build || build.status !== "pushed")
    return { name, problem: `base image ${name} has no built revision yet: build it first` };
  // A push without a recorded digest still names the revision by its tag.
  return {
    name,
    image: build.digest ? pinnedByDigest(build.image, build.digest) : build.image,
    pushedRef: build.image,
    buildId: build.id,
  };
}

/**
 * The config with its image resolved: a `berth:base-image/<name>` image becomes that base image's
 * current revision by digest (the registry prefix no longer applies: the reference names its host).
 * Ordinary images are returned as they are. Throws an Error in words when the base image cannot be used.
 */
export function withBaseImageResolved<C extends { image: string; registry: string }>(
  config: C,
  db: Reader = getDb(),
): C {
  const name = baseImageNameOf(config.image);
  if (name === null) return config;
  const resolved = currentBaseImageRevision(name, db);
  if ("problem" in resolved) throw new BaseImageUnavailable(resolved.problem);
  return { ...config, image: resolved.image, registry: "" };
}

/** The base image an execution config names cannot be run (missing, or never built). */
export class BaseImageUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaseImageUnavailable";
  }
}
