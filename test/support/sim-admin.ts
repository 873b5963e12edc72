/**
 * The simulator's admin endpoint (`/_sim/faults`) reached with a kubeconfig's server, CA and token,
 * for tests that inject faults or count watches.
 */
import https from "node:https";
import { KubeConfig } from "@kubernetes/client-node";

export interface SimFaultState {
  settings: { latencyMs: number; errorRate: number; paused: boolean; pauseMode: string };
  watches: number;
  resourceVersion: string;
}

export async function simFaults(kubeconfigPath: string, change?: Record<string, unknown>): Promise<SimFaultState> {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const cluster = config.getCurrentCluster()!;
  const url = new URL("/_sim/faults", cluster.server);
  const body = change ? JSON.stringify(change) : undefined;
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: change ? "POST" : "GET",
        ca: Buffer.from(cluster.caData!, "base64"),
        headers: {
          Authorization: `Bearer ${config.getCurrentUser()!.token}`,
          ...(body ? { "Content-Type": "application/json" } : {}),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () =>
          response.statusCode === 200
            ? resolve(JSON.parse(text))
            : reject(new Error(`/_sim/faults answered ${response.statusCode}: ${text}`)),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
