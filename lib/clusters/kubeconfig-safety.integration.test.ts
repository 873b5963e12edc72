import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { parse, stringify } from "yaml";

import type { Actor } from "@/lib/permissions";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-kubeconfig-safety-"));
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };

interface KubeconfigDocument {
  users: { name: string; user: Record<string, unknown> }[];
  clusters: { name: string; cluster: Record<string, unknown> }[];
}

describe("a pasted kubeconfig never runs a program or reads a file on the Berth host", async () => {
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const { updateSettings } = await import("@/lib/settings/mutations");
  const mutations = await import("./mutations");
  const { findCluster } = await import("./queries");
  const { getClusterDetail } = await import("./detail");
  const { clusterStatus } = await import("./status");
  const { createGroup } = await import("@/lib/groups/mutations");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const token = /token:\s*(\S+)/.exec(kubeconfig)![1];
  const markers = fs.mkdtempSync(path.join(os.tmpdir(), "berth-markers-"));
  const secretFile = path.join(markers, "berth-secret-key");
  fs.writeFileSync(secretFile, "-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----\n");

  /** The sim's kubeconfig with its user's credentials replaced. */
  function withUser(user: Record<string, unknown>): string {
    const document = parse(kubeconfig) as KubeconfigDocument;
    document.users[0].user = user;
    return stringify(document);
  }
  const execUser = (marker: string, script = "") => ({
    exec: {
      apiVersion: "client.authentication.k8s.io/v1",
      command: "/bin/sh",
      args: ["-c", `echo ran >> ${marker}; ${script}`],
      interactiveMode: "Never",
    },
  });

  // Every path client-node (or anything else) reads during these tests.
  const readPaths: string[] = [];
  const readFileSync = fs.readFileSync;
  vi.spyOn(fs, "readFileSync").mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) => {
    readPaths.push(String(file));
    return (readFileSync as (file: fs.PathOrFileDescriptor, options?: unknown) => string | Buffer)(file, options);
  }) as typeof fs.readFileSync);
  afterAll(() => vi.restoreAllMocks());

  const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor = admin) =>
    executeMutation(mutation, input, actor, "api") as Promise<
      { ok: true; data: unknown } | { ok: false; status: number; error: string; fieldErrors?: Record<string, string[]> }
    >;

  /** What the cluster page does after an attach: probe it (which would run a plugin or read a file). */
  async function attachAndLook(name: string, text: string) {
    const result = await run(mutations.createCluster, { name, kubeconfig: text });
    if (result.ok) await getClusterDetail(name);
    return result;
  }

  beforeAll(() => {
    getDb().insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
  });

  it("refuses exec on attach, naming the key, and runs nothing", async () => {
    const marker = path.join(markers, "exec-create");
    const result = await attachAndLook("exec-create", withUser(execUser(marker)));
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { kubeconfig: [expect.stringMatching(/^users\[0\]\.user\.exec is not allowed: /)] },
    });
    expect(fs.existsSync(marker)).toBe(false);
    expect(findCluster("exec-create")).toBeUndefined();
  });

  it("refuses an auth-provider cmd-path on attach and runs nothing", async () => {
    const marker = path.join(markers, "auth-provider");
    const text = withUser({
      "auth-provider": { name: "gcp", config: { "cmd-path": "/bin/sh", "cmd-args": `-c 'touch ${marker}; echo {}'` } },
    });
    const result = await attachAndLook("gcp", text);
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { kubeconfig: [expect.stringMatching(/^users\[0\]\.user\.auth-provider is not allowed: /)] },
    });
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("refuses a client-key file path without reading the file", async () => {
    const document = parse(kubeconfig) as KubeconfigDocument;
    const text = withUser({ token, "client-key": secretFile, "client-certificate": secretFile });
    const result = await attachAndLook("file-key", text);
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: {
        kubeconfig: expect.arrayContaining([expect.stringMatching(/^users\[0\]\.user\.client-key is not allowed/)]),
      },
    });
    document.clusters[0].cluster = { ...document.clusters[0].cluster, "certificate-authority": secretFile };
    delete document.clusters[0].cluster["certificate-authority-data"];
    expect(await attachAndLook("file-ca", stringify(document))).toMatchObject({ ok: false });
    expect(readPaths.filter((file) => file === secretFile)).toEqual([]);
  });

  it("refuses exec on a kubeconfig replacement too, and runs nothing", async () => {
    expect(await run(mutations.createCluster, { name: "sim", kubeconfig })).toMatchObject({ ok: true });
    const marker = path.join(markers, "exec-update");
    const result = await run(mutations.updateCluster, { cluster: "sim", kubeconfig: withUser(execUser(marker)) });
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { kubeconfig: [expect.stringMatching(/^users\[0\]\.user\.exec is not allowed/)] },
    });
    await getClusterDetail("sim");
    expect(fs.existsSync(marker)).toBe(false);
    expect(findCluster("sim")).toMatchObject({ reachable: true });
  });

  it("lets a kubeconfig be replaced only with manage on the cluster, and audits it", async () => {
    await run(createGroup, { name: "ops" });
    const cluster = findCluster("sim")!;
    const op = getDb().insert(users).values({ username: "op", role: "user", passwordHash: "x" }).returning().get();
    const operator: Actor = {
      id: op.id,
      username: "op",
      role: "user",
      groups: ["ops"],
      clusterLevels: { [cluster.id]: "operate" },
    };
    expect(
      await run(mutations.updateCluster, { cluster: "sim", description: "operators may edit this" }, operator),
    ).toMatchObject({ ok: true });
    const refused = await run(mutations.updateCluster, { cluster: "sim", kubeconfig }, operator);
    expect(refused).toMatchObject({ ok: false, status: 403, error: expect.stringContaining("clusters.manage") });
    const manager: Actor = { ...operator, clusterLevels: { [cluster.id]: "manage" } };
    expect(await run(mutations.updateCluster, { cluster: "sim", kubeconfig }, manager)).toMatchObject({ ok: true });
    expect(listAuditEvents({ objectType: "cluster", objectId: String(cluster.id), limit: 1 })[0]).toMatchObject({
      action: "cluster.update",
      actor: "op",
      after: { connectionReplaced: true },
    });
  });

  it("runs exec plugins only while an admin allows them, and never shows their stderr", async () => {
    const ran = path.join(markers, "exec-allowed");
    const credential = JSON.stringify({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      status: { token },
    });
    expect(await run(updateSettings, { allowKubeconfigExecPlugins: true })).toMatchObject({ ok: true });
    expect(
      await run(mutations.createCluster, {
        name: "plugin",
        kubeconfig: withUser(execUser(ran, `echo '${credential}'`)),
      }),
    ).toMatchObject({ ok: true });
    expect(await getClusterDetail("plugin")).toMatchObject({ reachable: true });
    const runs = () => fs.readFileSync(ran, "utf8").split("\n").filter(Boolean).length;
    const before = runs();
    expect(before).toBeGreaterThan(0);

    const failing = path.join(markers, "exec-failing");
    expect(
      await run(mutations.createCluster, {
        name: "failing",
        kubeconfig: withUser(execUser(failing, "echo 'leaked-stderr-5ecret' >&2; exit 1")),
      }),
    ).toMatchObject({ ok: true });
    const failed = await getClusterDetail("failing");
    expect(fs.existsSync(failing)).toBe(true);
    expect(failed).toMatchObject({
      reachable: false,
      lastError: "The request to the cluster failed (the server log has the details).",
    });
    expect(JSON.stringify(failed)).not.toContain("5ecret");

    // Turned off: the stored kubeconfig stops working at its next use; the plugin does not run again.
    expect(await run(updateSettings, { allowKubeconfigExecPlugins: false })).toMatchObject({ ok: true });
    const off = await clusterStatus(findCluster("plugin")!, { fresh: true });
    expect(off).toMatchObject({ reachable: false, lastError: expect.stringContaining("exec plugins") });
    expect(runs()).toBe(before);
    expect(findCluster("plugin")).toMatchObject({
      reachable: false,
      lastError: expect.stringContaining("exec plugins"),
    });
  });
});
