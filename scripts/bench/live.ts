/**
 * `npm run bench:live`: the live target — a pod phase change reaches an open run page in
 * < 300 ms p95 on the embedded cluster — measured with 1 and then 50 open run pages, plus the
 * apiserver watches those pages cost.
 *
 * The simulator (the embedded cluster's shape) and the console (production build) start as
 * `npm start` starts them. Runs are submitted through `POST /api/v1/runs` with the simulator's
 * pod annotations (start delay, duration), so each run's pod goes Pending → Running → Succeeded
 * by itself. The change's time is when the bench's own watch on the apiserver sees the new phase;
 * the page's time is when the run page's stream (`/api/stream/runs/{id}`, signed in with a
 * session cookie) delivers the new run status (`event: run`) and the new pod phase
 * (`event: pods`). One more run is followed in Chromium on the run page itself, to the moment the
 * status badge's text changes in the DOM. Exits 0 whatever the figures.
 * `BERTH_BENCH_SMOKE=1` runs fewer runs, to check the harness quickly.
 */
import fs from "node:fs";
import { chromium } from "@playwright/test";

import {
  consoleWatches,
  describeCounts,
  listsBetween,
  ms,
  percentile,
  total,
  whoListed,
  type SimStats,
} from "./figures";
import {
  apiOk,
  now,
  openSse,
  printTable,
  signIn,
  simCallOk,
  simStats,
  simWatch,
  startConsole,
  startSimulator,
  tempDataDir,
  waitFor,
  type Console,
  type ResultRow,
  type Session,
  type Simulator,
  type WatchEvent,
} from "./harness";

const SMOKE = process.env.BERTH_BENCH_SMOKE === "1";
const RUNS_ONE_PAGE = SMOKE ? 2 : 12;
const RUNS_MANY_PAGES = SMOKE ? 1 : 3;
const PAGES = SMOKE ? 5 : 50;
const BROWSER_RUNS = SMOKE ? 1 : 3;
const TARGET_P95_MS = 300;
const RUN_LABEL = "berth.dev/run";
const PROJECT = "bench";
const CONFIG = "bench-cpu";
const NAMESPACE = "berth-bench";

/** The pod phases a run goes through once its pod exists, and the run status each one means. */
const TRANSITIONS = [
  { phase: "Running", status: "running" },
  { phase: "Succeeded", status: "succeeded" },
] as const;

interface Samples {
  /** Apiserver event → `event: run` with the new status. */
  status: number[];
  /** Apiserver event → `event: pods` with the new phase. */
  pods: number[];
}

/** When the bench's own apiserver watch first saw each run's pod reach a phase: run id → phase → time. */
type PhaseTimes = Map<string, Map<string, number>>;

function recordPhase(times: PhaseTimes, event: WatchEvent): void {
  const run = event.object.metadata.labels?.[RUN_LABEL];
  const phase = event.object.status?.phase;
  if (!run || !phase || event.type === "DELETED") return;
  const phases = times.get(run) ?? new Map<string, number>();
  if (!phases.has(phase)) phases.set(phase, event.at);
  times.set(run, phases);
}

async function submitRun(app: Console, startDelay: string, duration: string): Promise<string> {
  const run = await apiOk<{ id: string }>(app, "POST", "/api/v1/runs", {
    project: PROJECT,
    activity: "python-recipe",
    command: ["python", "-c", "print('bench')"],
    annotations: { "sim.berth.dev/start-delay": startDelay, "sim.berth.dev/duration": duration },
  });
  return run.id;
}

interface PageTimes {
  status: Map<string, number>;
  phase: Map<string, number>;
  reason?: string;
}

/**
 * Submits one run, opens `pages` run-page streams on it, and waits until every stream has seen
 * it succeed. Transitions that happened before all streams were open are not counted.
 */
