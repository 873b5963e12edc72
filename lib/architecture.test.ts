/**
 * The areas under lib/ (one per folder; a top-level file such as lib/permissions.ts is an area of
 * its own) must import each other without a loop, so each can be read, tested and changed knowing
 * only what sits below it. The layering, from the bottom up; an area imports only areas on lower
 * rows, or to its left on its own row ("a < b": b may import a, never the other way):
 *
 *   env, data-dir, validation, permissions, crypto,   pure helpers and adapters: no domain area
 *     kube, docker
 *   audit < auth < actions                            the audit row, who acts, the mutation wrapper
 *   objects; users, groups, tokens                    versioned-object plumbing; the people areas
 *   resolution < settings < projects                  instance defaults and project overrides
 *   clusters, docker-hosts < namespace-policies       where work runs
 *   images < spark-configs < code-envs                what it runs in (the code-env planner knows
 *     < execution-configs                             which Spark image a config pulls)
 *   runs < dashboard                                  what uses all of the above
 *   shutdown < health, live, bootstrap < api          process wiring and entry points
 *
 * A type or helper two areas share lives in the lower one. Type-only imports count: they tie one
 * area's meaning to another's just as much, and a type is the cheapest thing to move down. Test
 * files do not count: nothing imports them, so they cannot put a loop into what ships, and an
 * integration test may reach across areas to set up its world.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const libDir = path.join(root, "lib");

type Edge = { from: string; to: string; where: string };

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")
      ? [full]
      : [];
  });
}

/** The area of a path under lib/ (absolute, with or without extension), or null outside lib/. */
function areaOf(file: string): string | null {
  const relative = path.relative(libDir, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  const [first, ...rest] = relative.split(path.sep);
  return rest.length > 0 ? first : first.replace(/\.tsx?$/, "");
}

/** Every import, re-export and dynamic import between two different areas, with where it is written. */
function areaEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(libDir)) {
    const text = fs.readFileSync(file, "utf8");
    const from = areaOf(file)!;
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const target = imported.fileName.startsWith("@/")
        ? path.join(root, imported.fileName.slice(2))
        : imported.fileName.startsWith(".")
          ? path.resolve(path.dirname(file), imported.fileName)
          : null;
      const to = target && areaOf(target);
      if (!to || to === from) continue;
      const line = text.slice(0, imported.pos).split("\n").length;
      edges.push({ from, to, where: `${path.relative(root, file)}:${line}` });
    }
  }
  return edges;
}

/**
 * Each loop between areas, once: for every edge a → b that can come back to a, the shortest way
 * back, so every edge that needs cutting shows up with the file and line that makes it.
 */
function areaCycles(edges: Edge[]): string[] {
  const firstEdge = new Map<string, Edge>();
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    const key = `${edge.from}\0${edge.to}`;
    if (!firstEdge.has(key)) firstEdge.set(key, edge);
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    next.get(edge.from)!.add(edge.to);
  }
  const shortestPath = (start: string, goal: string): string[] | null => {
    const cameFrom = new Map<string, string>([[start, start]]);
    const queue = [start];
    while (queue.length > 0) {
      const area = queue.shift()!;
      if (area === goal) {
        const pathBack = [goal];
        while (pathBack[0] !== start) pathBack.unshift(cameFrom.get(pathBack[0])!);
        return pathBack;
      }
      for (const to of [...(next.get(area) ?? [])].sort()) {
        if (!cameFrom.has(to)) {
          cameFrom.set(to, area);
          queue.push(to);
        }
      }
    }
    return null;
  };
  const seen = new Set<string>();
  const cycles: string[] = [];
  for (const { from, to } of firstEdge.values()) {
    const back = shortestPath(to, from);
    if (!back) continue;
    const loop = [from, ...back.slice(0, -1)];
    // The same loop found from another of its edges starts elsewhere: compare from its smallest area.
    const smallest = loop.indexOf([...loop].sort()[0]);
    const canonical = [...loop.slice(smallest), ...loop.slice(0, smallest)];
    if (seen.has(canonical.join(" "))) continue;
    seen.add(canonical.join(" "));
    const steps = canonical.map((area, i) => {
      const target = canonical[(i + 1) % canonical.length];
      return `${area} → ${target} (${firstEdge.get(`${area}\0${target}`)!.where})`;
    });
    cycles.push(`${[...canonical, canonical[0]].join(" → ")}\n    ${steps.join("\n    ")}`);
  }
  return cycles.sort();
}

describe("lib/ areas", () => {
  it("import each other without a loop", () => {
    const cycles = areaCycles(areaEdges());
    expect(cycles, `loops between lib/ areas:\n${cycles.join("\n")}`).toEqual([]);
  });

  it("the scan finds the import graph and reports a loop once, edge by edge", () => {
    // Guards the scan itself: an empty graph would pass the test above without checking anything.
    const edges = areaEdges();
    expect(edges.length).toBeGreaterThan(100);
    expect(new Set(edges.map((edge) => edge.from)).size).toBeGreaterThan(10);
    const cycles = areaCycles([
      { from: "a", to: "b", where: "lib/a/x.ts:1" },
      { from: "b", to: "c", where: "lib/b/y.ts:2" },
      { from: "c", to: "a", where: "lib/c/z.ts:3" },
      { from: "c", to: "d", where: "lib/c/z.ts:4" },
    ]);
    expect(cycles).toEqual([
      "a → b → c → a\n    a → b (lib/a/x.ts:1)\n    b → c (lib/b/y.ts:2)\n    c → a (lib/c/z.ts:3)",
    ]);
  });
});
