import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { loadKubeconfig } from "./client";
import { inClusterConnection } from "./in-cluster";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-sa-"));
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
fs.writeFileSync(path.join(dir, "token"), "secret-token-value");
fs.writeFileSync(path.join(dir, "ca.crt"), CA);
fs.writeFileSync(path.join(dir, "namespace"), "berth\n");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("inClusterConnection", () => {
  it("is null outside a pod, and in a pod without a mounted token", () => {
    expect(inClusterConnection({ host: undefined, port: undefined, serviceAccountDir: dir })).toBeNull();
    expect(inClusterConnection({ host: "10.0.0.1", port: undefined, serviceAccountDir: dir })).toBeNull();
    expect(
      inClusterConnection({ host: "10.0.0.1", port: "443", serviceAccountDir: path.join(dir, "absent") }),
    ).toBeNull();
  });

  it("builds a kubeconfig the strict allow-list accepts, with the server and CA and without the token", () => {
    const connection = inClusterConnection({ host: "10.0.0.1", port: "443", serviceAccountDir: dir })!;
    expect(connection).toMatchObject({
      server: "https://10.0.0.1:443",
      context: "in-cluster",
      tokenFile: path.join(dir, "token"),
    });
    expect(connection.kubeconfig).not.toContain("secret-token-value");
    const config = loadKubeconfig(connection.kubeconfig);
    expect(config.getCurrentCluster()).toMatchObject({
      server: "https://10.0.0.1:443",
      caData: Buffer.from(CA).toString("base64"),
    });
    expect(config.getContextObject("in-cluster")?.namespace).toBe("berth");
  });

  it("brackets an IPv6 service address, as net.JoinHostPort does", () => {
    expect(inClusterConnection({ host: "fd00::1", port: "443", serviceAccountDir: dir })!.server).toBe(
      "https://[fd00::1]:443",
    );
  });
});
