import "server-only";

import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";

import { getDb } from "@/db";
import { apiTokens, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { registerEmbeddedCluster } from "@/lib/clusters/embedded";
import { registerInClusterCluster } from "@/lib/clusters/in-cluster";
import { reportUnreadableStoredSecrets } from "@/lib/crypto/stored-secrets";
import { startDashboardFeeds } from "@/lib/dashboard/service";
import { env } from "@/lib/env";
import { registerLocalEngine } from "@/lib/execution-configs/local-engine";
import { seedStartingPoints } from "@/lib/execution-configs/starting-points";
import { ensureBuildRunner } from "@/lib/images/build-runner";
import { setKubeconfigPolicy } from "@/lib/kube/client";
import { reconcileDockerRuns } from "@/lib/runs/docker";
import { ensureRunReconciler } from "@/lib/runs/reconciler";
import { instanceKubeconfigPolicy } from "@/lib/settings/kubeconfig-policy";
import { hashToken, tokenDisplayPrefix } from "@/lib/tokens/token";

/**
 * First-start setup, idempotent: the `admin` user (password from BERTH_ADMIN_PASSWORD or
 * generated and printed once), the BERTH_BOOTSTRAP_TOKEN admin token, the cluster Berth's pod runs
 * in, the embedded cluster, and on its first start with that cluster the starting points (see
 * seedStartingPoints).
 */
export async function bootstrap(): Promise<void> {
  const db = getDb();
  const { BERTH_ADMIN_PASSWORD, BERTH_BOOTSTRAP_TOKEN } = env();

  let admin = db.select().from(users).where(eq(users.username, "admin")).get();
  if (!admin) {
    const password = BERTH_ADMIN_PASSWORD ?? randomBytes(12).toString("base64url");
    const passwordHash = await hashPassword(password);
    admin = db.transaction((tx) => {
      const created = tx
        .insert(users)
        .values({ username: "admin", role: "admin", passwordHash, displayName: "Administrator" })
        .returning()
        .get();
      recordAudit(tx, null, "system", {
        action: "user.create",
        objectType: "user",
        objectId: created.id,
        objectName: "admin",
        after: { username: "admin", role: "admin" },
      });
      return created;
    });
    if (!BERTH_ADMIN_PASSWORD) {
      console.log(`\n  Berth created the user "admin" with the password: ${password}\n  It is shown only this once.\n`);
    }
  }

  if (BERTH_BOOTSTRAP_TOKEN) {
    const tokenHash = hashToken(BERTH_BOOTSTRAP_TOKEN);
    if (!db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).get()) {
      const adminId = admin.id;
      db.transaction((tx) => {
        const token = tx
          .insert(apiTokens)
          .values({ userId: adminId, name: "bootstrap", tokenHash, prefix: tokenDisplayPrefix(BERTH_BOOTSTRAP_TOKEN) })
          .returning()
          .get();
        recordAudit(tx, null, "system", {
          action: "token.create",
          objectType: "token",
          objectId: token.id,
          objectName: "bootstrap",
          after: { owner: "admin" },
        });
      });
    }
  }

  // Stored kubeconfigs are vetted under the switches an admin set, before any client is built.
  setKubeconfigPolicy(instanceKubeconfigPolicy());
  // A changed secret key is said once, naming what it cannot open, before anything fails on it.
  reportUnreadableStoredSecrets();
  // In a pod: the cluster it runs in, as its own ServiceAccount (the image starts no simulator).
  registerInClusterCluster();
  registerEmbeddedCluster();
  // With BERTH_LOCAL_ENGINE, the container engine npm start started beside it: Docker host "local".
  registerLocalEngine();
  // A fresh install can run work at once: default cluster and a small config, seeded once.
  seedStartingPoints();
  // Builds queued before a restart continue; running ones are followed to their end.
  ensureBuildRunner();
  // Runs' statuses follow their pods again; runs whose pods vanished meanwhile are reconciled.
  ensureRunReconciler();
  // Runs on Docker hosts: followed again from each engine's events, reconciled by Berth's labels.
  void reconcileDockerRuns();
  // The dashboard's figures are ready before anyone asks.
  startDashboardFeeds();
}
