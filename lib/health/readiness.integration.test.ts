import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";

import { freePort } from "@/scripts/ports";
import { waitUntil } from "@/test/support/wait";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-readiness-"));

describe("readiness (GET /api/ready)", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { sql, eq } = await import("drizzle-orm");
  const { getDb } = await import("@/db");
  const { clusters } = await import("@/db/schema");
  const { registerEmbeddedCluster } = await import("@/lib/clusters/embedded");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { acquireInformer, stopAllInformers } = await import("@/lib/kube/informers");
  const { readiness } = await import("./readiness");
  const db = getDb();
  afterAll(() => stopAllInformers());

  it("is ready on a fresh install with no cluster, or nobody could reach the console to register one", () => {
    expect(readiness()).toEqual({
      status: "ready",
      checks: {
        database: "open",
        migrations: expect.stringMatching(/^all \d+ applied/),
        clusters: "no cluster registered",
      },
    });
  });

  it("waits for a registered cluster's first list, and is ready once it has answered", async () => {
    fs.writeFileSync(path.join(dataDir, "embedded-kubeconfig.yaml"), fs.readFileSync(inject("kubeconfigPath"), "utf8"));
    registerEmbeddedCluster();
    expect(readiness()).toMatchObject({
      status: "not-ready",
      reason: "No cluster has answered yet: waiting for the first lists from the registered cluster",
    });
    const embedded = db.select().from(clusters).where(eq(clusters.embedded, true)).get()!;
    const { informer } = acquireInformer(embedded, "pods");
    await informer.whenSynced();
    expect(readiness()).toEqual({
      status: "ready",
      checks: expect.objectContaining({ clusters: "1 of 1 registered answered" }),
    });
  });

  it("counts a cluster that cannot be reached once its watch reports it stale", async () => {
    stopAllInformers();
    const text = fs.readFileSync(inject("kubeconfigPath"), "utf8");
    const server = loadKubeconfig(text).getCurrentCluster()!.server;
    const down = server.replace(/:\d+$/, `:${await freePort()}`);
    const row = db
      .insert(clusters)
      .values({
        name: "down",
        kubeconfigEncrypted: encryptSecret(text.replace(server, down)),
        context: loadKubeconfig(text).getCurrentContext(),
        server: down,
      })
      .returning()
      .get();
    expect(readiness()).toMatchObject({
      status: "not-ready",
      reason: "No cluster has answered yet: waiting for the first lists from 2 registered clusters",
    });
    const { informer } = acquireInformer(row, "pods");
    await waitUntil("the unreachable cluster's watch to report stale", () => informer.status().stale);
    expect(readiness()).toEqual({
      status: "ready",
      checks: expect.objectContaining({ clusters: "1 of 2 registered answered" }),
    });
  });

  it("is not ready while a migration is missing, nor on a database migrated by a newer Berth", () => {
    const latest = db.get<{ hash: string; createdAt: number }>(
      sql`select hash, created_at as createdAt from __drizzle_migrations order by created_at desc limit 1`,
    )!;
    db.run(sql`delete from __drizzle_migrations where created_at = ${latest.createdAt}`);
    expect(readiness()).toMatchObject({
      status: "not-ready",
      reason: expect.stringMatching(/^Database migrations: not applied yet/),
    });
    db.run(sql`insert into __drizzle_migrations (hash, created_at) values (${latest.hash}, ${latest.createdAt})`);
    expect(readiness().status).toBe("ready");

    db.run(
      sql`insert into __drizzle_migrations (hash, created_at) values ('from-a-newer-berth', ${latest.createdAt + 1})`,
    );
    expect(readiness()).toMatchObject({
      status: "not-ready",
      reason: "Database migrations: the database was migrated by a newer Berth than this one",
    });
    db.run(sql`delete from __drizzle_migrations where hash = 'from-a-newer-berth'`);
    expect(readiness().status).toBe("ready");
  });
});
