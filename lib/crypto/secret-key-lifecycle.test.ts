import { createDecipheriv, createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, inject, it, vi } from "vitest";

/**
 * A "restart" is a fresh module graph reading the same data dir: the key is read once per process,
 * so each start imports secret-box anew with the environment it would have.
 */
async function start(dataDir: string, secretKey?: string) {
  vi.resetModules();
  // The database handle lives on globalThis, as in the console: a new process would open its own.
  const handles = globalThis as { berthDb?: { sqlite: { close(): void } } };
  handles.berthDb?.sqlite.close();
  delete handles.berthDb;
  vi.stubEnv("BERTH_DATA_DIR", dataDir);
  vi.stubEnv("BERTH_SECRET_KEY", secretKey ?? "");
  if (secretKey === undefined) delete process.env.BERTH_SECRET_KEY;
  return import("./secret-box");
}

const freshDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "berth-key-"));

/** Opens a `v1:` value with Node's AES-256-GCM directly: proves the format is the envelope, not an encoding. */
function openEnvelope(sealed: string, key: Buffer): string {
  expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
  const bytes = Buffer.from(sealed.slice(3), "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the secret key's lifecycle", () => {
  it("creates a 32-byte key file, owner-only, on first use and keeps it across restarts", async () => {
    const dataDir = freshDataDir();
    const first = await start(dataDir);
    const sealed = first.encryptSecret("kubeconfig: first start");
    const keyFile = path.join(dataDir, "secret.key");
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64");
    expect(key).toHaveLength(32);

    const second = await start(dataDir);
    expect(second.decryptSecret(sealed)).toBe("kubeconfig: first start");
    second.encryptSecret("another secret");
    expect(Buffer.from(fs.readFileSync(keyFile, "utf8").trim(), "base64").equals(key)).toBe(true);
  });

  it("never rewrites an existing key file", async () => {
    const dataDir = freshDataDir();
    const keyFile = path.join(dataDir, "secret.key");
    const key = Buffer.alloc(32, 7);
    fs.writeFileSync(keyFile, key.toString("base64"), { mode: 0o644 });
    const box = await start(dataDir);
    const sealed = box.encryptSecret("registry password");
    expect(fs.readFileSync(keyFile, "utf8")).toBe(key.toString("base64"));
    // A key file left readable by others is tightened, not replaced.
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(openEnvelope(sealed, key)).toBe("registry password");
  });

  it("stores secrets as AES-256-GCM envelopes with a fresh IV, not as an encoding of the clear text", async () => {
    const dataDir = freshDataDir();
    const box = await start(dataDir);
    const secret = "token: sk-abcdef";
    const sealed = box.encryptSecret(secret);
    const key = Buffer.from(fs.readFileSync(path.join(dataDir, "secret.key"), "utf8").trim(), "base64");
    expect(openEnvelope(sealed, key)).toBe(secret);
    for (const encoding of ["base64", "hex", "base64url"] as const) {
      expect(sealed).not.toContain(Buffer.from(secret).toString(encoding));
    }
    // iv (12) + tag (16) + ciphertext as long as the clear text: nothing else travels with it.
    expect(Buffer.from(sealed.slice(3), "base64")).toHaveLength(12 + 16 + Buffer.byteLength(secret));
    expect(box.encryptSecret(secret).slice(3, 19)).not.toBe(sealed.slice(3, 19));
  });

  it("uses BERTH_SECRET_KEY over the key file when both exist, and writes no key file for it", async () => {
    const withEnv = freshDataDir();
    const box = await start(withEnv, "an operator-chosen passphrase");
    const sealed = box.encryptSecret("kept in a secret manager");
    expect(fs.existsSync(path.join(withEnv, "secret.key"))).toBe(false);
    expect(openEnvelope(sealed, createHash("sha256").update("an operator-chosen passphrase").digest())).toBe(
      "kept in a secret manager",
    );

    const both = freshDataDir();
    const fileBox = await start(both);
    const sealedWithFile = fileBox.encryptSecret("sealed with the file's key");
    const envBox = await start(both, "an operator-chosen passphrase");
    expect(envBox.decryptSecret(envBox.encryptSecret("x"))).toBe("x");
    expect(() => envBox.decryptSecret(sealedWithFile)).toThrow(envBox.UnreadableSecretError);
  });

  it("says in plain words which key failed when a secret was sealed with another one", async () => {
    const dataDir = freshDataDir();
    const sealed = (await start(dataDir, "the old passphrase")).encryptSecret("kubeconfig");
    const box = await start(dataDir, "a new passphrase");
    let message = "";
    try {
      box.decryptSecret(sealed);
    } catch (error) {
      expect(error).toBeInstanceOf(box.UnreadableSecretError);
      message = (error as Error).message;
    }
    expect(message).toBe("it was encrypted with another secret key than BERTH_SECRET_KEY");
    expect(message).not.toMatch(/authenticate|Unsupported state/);

    const fileBox = await start(dataDir);
    expect(() => fileBox.decryptSecret(sealed)).toThrow(
      `it was encrypted with another secret key than the key file ${path.join(dataDir, "secret.key")}`,
    );
    expect(() => fileBox.decryptSecret("plain text")).toThrow("it is not in Berth's encrypted format");
  });
});

describe("stored secrets after a restart with another key", () => {
  it("names each stored secret the new key cannot open, and a cluster's client says what to do", async () => {
    const dataDir = freshDataDir();
    const first = await start(dataDir);
    const { getDb } = await import("@/db");
    const { baseImages, clusters } = await import("@/db/schema");
    const kubeconfigEncrypted = first.encryptSecret("apiVersion: v1\nkind: Config\n");
    getDb()
      .insert(clusters)
      .values({ name: "prod", kubeconfigEncrypted, context: "prod", server: "https://prod.example:6443" })
      .run();
    getDb()
      .insert(baseImages)
      .values({ name: "cuda", spec: {}, registryCredentialsEncrypted: first.encryptSecret("{}") })
      .run();
    const { unreadableStoredSecrets } = await import("./stored-secrets");
    expect(unreadableStoredSecrets()).toEqual([]);

    await start(dataDir, "a passphrase set later");
    const { reportUnreadableStoredSecrets } = await import("./stored-secrets");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(reportUnreadableStoredSecrets()).toEqual([
      'the kubeconfig of cluster "prod"',
      'the registry credentials of base image "cuda"',
    ]);
    expect(logged.mock.calls[0][0]).toContain("encrypted with another secret key than BERTH_SECRET_KEY");
    logged.mockRestore();

    const { kubeClients } = await import("@/lib/kube/client");
    const { KubeCallError } = await import("@/lib/kube/errors");
    const prod = getDb().select().from(clusters).get()!;
    let failure: unknown;
    try {
      kubeClients(prod);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(KubeCallError);
    expect((failure as Error).message).toBe(
      "Berth cannot decrypt this cluster's stored kubeconfig (it was encrypted with another secret key than BERTH_SECRET_KEY): restart Berth with the key it was saved with, or paste the kubeconfig again.",
    );
  });
});

describe("the embedded cluster after a restart with another key", () => {
  it("is not silently re-registered: its row stays as stored and the log says which key to restart with", async () => {
    const dataDir = freshDataDir();
    fs.writeFileSync(path.join(dataDir, "embedded-kubeconfig.yaml"), fs.readFileSync(inject("kubeconfigPath"), "utf8"));
    await start(dataDir);
    (await import("@/lib/clusters/embedded")).registerEmbeddedCluster();
    const { getDb } = await import("@/db");
    const { clusters } = await import("@/db/schema");
    const stored = getDb().select().from(clusters).get()!;
    expect(stored).toMatchObject({ name: "embedded", embedded: true, version: 1 });

    await start(dataDir, "a key nobody used before");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    (await import("@/lib/clusters/embedded")).registerEmbeddedCluster();
    expect(getDb().select().from(clusters).all()).toEqual([stored]);
    expect(logged.mock.calls.map((call) => String(call[0]))).toEqual([
      'The embedded cluster\'s stored kubeconfig cannot be decrypted (it was encrypted with another secret key than BERTH_SECRET_KEY): it was left as it is. Restart Berth with the key it was saved with, or delete the cluster "embedded" to register it anew.',
    ]);
    logged.mockRestore();
  });
});
