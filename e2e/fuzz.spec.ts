import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";

import { BOOTSTRAP_TOKEN, DATA_DIR } from "./support/env";

/**
 * Generated bad input against every create endpoint of the admin objects: each must be refused
 * with a 4xx and a JSON error (field errors for 400), never a 500, and must write nothing.
 */
test.use({ storageState: { cookies: [], origins: [] } });
const headers = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}`, "Content-Type": "application/json" };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Payload = Record<string, Json>;

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Wrong for any required text field: wrong type, blank, or far too long. */
const BAD_VALUES: Json[] = ["", "   ", 12345, null, true, [], {}, "x".repeat(10_000)];
/** Wrong for any name or key. */
const BAD_NAMES: Json[] = ["Bad Name!", "-leading", "a/b", "dot.", "\u0000", "n".repeat(300)];
const BAD_QUANTITIES: Json[] = ["abc", "1.2.3", "--1", "1Gb", "", "1 Gi", "Infinity", {}, [], "1e999999"];

type Path = string[];

/** The paths in a payload whose values are required strings, names or quantities, by kind. */
interface Target {
  endpoint: string;
  list: string;
  valid: (suffix: string) => Payload;
  required: Path[];
  names: Path[];
  /** Names that must be DNS-1123 labels, where uppercase is wrong too. */
  dnsNames: boolean;
  quantities: Path[];
  /** Values that break a cross-field rule; each is set on a copy of the valid payload. */
  invalidCombos: Corruption[];
}

function setPath(payload: Payload, keys: string[], value: Json | undefined): Payload {
  const copy = structuredClone(payload);
  let cursor: Record<string, Json> = copy;
  for (const key of keys.slice(0, -1)) {
    if (!cursor[key] || typeof cursor[key] !== "object" || Array.isArray(cursor[key])) cursor[key] = {};
    cursor = cursor[key] as Record<string, Json>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cursor[last];
  else cursor[last] = value;
  return copy;
}

const TARGETS: Target[] = [
  {
    endpoint: "/api/v1/execution-configs",
    list: "/api/v1/execution-configs",
    valid: (suffix) => ({
      name: `fuzz-exec-${suffix}`,
      image: "python:3.12-slim",
      namespace: "fuzz-${project}",
      resources: {
        requests: { cpu: "500m", memory: "1Gi", "nvidia.com/gpu": "1" },
        limits: { cpu: "2", memory: "2Gi", "nvidia.com/gpu": "1" },
      },
      usableBy: "all",
    }),
    required: [["name"], ["image"], ["namespace"]],
    names: [["name"]],
    dnsNames: true,
    quantities: [
      ["resources", "requests", "cpu"],
      ["resources", "requests", "memory"],
      ["resources", "limits", "cpu"],
      ["resources", "limits", "memory"],
      ["resources", "limits", "nvidia.com/gpu"],
    ],
    invalidCombos: [
      { path: ["resources", "requests", "cpu"], value: "4" },
      { path: ["resources", "requests", "memory"], value: "8Gi" },
      { path: ["resources", "limits", "nvidia.com/gpu"], value: "2" },
      { path: ["namespace"], value: "${nobody}" },
      { path: ["usableBy"], value: { groups: ["no-such-group-fuzz"] } },
      { path: ["usableBy"], value: "some" },
      { path: ["cluster"], value: "no-such-cluster-fuzz" },
      { path: ["nodeSelector"], value: { "bad key!": "x" } },
      { path: ["tolerations"], value: [{ operator: "Sometimes" }] },
    ],
  },
  {
    endpoint: "/api/v1/spark-configs",
    list: "/api/v1/spark-configs",
    valid: (suffix) => ({
      name: `fuzz-spark-${suffix}`,
      conf: { "spark.executor.instances": "2", "spark.executor.memory": "4g" },
      usableBy: "all",
    }),
    required: [["name"]],
    names: [["name"]],
    dnsNames: true,
    quantities: [],
    invalidCombos: [
      { path: ["conf"], value: { "spark.executor.instances": "-3" } },
      { path: ["conf"], value: { "spark.executor.instances": "many" } },
      { path: ["conf"], value: { "spark.executor.memory": "lots" } },
      { path: ["conf"], value: { "not.spark": "1" } },
      { path: ["conf"], value: "spark.executor.instances=2" },
      { path: ["usableBy"], value: { groups: ["no-such-group-fuzz"] } },
    ],
  },
  {
    endpoint: "/api/v1/projects",
    list: "/api/v1/projects",
    valid: (suffix) => ({ key: `fuzz_${suffix}`, name: `Fuzz ${suffix}` }),
    required: [["key"], ["name"]],
    names: [["key"]],
    dnsNames: false,
    quantities: [],
    invalidCombos: [{ path: ["ownerGroup"], value: "no-such-group-fuzz" }],
  },
  {
    endpoint: "/api/v1/clusters",
    list: "/api/v1/clusters",
    valid: (suffix) => ({
      name: `fuzz-cluster-${suffix}`,
      kubeconfig: fs.readFileSync(path.join(DATA_DIR, "embedded-kubeconfig.yaml"), "utf8"),
    }),
    required: [["name"], ["kubeconfig"]],
    names: [["name"]],
    dnsNames: true,
    quantities: [],
    invalidCombos: [
      { path: ["kubeconfig"], value: "::: not yaml" },
      { path: ["kubeconfig"], value: "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n" },
      { path: ["context"], value: "no-such-context" },
    ],
  },
];

/** One way to break a payload: a value at a path (undefined removes it). */
type Corruption = { path: Path; value: Json | undefined };

function corruptions(target: Target): Corruption[] {
  const list: Corruption[] = [{ path: ["unexpectedField"], value: 1 }];
  for (const path of target.required)
    list.push({ path, value: undefined }, ...BAD_VALUES.map((value) => ({ path, value })));
  const names = [...BAD_NAMES, ...(target.dnsNames ? ["UPPER-case"] : [])];
  for (const path of target.names) list.push(...names.map((value) => ({ path, value })));
  for (const path of target.quantities) list.push(...BAD_QUANTITIES.map((value) => ({ path, value })));
  return [...list, ...target.invalidCombos];
}

/** Every single corruption of a valid payload, then random pairs of them on different paths. */
function badPayloads(target: Target, count: number, seed: number): Payload[] {
  const base = target.valid("bad");
  const all = corruptions(target);
  const payloads = all.map(({ path, value }) => setPath(base, path, value));
  const next = random(seed);
  while (payloads.length < count) {
    const a = all[Math.floor(next() * all.length)];
    const b = all[Math.floor(next() * all.length)];
    if (a.path[0] === b.path[0]) continue;
    payloads.push(setPath(setPath(base, a.path, a.value), b.path, b.value));
  }
  return payloads;
}

/** The newest audit row of a change; refused requests are audited too, under "refusal". */
async function lastChangeAuditId(request: APIRequestContext): Promise<number | undefined> {
  const events = (await (await request.get("/api/v1/audit?limit=200", { headers })).json()) as {
    id: number;
    objectType: string;
  }[];
  return events.find((event) => event.objectType !== "refusal")?.id;
}

async function count(request: APIRequestContext, path: string): Promise<number> {
  const response = await request.get(path, { headers });
  expect(response.status(), `GET ${path}`).toBe(200);
  return ((await response.json()) as unknown[]).length;
}

test("each fuzz baseline is valid, so its corruptions test the validation", async ({ request }) => {
  for (const target of TARGETS) {
    const payload = target.valid(`ok${Date.now() % 100000}`);
    const created = await request.post(target.endpoint, { headers, data: JSON.stringify(payload) });
    expect(created.status(), `${target.endpoint}: ${await created.text()}`).toBe(201);
    const name = String(payload.key ?? payload.name);
    expect(
      (await request.delete(`${target.endpoint}/${name}`, { headers })).status(),
      `DELETE ${target.endpoint}/${name}`,
    ).toBeLessThan(300);
  }
});

test("hundreds of bad inputs: 4xx with field errors, no 500, nothing written", async ({ request }) => {
  test.setTimeout(180_000);
  let sent = 0;
  for (const [index, target] of TARGETS.entries()) {
    const before = await count(request, target.list);
    const auditBefore = await lastChangeAuditId(request);
    for (const payload of badPayloads(target, 80, 1000 + index)) {
      const response = await request.post(target.endpoint, { headers, data: JSON.stringify(payload) });
      const label = `${target.endpoint} ${JSON.stringify(payload).slice(0, 200)}`;
      expect(response.status(), label).toBeGreaterThanOrEqual(400);
      expect(response.status(), label).toBeLessThan(500);
      const body = await response.json();
      expect(typeof body.error, label).toBe("string");
      if (response.status() === 400) expect(Object.keys(body.fieldErrors ?? {}).length, label).toBeGreaterThan(0);
      sent++;
    }
    expect(await count(request, target.list), `${target.endpoint}: nothing written`).toBe(before);
    expect(await lastChangeAuditId(request), `${target.endpoint}: no audit row of a change`).toBe(auditBefore);
  }
  expect(sent).toBeGreaterThanOrEqual(300);
});