async function followRun(
  app: Console,
  session: Session,
  phases: PhaseTimes,
  pages: number,
  startDelay: string,
  samples: Samples,
  sim: Simulator,
): Promise<RunCounts> {
  const submittedAt = new Date().toISOString();
  const before = await simStats(sim);
  const id = await submitRun(app, startDelay, "1s");
  const pageTimes: PageTimes[] = [];
  const streams = await Promise.all(
    Array.from({ length: pages }, () => {
      const times: PageTimes = { status: new Map(), phase: new Map() };
      pageTimes.push(times);
      return openSse(`${app.baseUrl}/api/stream/runs/${id}`, session, (message) => {
        const data = JSON.parse(message.data) as {
          status?: string;
          reason?: string | null;
          pods?: { phase: string }[];
        };
        if (message.event === "run" && data.status && !times.status.has(data.status))
          times.status.set(data.status, message.at);
        if (message.event === "run" && data.reason) times.reason = data.reason;
        if (message.event === "pods")
          for (const pod of data.pods ?? []) if (!times.phase.has(pod.phase)) times.phase.set(pod.phase, message.at);
      });
    }),
  );
  const allOpen = now();
  const whileOpen = await simStats(sim);
  try {
    await waitFor(
      `run ${id} to end on ${pages} page(s)`,
      () => pageTimes.every((t) => t.status.has("succeeded") || t.status.has("failed")),
      60_000,
    );
    const failed = pageTimes.find((t) => t.status.has("failed"));
    if (failed) throw new Error(`Run ${id} failed: ${failed.reason ?? "no reason given"}`);
    // `event: pods` is debounced, so the last phase may come a little after the final status.
    await waitFor("the final pod phase", () => pageTimes.every((t) => t.phase.has("Succeeded")), 3_000).catch(
      () => undefined,
    );
    const seen = phases.get(id);
    for (const { phase, status } of TRANSITIONS) {
      const changedAt = seen?.get(phase);
      if (changedAt === undefined || changedAt < allOpen) continue;
      for (const times of pageTimes) {
        const statusAt = times.status.get(status);
        const phaseAt = times.phase.get(phase);
        if (statusAt !== undefined) samples.status.push(statusAt - changedAt);
        if (phaseAt !== undefined) samples.pods.push(phaseAt - changedAt);
      }
    }
  } finally {
    for (const stream of streams) stream.close();
  }
  const after = await simStats(sim);
  return { whileOpen, lists: listsBetween(before, after), listed: whoListed(after, submittedAt) };
}

/** What one followed run cost the apiserver: the watches open while its pages were, and the LISTs from submit to end. */
interface RunCounts {
  whileOpen: SimStats;
  lists: Record<string, number>;
  /** Which LISTs, by path. */
  listed: string;
}

/** LISTs per run, averaged over runs, by resource. */
function listsPerRun(counts: RunCounts[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const { lists } of counts)
    for (const [resource, n] of Object.entries(lists)) sum[resource] = (sum[resource] ?? 0) + n;
  return Object.fromEntries(
    Object.entries(sum).map(([resource, n]) => [resource, Math.round((n / counts.length) * 10) / 10]),
  );
}

/**
 * In the page: records every text the run status badge shows, with its time (epoch ms), until it
 * shows `succeeded`. A string, so that no bundler helper leaks into the page.
 */
const OBSERVE_STATUS = `new Promise((resolve) => {
  const badge = document.querySelector('[role="status"][aria-label="Run status"]');
  if (!badge) return resolve({ error: "no run status element" });
  const seen = [{ text: badge.textContent.trim(), at: performance.timeOrigin + performance.now() }];
  const observer = new MutationObserver(() => {
    const text = badge.textContent.trim();
    if (text === seen[seen.length - 1].text) return;
    seen.push({ text, at: performance.timeOrigin + performance.now() });
    if (text === "succeeded" || text === "failed") {
      observer.disconnect();
      resolve({ seen });
    }
  });
  observer.observe(badge, { subtree: true, childList: true, characterData: true });
  setTimeout(() => { observer.disconnect(); resolve({ seen, error: "timed out" }); }, 60000);
})`;

