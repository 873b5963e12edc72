/**
 * `npm run build:standalone [-- --out DIR]`: the container image's runtime file tree, in
 * dist/standalone unless told otherwise. The Dockerfile's build stage runs this same script and
 * copies its output as the image's /app, so what is tested here is what the image holds.
 *
 * The tree is Next's standalone server (`output: "standalone"`, only the files the server traces,
 * no dev dependencies) with what it does not trace added: the browser assets (.next/static,
 * public), the database migrations read at start, and the backup and restore commands. Start it
 * as the image does: `node server.js` in that folder, with HOSTNAME, PORT and BERTH_DATA_DIR set.
 *
 * The build in .next is reused when it is a standalone build of the current sources; otherwise
 * `next build` runs first (about 2 minutes on 2 cores).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { buildState, nextBuild } from "./next-build";

const root = path.resolve(import.meta.dirname, "..");

/** Plain-node commands that run inside the image beside the server (see docs/operations.md). */
const RUNTIME_FILES = ["db/migrations", "db/maintenance.mjs", "scripts/backup.mjs", "scripts/restore.mjs"];

function readBuildId(dir: string): string | null {
  try {
    return fs.readFileSync(path.join(dir, "BUILD_ID"), "utf8").trim();
  } catch {
    return null;
  }
}

/** Whether .next holds a standalone build of the current sources. */
export function standaloneBuildIsCurrent(): boolean {
  const nextDir = path.join(root, ".next");
  const buildId = readBuildId(nextDir);
  return (
    Boolean(buildId) && buildState(root).current && readBuildId(path.join(nextDir, "standalone", ".next")) === buildId
  );
}

function copy(from: string, to: string): void {
  // Symlinks are kept as they are: Next links .next/node_modules/<package>-<hash> to ../../node_modules/<package>, inside the tree.
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** Fails with a plain message when the tree could not start: a missing server, native addon or link out of the tree. */
function check(out: string): void {
  const problems: string[] = [];
  if (!fs.existsSync(path.join(out, "server.js")))
    problems.push("server.js is not at the top of the tree (is outputFileTracingRoot the project folder?)");
  if (!fs.existsSync(path.join(out, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node")))
    problems.push("better-sqlite3's native addon was not copied");
  // A local data dir holds a database and secrets: it must never reach an image.
  if (fs.existsSync(path.join(out, "data")))
    problems.push("a data/ folder was copied (check outputFileTracingExcludes in next.config.mjs)");
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = path.resolve(dir, fs.readlinkSync(file));
        if (path.relative(out, target).startsWith("..") || !fs.existsSync(target))
          problems.push(`${path.relative(out, file)} links to ${target}, outside the tree or missing`);
      } else if (entry.isDirectory()) walk(file);
    }
  };
  walk(out);
  if (problems.length) throw new Error(`The standalone tree in ${out} is not usable:\n- ${problems.join("\n- ")}`);
}

function sizeOf(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
    files += 1;
  }
  return { bytes, files };
}

/** Builds (when needed) and assembles the tree into `out`; returns `out`. */
export function buildStandalone(out = path.join(root, "dist", "standalone")): string {
  if (!standaloneBuildIsCurrent()) {
    console.log("Building the console as a standalone server…");
    nextBuild(root, { ...process.env, BERTH_STANDALONE_BUILD: "1", NEXT_TELEMETRY_DISABLED: "1" });
  }
  fs.rmSync(out, { recursive: true, force: true });
  copy(path.join(root, ".next", "standalone"), out);
  copy(path.join(root, ".next", "static"), path.join(out, ".next", "static"));
  if (fs.existsSync(path.join(root, "public"))) copy(path.join(root, "public"), path.join(out, "public"));
  for (const file of RUNTIME_FILES)
    if (fs.existsSync(path.join(root, file))) copy(path.join(root, file), path.join(out, file));
  check(out);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const startedAt = Date.now();
  const out = buildStandalone(values.out ? path.resolve(values.out) : undefined);
  const { bytes, files } = sizeOf(out);
  console.log(
    `Standalone tree ready in ${out}: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MB, in ${((Date.now() - startedAt) / 1000).toFixed(0)} s.`,
  );
  console.log(
    `Start it as the image does: cd ${path.relative(process.cwd(), out) || "."} && HOSTNAME=0.0.0.0 PORT=3000 BERTH_DATA_DIR=/path/to/data node server.js`,
  );
}
