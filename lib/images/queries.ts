import "server-only";

import { and, asc, desc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { baseImages, clusters, imageBuilds, type BaseImageRow } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secret-box";
import { isIdRef } from "@/lib/objects/versioned";
import { toYamlDocument } from "@/lib/objects/yaml";

import { findBuild, resolveBuildCluster, toBuildView, type BuildView } from "./builds";
import { credentialsSummary } from "./credentials";
import { baseImageDockerfile, baseImageRef, inputsHash } from "./dockerfile";
import { revisionState, type RevisionState } from "./revision";
import { baseImageSchema, type BaseImageSpec } from "./schema";

type Reader = ReturnType<typeof getDb> | Tx;

export const BASE_IMAGE_KIND = "BaseImage";
export const BASE_IMAGE_OBJECT_TYPE = "base-image";

/** Finds a base image row by numeric id or by name. Its credentials are ciphertext: never pass the row to a page. */
export function findBaseImage(ref: string | number, db: Reader = getDb()): BaseImageRow | undefined {
  return db
    .select()
    .from(baseImages)
    .where(isIdRef(ref) ? eq(baseImages.id, Number(ref)) : eq(baseImages.name, String(ref)))
    .get();
}

function clusterName(clusterId: number | null, db: Reader): string | null {
  if (clusterId === null) return null;
  return db.select({ name: clusters.name }).from(clusters).where(eq(clusters.id, clusterId)).get()?.name ?? null;
}

/** The whole body as baseImageSchema takes it: what history saves, YAML exports and PATCH merges over. */
export function baseImageBody(row: BaseImageRow, db: Reader = getDb()): BaseImageSpec {
  return {
    ...(row.spec as unknown as Omit<BaseImageSpec, "name" | "description" | "cluster">),
    name: row.name,
    description: row.description,
    cluster: clusterName(row.clusterId, db),
  };
}

/** The saved body, parsed again (fills defaults added since it was saved). */
export function baseImageSpec(row: BaseImageRow, db: Reader = getDb()): BaseImageSpec {
  const parsed = baseImageSchema.safeParse(baseImageBody(row, db));
  return parsed.success ? parsed.data : baseImageBody(row, db);
}

export interface BaseImageView extends BaseImageSpec {
  id: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The reference the next build pushes to. */
  image: string;
  inputsHash: string;
  /** The cluster that builds it now (chosen, else the default, else embedded); null when none can. */
  buildCluster: string | null;
  registryCredentials: { configured: boolean; usernames: string[] };
  currentBuild: BuildView | null;
  latestBuild: BuildView | null;
  revisionState: RevisionState;
}

function storedCredentials(row: BaseImageRow): string | null {
  if (!row.registryCredentialsEncrypted) return null;
  try {
    return decryptSecret(row.registryCredentialsEncrypted);
  } catch {
    return null;
  }
}

/** What pages and the API show of a base image: never its credentials, only whether there are some. */
export function toBaseImageView(row: BaseImageRow, db: Reader = getDb()): BaseImageView {
  const spec = baseImageSpec(row, db);
  const hash = inputsHash(spec);
  const current = row.currentBuildId === null ? undefined : findBuild(row.currentBuildId, db);
  const latest = db
    .select()
    .from(imageBuilds)
    .where(and(eq(imageBuilds.baseImageId, row.id), eq(imageBuilds.kind, "base-image")))
    .orderBy(desc(imageBuilds.id))
    .limit(1)
    .get();
  let buildCluster: string | null;
  try {
    buildCluster = resolveBuildCluster(row.clusterId, db).name;
  } catch {
    buildCluster = null;
  }
  return {
    ...spec,
    id: row.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    image: baseImageRef(spec),
    inputsHash: hash,
    buildCluster,
    registryCredentials: credentialsSummary(storedCredentials(row)),
    currentBuild: current ? toBuildView(current, db) : null,
    latestBuild: latest ? toBuildView(latest, db) : null,
    revisionState: revisionState(hash, current ?? null),
  };
}

export function listBaseImages(db: Reader = getDb()): BaseImageView[] {
  return db
    .select()
    .from(baseImages)
    .orderBy(asc(baseImages.name))
    .all()
    .map((row) => toBaseImageView(row, db));
}

/** Base image names, for pickers. */
export function baseImageNames(db: Reader = getDb()): string[] {
  return db
    .select({ name: baseImages.name })
    .from(baseImages)
    .orderBy(asc(baseImages.name))
    .all()
    .map((row) => row.name);
}

/** The exact Dockerfile a build of this base image uses now. */
export function baseImageDockerfileOf(row: BaseImageRow, db: Reader = getDb()): string {
  return baseImageDockerfile(baseImageSpec(row, db));
}

/** The base image's builds (its revisions), newest first. */
export function baseImageRevisions(row: BaseImageRow, db: Reader = getDb()): BuildView[] {
  return db
    .select()
    .from(imageBuilds)
    .where(and(eq(imageBuilds.baseImageId, row.id), eq(imageBuilds.kind, "base-image")))
    .orderBy(desc(imageBuilds.id))
    .all()
    .map((build) => toBuildView(build, db));
}

/** The base image as a YAML document (`kind: BaseImage`), the form YAML import accepts. Credentials are not in it. */
export function baseImageYaml(row: BaseImageRow, db: Reader = getDb()): string {
  const { name, description, ...spec } = baseImageBody(row, db);
  return toYamlDocument(BASE_IMAGE_KIND, { name, description }, spec);
}
