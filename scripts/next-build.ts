/**
 * When the console's production build in .next is current, and how to make it: shared by
 * `npm start` (scripts/start.ts) and `npm run build:standalone` (scripts/build-standalone.ts).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** What a build is made from: a change under any of these makes the build out of date. */
export const BUILD_SOURCES = [
  "app",
  "components",
  "lib",
  "db",
  "public",
  "next.config.mjs",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
  "instrumentation.ts",
];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** When .next was last built (0: never), and whether no source changed since. */
export function buildState(root: string): { builtAt: number; current: boolean } {
  const builtAt = fs.statSync(path.join(root, ".next", "BUILD_ID"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const changedAt = Math.max(...BUILD_SOURCES.map((entry) => newestMtime(path.join(root, entry))));
  return { builtAt, current: builtAt > changedAt };
}

/** Runs `next build` in `root` with the output shown; throws when it fails. */
export function nextBuild(root: string, env: NodeJS.ProcessEnv = process.env): void {
  const build = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env,
  });
  if (build.status !== 0)
    throw new Error(`next build failed (exit code ${build.status ?? build.signal}): see its output above.`);
}
