import "server-only";

import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters } from "@/db/schema";
import { informerStatusesByCluster } from "@/lib/kube/informers";
import { isShuttingDown } from "@/lib/shutdown";

import type { Readiness } from "./schema";

function migrationsCheck(): { ok: boolean; text: string } {
  // The journal drizzle-kit writes beside the migrations (the folder db/index.ts migrates from).
  const journal = JSON.parse(fs.readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8")) as {
    entries: { when: number; tag: string }[];
  };
  const latest = journal.entries.at(-1);
  const applied = getDb().get<{ last: number | null; count: number }>(
    sql`select max(created_at) as last, count(*) as count from __drizzle_migrations`,
  );
  const last = applied?.last ?? 0;
  if (!latest) return { ok: true, text: "none to apply" };
  if (last < latest.when)
    return {
      ok: false,
      text: `not applied yet: the database is at ${applied?.count ?? 0} of ${journal.entries.length} migrations`,
    };
  if (last > latest.when) return { ok: false, text: "the database was migrated by a newer Berth than this one" };
  return { ok: true, text: `all ${journal.entries.length} applied (latest ${latest.tag})` };
}

/**
 * `GET /api/ready`'s answer (200 when `ready`, 503 otherwise). Whether this server should receive traffic: the database opens and has every migration, and at
 * least one registered cluster has answered (its watches listed once, went stale after an outage,
 * or were refused for a permission the console then names). A fresh install with no cluster is
 * ready, or nobody could reach it to register one. Never ready while stopping.
 */
export function readiness(): Readiness {
  const checks: Readiness["checks"] = { database: "not checked", migrations: "not checked", clusters: "not checked" };
  const notReady = (reason: string): Readiness => ({ status: "not-ready", reason, checks });
  if (isShuttingDown()) return notReady("Berth is stopping");

  let registered: { id: number }[];
  try {
    registered = getDb().select({ id: clusters.id }).from(clusters).all();
    checks.database = "open";
  } catch (error) {
    checks.database = error instanceof Error ? error.message : String(error);
    return notReady(`The database cannot be used: ${checks.database}`);
  }
  const migrations = migrationsCheck();
  checks.migrations = migrations.text;
  if (!migrations.ok) return notReady(`Database migrations: ${migrations.text}`);

  if (registered.length === 0) {
    checks.clusters = "no cluster registered";
    return { status: "ready", checks };
  }
  const statuses = informerStatusesByCluster();
  const answered = registered.filter(({ id }) =>
    (statuses.get(id) ?? []).some((status) => status.synced || status.stale || status.forbidden),
  );
  // Counts, not names: anyone who reaches the console may ask.
  checks.clusters = `${answered.length} of ${registered.length} registered answered`;
  if (answered.length === 0)
    return notReady(
      `No cluster has answered yet: waiting for the first lists from ${registered.length === 1 ? "the registered cluster" : `${registered.length} registered clusters`}`,
    );
  return { status: "ready", checks };
}
