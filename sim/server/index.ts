/**
 * Programmatic entry: start a simulator (HTTPS API server + cluster behaviour) on a port, get its
 * URL, token, CA and kubeconfig, and stop it. Used by sim/main.ts, by tests and by the console's
 * start script.
 */
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { hostname, networkInterfaces } from "node:os";

import type { ClusterBehaviour, ClusterOptions, SeedOptions } from "../contract";
import { CRDS } from "./builtin-types";
import { crdNameAdmission, SPARK_APPLICATION_CRD, watchCrds } from "./crds";
import type { VersionInfo } from "./discovery";
import { startEventExpiry } from "./event-expiry";
import { Faults, type FaultSettings } from "./faults";
import { createApiHandler } from "./http";
import { renderKubeconfig, writeKubeconfig } from "./kubeconfig";
import { ensureNamespaces, startNamespaceController, SYSTEM_NAMESPACES } from "./namespaces";
import { autosave, loadState } from "./persistence";
import { Denials } from "./reviews";
import { RequestStats } from "./stats";
import { MemoryStore } from "./store";
import { generateCertificates } from "./tls";
import { WatchHub } from "./watch";

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Serve plain HTTP instead of HTTPS (kubectl then sends no token: auth is switched off). */
  insecureHttp?: boolean;
  /** Bearer token to require; random when omitted. */
  token?: string;
  /** Where to write a kubeconfig for this simulator. */
  kubeconfigPath?: string;
  /**
   * Scheduler, kubelet, controllers and admission. Omitted: the one in sim/cluster is loaded.
   * `null`: a bare API server (objects are stored and served but nothing acts on them).
   */
  behaviour?: ClusterBehaviour | null;
  /** Demo cluster to seed when no saved state was loaded; `false` seeds nothing. */
  seed?: Partial<SeedOptions> | false;
  /** JSON state file: loaded at start if it exists, saved on changes and at stop. */
  statePath?: string;
  /** JSON state file loaded at start and never saved: several simulators started from one seeded state (`statePath` wins). */
  loadPath?: string;
  faults?: Partial<FaultSettings>;
  /** Events kept for watch resumption (older resourceVersions answer 410). */
  historyLimit?: number;
  bookmarkIntervalMs?: number;
  /** Events are deleted this long after they were last seen (default 1 h, as kube-apiserver). */
  eventTtlMs?: number;
  /** What /version reports. */
  version?: VersionInfo;
  /** Verbs on resources the simulator's user may not do ("delete:pods", "get:pods/log"): 403 and `allowed: false` reviews. */
  deny?: string[];
  /** How the simulated add-ons are installed (e.g. the spark-operator's job namespaces and webhook). */
  cluster?: ClusterOptions;
}

export interface RunningSimulator {
  /** https://127.0.0.1:PORT (or http:// with insecureHttp). */
  url: string;
  port: number;
  token: string;
  /** PEM of the CA that signed the server certificate (empty with insecureHttp). */
  caPem: string;
  /** The kubeconfig text (also written to kubeconfigPath when given). */
  kubeconfig: string;
  kubeconfigPath?: string;
  store: MemoryStore;
  faults: Faults;
  /** Request counters per resource and verb, and open watches (also at `GET /_sim/stats`). */
  stats: RequestStats;
  stop(): Promise<void>;
}

export const DEFAULT_SEED: SeedOptions = { nodes: 4, gpuNodes: 2, gpusPerNode: 4, pods: 0, namespaces: 1, seed: 1 };
const DEFAULT_VERSION: VersionInfo = { major: "1", minor: "33", gitVersion: "v1.33.0-berth-sim" };

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::"]);

/** Names beyond 127.0.0.1/localhost the certificate must cover: the host, or every local address. */
function certificateHosts(host: string): string[] {
  if (host === "127.0.0.1" || host === "localhost") return [];
  if (!WILDCARD_HOSTS.has(host)) return [host];
  const addresses = Object.values(networkInterfaces()).flatMap((list) =>
    (list ?? []).filter((a) => a.family === "IPv4").map((a) => a.address),
  );
  return [hostname(), ...addresses];
}

/** The behaviour in sim/cluster, imported lazily so a bare API server does not load it. */
async function loadClusterBehaviour(): Promise<ClusterBehaviour> {
  const cluster = (await import("../cluster/index")) as { behaviour: ClusterBehaviour };
  return cluster.behaviour;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? "127.0.0.1";
  const secure = !options.insecureHttp;
  const token = options.token ?? randomBytes(24).toString("hex");
  // Before anything starts: a malformed rule must not leave a half-started simulator behind.
  const denials = new Denials(options.deny);
  const behaviour = options.behaviour === undefined ? await loadClusterBehaviour() : options.behaviour;

  const store = new MemoryStore({ historyLimit: options.historyLimit });
  for (const type of behaviour?.types ?? []) store.registerType(type);
  store.addAdmission(crdNameAdmission);
  for (const plugin of behaviour?.admission ?? []) store.addAdmission(plugin);

  const loadFrom = options.statePath ?? options.loadPath;
  const loaded = loadFrom ? loadState(store, loadFrom) : false;
  const stoppers: (() => void)[] = [
    watchCrds(store),
    startNamespaceController(store),
    startEventExpiry(store, options.eventTtlMs),
  ];
  ensureNamespaces(store, SYSTEM_NAMESPACES);
  if (!store.get(CRDS, undefined, SPARK_APPLICATION_CRD.metadata.name!))
    store.create(CRDS, SPARK_APPLICATION_CRD, { internal: true });
  if (!loaded && options.seed !== false && behaviour) behaviour.seed(store, { ...DEFAULT_SEED, ...options.seed });
  if (behaviour) stoppers.push(behaviour.start(store, options.cluster));
  if (options.statePath) stoppers.push(autosave(store, options.statePath));

  const watches = new WatchHub(store, { bookmarkIntervalMs: options.bookmarkIntervalMs });
  const faults = new Faults({ dropWatches: () => watches.dropAll(), compact: () => store.compact() }, options.faults);
  const stats = new RequestStats(() => watches.openByResource());
  let address = "";
  const handler = createApiHandler({
    store,
    watches,
    faults,
    stats,
    token: secure ? token : undefined,
    version: options.version ?? DEFAULT_VERSION,
    routes: behaviour?.routes ?? [],
    serverAddress: () => address,
    denials,
  });

  const certificates = secure ? await generateCertificates(certificateHosts(host)) : undefined;
  const server: Server = certificates
    ? createHttpsServer({ key: certificates.keyPem, cert: certificates.certPem }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0; // watches and log follows stay open
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Listening on every interface: clients on this machine still come in through loopback.
  const reachable = WILDCARD_HOSTS.has(host) ? "127.0.0.1" : host;
  const urlHost = reachable.includes(":") ? `[${reachable}]` : reachable;
  address = `${urlHost}:${port}`;
  const url = `${secure ? "https" : "http"}://${address}`;
  const caPem = certificates?.caPem ?? "";
  const kubeconfigInput = { server: url, token, caPem: certificates?.caPem };
  const kubeconfig = renderKubeconfig(kubeconfigInput);
  if (options.kubeconfigPath) writeKubeconfig(options.kubeconfigPath, kubeconfigInput);

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    watches.dropAll();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    for (const stopOne of stoppers.reverse()) stopOne(); // autosave's stop writes the final state
  }

  return { url, port, token, caPem, kubeconfig, kubeconfigPath: options.kubeconfigPath, store, faults, stats, stop };
}
