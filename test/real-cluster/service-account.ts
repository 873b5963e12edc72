/**
 * A kubeconfig that acts as a ServiceAccount: a token from the TokenRequest API (as `kubectl create
 * token` gets one), with the admin kubeconfig's server and CA, inline.
 */
import * as k8s from "@kubernetes/client-node";
import YAML from "yaml";

export async function serviceAccountKubeconfig(
  adminKubeconfig: string,
  account: { namespace: string; name: string },
  expirationSeconds = 24 * 3600,
): Promise<string> {
  const admin = new k8s.KubeConfig();
  admin.loadFromString(adminKubeconfig);
  const cluster = admin.getCurrentCluster()!;
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const request = await core.createNamespacedServiceAccountToken({
    namespace: account.namespace,
    name: account.name,
    body: { spec: { audiences: [], expirationSeconds } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token was issued for ServiceAccount ${account.namespace}/${account.name}`);
  const user = `${account.namespace}-${account.name}`;
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: cluster.name, cluster: { server: cluster.server, "certificate-authority-data": cluster.caData } },
    ],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: cluster.name, user, namespace: "default" } }],
    "current-context": user,
  });
}
