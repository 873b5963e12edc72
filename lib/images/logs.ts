/** Pure helpers for build logs: tails, secret redaction, the failing step. */

/** How much of a build log Berth keeps after the build pod is gone. */
export const LOG_TAIL_BYTES = 64 * 1024;

export const REDACTED_SECRET = "[redacted]";

// Kaniko's colour log format wraps levels in ANSI codes; a page shows plain text.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The log without ANSI colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The last `maxBytes` bytes of a text (UTF-8), starting at a whole line when it was cut. */
export function tailBytes(text: string, maxBytes: number = LOG_TAIL_BYTES): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  const cut = bytes.subarray(bytes.length - maxBytes).toString("utf8");
  const newline = cut.indexOf("\n");
  return newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut;
}

/** Replaces every occurrence of each secret (ignoring ones too short to be meaningful) by "[redacted]". */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  // Longest first, so a secret containing another is replaced whole.
  const meaningful = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
  return meaningful.reduce((result, secret) => result.split(secret).join(REDACTED_SECRET), text);
}

interface DockerAuthEntry {
  username?: unknown;
  password?: unknown;
  auth?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

/** The secret strings of a docker config JSON (passwords, tokens, `auth` and its decoded form) to redact from logs. */
export function dockerConfigSecrets(configJson: string): string[] {
  let parsed: { auths?: Record<string, DockerAuthEntry> };
  try {
    parsed = JSON.parse(configJson) as { auths?: Record<string, DockerAuthEntry> };
  } catch {
    return [];
  }
  const secrets: string[] = [];
  for (const entry of Object.values(parsed.auths ?? {})) {
    for (const value of [entry.password, entry.auth, entry.identitytoken, entry.registrytoken]) {
      if (typeof value === "string" && value) secrets.push(value);
    }
    if (typeof entry.auth === "string") {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon >= 0 && colon < decoded.length - 1) secrets.push(decoded.slice(colon + 1));
    }
  }
  return secrets;
}

// Kaniko prefixes lines with `INFO[0003] ` (or a timestamp); errors are printed bare.
const LOG_PREFIX = /^(?:INFO|WARN|ERRO|FATA|DEBU)\[[^\]]*\]\s*/;
// BuildKit's plain progress names a step `#5 [2/3] RUN …` (or `[builder 2/3]`); its summary ` > [2/3] RUN …:`.
const BUILDKIT_STEP = /^#\d+ \[[^\]]*\d+\/\d+\] (.*)$/;

/** A log line as the instruction it starts, when it starts one (Kaniko's or BuildKit's wording). */
function stepOf(line: string): string | undefined {
  const text = line.replace(LOG_PREFIX, "");
  const instruction = BUILDKIT_STEP.exec(text)?.[1] ?? text;
  return /^(RUN|COPY|ADD|FROM|WORKDIR|USER|ENV|ARG) /.test(instruction) ? instruction : undefined;
}

/**
 * Why a build failed, from its log: the executor's `error building image: …`, `Error: …` or
 * (BuildKit) `error: failed to solve: …` line, with the step that was running (the last RUN/COPY/…
 * line before it) when there is one.
 */
export function failureFromLog(log: string): string | null {
  const lines = stripAnsi(log)
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(Boolean);
  const errorIndex = lines.findLastIndex((line) =>
    /^(error building image:|Error:|error )/i.test(line.replace(LOG_PREFIX, "")),
  );
  if (errorIndex < 0) return null;
  const error = lines[errorIndex].replace(LOG_PREFIX, "");
  const step = lines
    .slice(0, errorIndex)
    .map(stepOf)
    .findLast((instruction) => instruction !== undefined);
  return step ? `${step} — ${error}` : error;
}

/** Splits streamed text into whole lines, keeping an unfinished last line for the next chunk. */
export function splitLines(pending: string, chunk: string): { lines: string[]; rest: string } {
  const text = pending + chunk;
  const parts = text.split("\n");
  const rest = parts.pop() ?? "";
  return { lines: parts.map((line) => line.replace(/\r$/, "")), rest };
}
