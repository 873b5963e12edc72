/** The kubeconfig clients use to reach the simulator: one cluster, one token user, one context. */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";

export interface KubeconfigInput {
  server: string;
  token: string;
  /** PEM of the CA that signed the server certificate; absent for plain HTTP. */
  caPem?: string;
  name?: string;
}

export function renderKubeconfig({ server, token, caPem, name = "berth-sim" }: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server };
  if (caPem) cluster["certificate-authority-data"] = Buffer.from(caPem).toString("base64");
  else cluster["insecure-skip-tls-verify"] = true; // client-node refuses http:// without it
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, input: KubeconfigInput): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, renderKubeconfig(input), { mode: 0o600 });
  // `mode` applies only when the file is created: an older kubeconfig keeps no wider mode.
  chmodSync(path, 0o600);
}
