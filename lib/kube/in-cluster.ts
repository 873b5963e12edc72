import "server-only";

import fs from "node:fs";
import path from "node:path";
import type { KubeConfig, User } from "@kubernetes/client-node";
import YAML from "yaml";

/** Where the kubelet mounts a pod's ServiceAccount credentials (client-go rest.InClusterConfig). */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** What a pod knows about the cluster it runs in: the kubernetes Service's address and the mounted ServiceAccount. */
export interface InClusterEnvironment {
  /** KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, set by the kubelet in every container. */
  host: string | undefined;
  port: string | undefined;
  /** The folder holding `token`, `ca.crt` and `namespace`. */
  serviceAccountDir: string;
}

export interface InClusterConnection {
  /**
   * A kubeconfig with the API server and its CA, and a user without credentials: the token is
   * not in it (it rotates), kubeClients reads it from `tokenFile` for every request.
   */
  kubeconfig: string;
  server: string;
  context: string;
  tokenFile: string;
}

/** The context and user names of the in-cluster kubeconfig. */
const CONTEXT = "in-cluster";
const USER = "service-account";

/**
 * The connection to the cluster this process runs in, as client-go's rest.InClusterConfig
 * (k8s.io/client-go v0.37.2, rest/config.go) builds it: https://HOST:PORT, the mounted CA, the
 * mounted token. Null when not in a pod (no host or port) or when no token is mounted
 * (automountServiceAccountToken: false); throws when the files are there but unreadable.
 */
export function inClusterConnection(environment: InClusterEnvironment): InClusterConnection | null {
  const { host, port, serviceAccountDir } = environment;
  if (!host || !port) return null;
  const tokenFile = path.join(serviceAccountDir, "token");
  if (!fs.existsSync(tokenFile)) return null;
  // Checked here so an unreadable token is said at registration, not at the first call.
  fs.accessSync(tokenFile, fs.constants.R_OK);
  const ca = fs.readFileSync(path.join(serviceAccountDir, "ca.crt"));
  const namespaceFile = path.join(serviceAccountDir, "namespace");
  const namespace = fs.existsSync(namespaceFile) ? fs.readFileSync(namespaceFile, "utf8").trim() : "";
  // net.JoinHostPort: an IPv6 service address is bracketed.
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const kubeconfig = YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CONTEXT, cluster: { server, "certificate-authority-data": ca.toString("base64") } }],
    users: [{ name: USER, user: {} }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: USER, ...(namespace ? { namespace } : {}) } }],
    "current-context": CONTEXT,
  });
  return { kubeconfig, server, context: CONTEXT, tokenFile };
}

const PROVIDER = "berth-service-account-token";

/** client-node's authenticator interface, which its index does not export. */
type Authenticator = Parameters<KubeConfig["addAuthenticator"]>[0];

/**
 * Sends the token in `tokenFile` as read at each request: the kubelet replaces a projected token
 * before it expires (about hourly), and an old one may already be refused. client-node's own
 * tokenFile provider keeps a read for a minute, and would also accept the path from a pasted
 * kubeconfig, which the allow-list refuses.
 */
class ServiceAccountTokenFile implements Authenticator {
  constructor(private readonly tokenFile: string) {}

  isAuthProvider(user: User): boolean {
    return user.authProvider?.name === PROVIDER;
  }

  async applyAuthentication(_user: User, opts: { headers?: Record<string, unknown> }): Promise<void> {
    let token: string;
    try {
      token = (await fs.promises.readFile(this.tokenFile, "utf8")).trim();
    } catch (error) {
      throw new Error(
        `Berth cannot read its ServiceAccount token (${this.tokenFile}): ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`,
      );
    }
    opts.headers ??= {};
    opts.headers.Authorization = `Bearer ${token}`;
  }
}

/** Makes `config`'s current user authenticate with the token in `tokenFile`, re-read for every request. */
export function authenticateWithTokenFile(config: KubeConfig, tokenFile: string): void {
  const user = config.getCurrentUser();
  if (!user) throw new Error("The in-cluster kubeconfig has no user");
  config.addAuthenticator(new ServiceAccountTokenFile(tokenFile));
  // getCurrentUser returns the object the config holds: the provider is looked up on it per request.
  Object.assign(user, { authProvider: { name: PROVIDER, config: {} } });
}