async function browserSamples(
  app: Console,
  session: Session,
  phases: PhaseTimes,
): Promise<{ samples: number[]; notes: string[] }> {
  const samples: number[] = [];
  const notes: string[] = [];
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
  try {
    const context = await browser.newContext();
    await context.addCookies([
      { name: session.name, value: session.value, url: app.baseUrl, httpOnly: true, sameSite: "Lax" },
    ]);
    for (let i = 0; i < BROWSER_RUNS; i++) {
      const page = await context.newPage();
      const id = await submitRun(app, "4s", "1500ms");
      await page.goto(`${app.baseUrl}/runs/${id}`, { waitUntil: "load" });
      const openedAt = now();
      const result = (await page.evaluate(OBSERVE_STATUS)) as { seen?: { text: string; at: number }[]; error?: string };
      if (result.error) notes.push(`browser run ${id}: ${result.error}`);
      const seen = phases.get(id);
      for (const { phase, status } of TRANSITIONS) {
        const changedAt = seen?.get(phase);
        const shownAt = result.seen?.find((s) => s.text === status)?.at;
        if (changedAt !== undefined && changedAt > openedAt && shownAt !== undefined) samples.push(shownAt - changedAt);
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return { samples, notes };
}

/** The bench's own watch on the apiserver (run pods), left out of the console's count. */
const OWN_WATCHES = { pods: 1 };

function latencyRow(measure: string, values: number[], withTarget: boolean): ResultRow {
  const p95 = percentile(values, 95);
  return {
    measure: `${measure} (${values.length} samples)`,
    target: withTarget ? `p95 < ${TARGET_P95_MS} ms` : undefined,
    measured: values.length
      ? `p50 ${ms(percentile(values, 50))}, p95 ${ms(p95)}, max ${ms(Math.max(...values))}`
      : "no samples",
    pass: withTarget ? values.length > 0 && p95 < TARGET_P95_MS : undefined,
  };
}

async function main(): Promise<void> {
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  const dataDir = tempDataDir("bench-live");
  const sim = await startSimulator(dataDir, ["--nodes", "4", "--gpu-nodes", "2", "--gpus-per-node", "4"]);
  console.log("Starting the console (production build)…");
  const app = await startConsole(dataDir);
  let stopWatch = () => {};
  try {
    const session = await signIn(app);
    // The config runs in an existing namespace, as a cluster admin would have prepared it.
    await simCallOk(sim, "POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: NAMESPACE },
    });
    await apiOk(app, "POST", "/api/v1/execution-configs", {
      name: CONFIG,
      image: "python:3.12-slim",
      namespace: NAMESPACE,
      usableBy: "all",
    });
    await apiOk(app, "POST", "/api/v1/projects", {
      key: PROJECT,
      name: "Bench",
      executionConfig: CONFIG,
      cluster: "embedded",
    });

    const phases: PhaseTimes = new Map();
    const listed = await simCallOk(sim, "GET", `/api/v1/pods?labelSelector=${RUN_LABEL}`);
    const fromVersion = listed.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    stopWatch = await simWatch(sim, `/api/v1/pods?labelSelector=${RUN_LABEL}&resourceVersion=${fromVersion}`, (event) =>
      recordPhase(phases, event),
    );

    // Warm-up: the first run starts the console's informers and loads the routes.
    await followRun(app, session, phases, 1, "500ms", { status: [], pods: [] }, sim);

    console.log(`${RUNS_ONE_PAGE} runs with 1 open run page…`);
    const one: Samples = { status: [], pods: [] };
    const statsOne: RunCounts[] = [];
    for (let i = 0; i < RUNS_ONE_PAGE; i++) statsOne.push(await followRun(app, session, phases, 1, "1s", one, sim));
    console.log(`${RUNS_MANY_PAGES} runs with ${PAGES} open run pages each…`);
    const many: Samples = { status: [], pods: [] };
    const statsMany: RunCounts[] = [];
    for (let i = 0; i < RUNS_MANY_PAGES; i++)
      statsMany.push(await followRun(app, session, phases, PAGES, "3s", many, sim));

    rows.push(latencyRow("pod phase change → run status on 1 page (event: run)", one.status, true));
    rows.push(latencyRow("pod phase change → pod phase on 1 page (event: pods)", one.pods, false));
    rows.push(latencyRow(`pod phase change → run status on ${PAGES} pages (event: run)`, many.status, true));
    rows.push(latencyRow(`pod phase change → pod phase on ${PAGES} pages (event: pods)`, many.pods, false));

    const oneWatches = consoleWatches(statsOne[statsOne.length - 1].whileOpen, OWN_WATCHES);
    const manyWatches = consoleWatches(statsMany[statsMany.length - 1].whileOpen, OWN_WATCHES);
    rows.push({
      measure: "console's apiserver watches, 1 run page open",
      measured: `${total(oneWatches)} (${describeCounts(oneWatches)})`,
    });
    rows.push({
      measure: `console's apiserver watches, ${PAGES} run pages open`,
      target: "= with 1",
      measured: `${total(manyWatches)} (${describeCounts(manyWatches)})`,
      pass: total(manyWatches) <= total(oneWatches),
    });
    const listsOne = listsPerRun(statsOne);
    const listsMany = listsPerRun(statsMany);
    rows.push({
      measure: `apiserver LISTs per run (submit to end): 1 page / ${PAGES} pages`,
      target: `no more with ${PAGES}`,
      measured: `${describeCounts(listsOne)} / ${describeCounts(listsMany)}`,
      pass: total(listsMany) <= total(listsOne),
    });
    notes.push("watch counts leave out the bench's own pods watch (it times the phase changes)");
    const lastListed = statsMany[statsMany.length - 1].listed;
    if (lastListed) notes.push(`LISTs during the last ${PAGES}-page run: ${lastListed}`);

    console.log(`${BROWSER_RUNS} run(s) followed on the run page in Chromium…`);
    const browser = await browserSamples(app, session, phases);
    rows.push(latencyRow("pod phase change → status badge text in Chromium's DOM", browser.samples, true));
    notes.push(...browser.notes);
  } finally {
    stopWatch();
    await app.stop();
    await sim.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  printTable("bench:live — run page latency on the embedded cluster (4 CPU nodes, 2 GPU nodes)", rows, notes);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("bench:live could not run:", error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
