/**
 * The real control plane's population for the dashboard benches: a simulator started with the
 * bench's seed options is listed and its demo namespaces, pods and quotas are created on the real
 * cluster (scripts/real-cluster.ts) through the admin kubeconfig; kwok then runs the pods.
 */
import fs from "node:fs";

import { now, simCall, simCallOk, sleep, startSimulator, tempDataDir, waitFor, type Simulator } from "./harness";

/** Runs `work` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** POST that retries what a busy apiserver answers (429, 5xx) and takes 409 as already there. */
async function createObject(cluster: Simulator, pathname: string, body: unknown): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await simCall(cluster, "POST", pathname, body);
    if (res.status < 300 || res.status === 409) return;
    if ((res.status !== 429 && res.status < 500) || attempt >= 10)
      throw new Error(`POST ${pathname} → ${res.status}: ${res.text.slice(0, 300)}`);
    await sleep(200 * (attempt + 1));
  }
}

interface SeededObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { containers?: { name: string; image: string; resources?: unknown }[] };
}

/**
 * Seeds the real cluster with exactly the simulator's population: a simulator started with the
 * same seed options is listed and its demo namespaces, pods (on the nodes the simulator placed them
 * on, so the scheduler's 50 QPS client does not pace 10,000 bindings) and quotas are created here.
 * Quotas come after the pods: until its controller has filled a quota's status, admission may
 * refuse pods ("status unknown for quota"), and every admitted pod updates its namespace's quota
 * object, which serialises the creates. Returns the pods created.
 */
export async function copySeededPopulation(real: Simulator, seedArgs: string[]): Promise<number> {
  const seedDir = tempDataDir("bench-dashboard-seed");
  const sim = await startSimulator(seedDir, seedArgs);
  let pods: SeededObject[];
  let quotas: SeededObject[];
  try {
    const demo = "labelSelector=app.kubernetes.io%2Fpart-of%3Dberth-demo";
    pods = (await simCallOk(sim, "GET", `/api/v1/pods?${demo}`)).json<{ items: SeededObject[] }>().items;
    quotas = (await simCallOk(sim, "GET", `/api/v1/resourcequotas?${demo}`)).json<{ items: SeededObject[] }>().items;
  } finally {
    await sim.stop();
    fs.rmSync(seedDir, { recursive: true, force: true });
  }
  const namespaces = [...new Set(pods.map((pod) => pod.metadata.namespace!))];
  const started = now();
  await eachLimited(namespaces, 10, (name) =>
    createObject(real, "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } }),
  );
  // A pod is refused until its namespace's default ServiceAccount exists.
  await waitFor(
    "a default ServiceAccount in every demo namespace",
    async () => {
      const accounts = (
        await simCallOk(real, "GET", "/api/v1/serviceaccounts?fieldSelector=metadata.name%3Ddefault")
      ).json<{ items: SeededObject[] }>().items;
      const ready = new Set(accounts.map((account) => account.metadata.namespace));
      return namespaces.every((name) => ready.has(name));
    },
    120_000,
    500,
  );
  let created = 0;
  await eachLimited(pods, 24, async (pod) => {
    const spec = pod.spec as { nodeName?: string; tolerations?: unknown; nodeSelector?: unknown };
    await createObject(real, `/api/v1/namespaces/${pod.metadata.namespace}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        labels: pod.metadata.labels,
        annotations: pod.metadata.annotations,
      },
      spec: {
        nodeName: spec.nodeName,
        containers: pod.spec.containers!.map((c) => ({ name: c.name, image: c.image, resources: c.resources })),
        ...(spec.tolerations ? { tolerations: spec.tolerations } : {}),
        ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}),
      },
    });
    if (++created % 1000 === 0)
      console.log(`  ${created}/${pods.length} pods created (${((now() - started) / 1000).toFixed(0)} s)`);
  });
  await eachLimited(quotas, 10, (quota) =>
    createObject(real, `/api/v1/namespaces/${quota.metadata.namespace}/resourcequotas`, {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: quota.metadata.name, namespace: quota.metadata.namespace, labels: quota.metadata.labels },
      spec: quota.spec,
    }),
  );
  const runningCount = async () =>
    (await simCallOk(real, "GET", "/api/v1/pods?fieldSelector=status.phase%3DRunning")).json<{ items: unknown[] }>()
      .items.length;
  await waitFor(
    `kwok to run all ${pods.length} pods`,
    async () => (await runningCount()) >= pods.length,
    20 * 60_000,
    5000,
  );
  console.log(
    `Copied ${namespaces.length} namespaces, ${pods.length} pods (all Running) and ${quotas.length} quotas in ${((now() - started) / 1000).toFixed(0)} s`,
  );
  return pods.length;
}
