#!/usr/bin/env node
// `npm run backup -- FILE [--force] [--data-dir DIR]`: an online backup of the console's database.
// Plain `node`, so it runs in the image too: `node scripts/backup.mjs /backups/berth.db`.
import path from "node:path";
import { parseArgs } from "node:util";

import { backupDatabase, describeSchemaVersion } from "../db/maintenance.mjs";

const root = path.resolve(import.meta.dirname, "..");
const usage = "Usage: npm run backup -- FILE [--force] [--data-dir DIR]   (in the image: node scripts/backup.mjs FILE)";

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      force: { type: "boolean", default: false },
      "data-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
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
try {
  const written = backupDatabase({
    dataDir,
    target: positionals[0],
    force: values.force,
    migrationsDir: path.join(root, "db", "migrations"),
  });
  const counts = Object.entries(written.counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(", ");
  console.log(`Wrote ${written.file} (${written.bytes} bytes) from ${path.join(dataDir, "berth.db")}.`);
  console.log(`Schema: ${describeSchemaVersion(written.version)}.`);
  console.log(`Rows: ${counts}.`);
  console.log(
    "The secret key is not in the backup: keep BERTH_SECRET_KEY (or the data dir's secret.key) separately. " +
      "Without it, a restored Berth cannot open the clusters' kubeconfigs and the registry credentials.",
  );
} catch (error) {
  console.error(`Backup failed: ${error.message}`);
  process.exit(1);
}
