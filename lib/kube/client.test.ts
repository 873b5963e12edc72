import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";

describe("kubeClients against the simulated cluster", async () => {
  beforeAll(() => {
    process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-kube-"));
  });
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { kubeClients, loadKubeconfig } = await import("./client");
  const { describeKubeError } = await import("./errors");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");

  it("talks TLS + bearer token to the cluster through the kubeconfig", async () => {
    const cluster = {
      id: 1,
      version: 1,
      kubeconfigEncrypted: encryptSecret(kubeconfig),
      context: loadKubeconfig(kubeconfig).getCurrentContext(),
    };
    const { core, version } = kubeClients(cluster);
    expect((await version.getCode()).gitVersion).toMatch(/^v1\./);
    const nodes = await core.listNode();
    expect(nodes.items.filter((node) => node.status?.allocatable?.["nvidia.com/gpu"])).toHaveLength(2);
    expect(kubeClients(cluster).core).toBe(core);
  });

  it("turns a missing object into a plain 404", async () => {
    const { core } = kubeClients({ id: 2, version: 1, kubeconfigEncrypted: encryptSecret(kubeconfig), context: "" });
    const failure = await core
      .readNamespacedPod({ namespace: "default", name: "nope" })
      .then(() => null, describeKubeError);
    expect(failure).toMatchObject({ status: 404, reason: "NotFound", message: 'pods "nope" not found' });
  });

  it("refuses a kubeconfig without the chosen context", () => {
    expect(() => loadKubeconfig(kubeconfig, "missing")).toThrow('The kubeconfig has no context "missing"');
  });
});
