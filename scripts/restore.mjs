#!/usr/bin/env node
// `npm run restore -- FILE [--data-dir DIR]`: puts a backup in place of the console's database,
// with the console stopped. Plain `node`, so it runs in the image too: `node scripts/restore.mjs FILE`.
import path from "node:path";
import { parseArgs } from "node:util";

import { describeSchemaVersion, restoreDatabase } from "../db/maintenance.mjs";

const root = path.resolve(import.meta.dirname, "..");
const usage = "Usage: npm run restore -- FILE [--data-dir DIR]   (in the image: node scripts/restore.mjs FILE)";

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { "data-dir": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help || positionals.length !== 1) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const dataDir = path.resolve(values["data-dir"] ?? process.env.BERTH_DATA_DIR ?? "data");
console.log(
  "The secret key is not in a backup: the restored database's kubeconfigs and registry credentials open only with the key they were saved with " +
    "(BERTH_SECRET_KEY, or the secret.key file kept from the old data dir).",
);
try {
  const restored = restoreDatabase({
    dataDir,
    backup: positionals[0],
    migrationsDir: path.join(root, "db", "migrations"),
    secretKeySetting: process.env.BERTH_SECRET_KEY || undefined,
  });
  const counts = Object.entries(restored.counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(", ");
  console.log(`Restored ${path.resolve(positionals[0])} to ${restored.file} (${restored.bytes} bytes).`);
  console.log(`Schema: ${describeSchemaVersion(restored.version)}; migrations this build adds run when Berth starts.`);
  console.log(`Rows: ${counts}.`);
  console.log(
    restored.keptAside
      ? `The database it replaced is kept as ${restored.keptAside}.`
      : "There was no database to replace.",
  );
  if (restored.unreadableSecrets.length) {
    const key = restored.keySource
      ? `with ${restored.keySource}`
      : "(there is no BERTH_SECRET_KEY and no secret.key in the data dir, so Berth would generate a new key)";
    console.warn(
      `Warning: Berth cannot decrypt ${restored.unreadableSecrets.join(", ")} ${key}. ` +
        "Put the key the backup was taken with in place (BERTH_SECRET_KEY, or the data dir's secret.key) before starting Berth, or enter these again after it starts.",
    );
  }
  console.log("Start Berth again to use it.");
} catch (error) {
  console.error(`Restore refused: ${error.message}`);
  process.exit(1);
}
