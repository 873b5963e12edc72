import "server-only";

import fs from "node:fs";
import path from "node:path";

// The data dir holds the database (every cluster's kubeconfig, encrypted), the key that decrypts
// it and the session secret: no other account on the host may read any of it.
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Sets a mode. A path Berth does not own (a volume's mount point, owned by root with an fsGroup)
 * cannot be changed: that is reported, not fatal, as the files Berth writes are still its own.
 */
function restrict(target: string, mode: number): void {
  try {
    fs.chmodSync(target, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
    console.warn(
      `Berth cannot set ${target} to mode ${mode.toString(8)} (another user owns it): make sure no other account can read it.`,
    );
  }
}

/** Creates a directory (and its parents) owner-only, and tightens it when it already existed wider. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  restrict(dir, DIR_MODE);
}

/**
 * Writes a file owner-only unless it exists (another worker may have written it first: theirs
 * wins), then tightens its mode either way.
 */
export function writePrivateFileOnce(file: string, content: string): void {
  try {
    fs.writeFileSync(file, content, { mode: FILE_MODE, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  restrict(file, FILE_MODE);
}

/** Creates an empty file owner-only when missing (so what opens it later inherits the mode) and tightens it. */
export function touchPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, "a", FILE_MODE));
  restrict(file, FILE_MODE);
}

/**
 * Makes the data dir 0700 and every regular file directly in it 0600: files written by an older
 * Berth, by the embedded simulator or by SQLite (-wal, -shm) keep no wider mode after a start.
 */
export function tightenDataDir(dataDir: string): void {
  ensurePrivateDir(dataDir);
  for (const entry of fs.readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) restrict(path.join(dataDir, entry.name), FILE_MODE);
    else if (entry.isDirectory()) restrict(path.join(dataDir, entry.name), DIR_MODE);
  }
}
