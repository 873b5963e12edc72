import type { ActivityType } from "@/lib/resolution/activities";

/** Longest defaulted name: a list column, not the whole script. */
const MAX_DEFAULT = 60;

const basename = (path: string) =>
  path
    .replace(/[/\\]+$/, "")
    .split(/[/\\]/)
    .pop() || path;
/** "train.py", "jobs/prepare.R", "local:///app/main.py": an argument that names a file. */
const looksLikeFile = (arg: string) => !arg.startsWith("-") && /\.[A-Za-z0-9]{1,8}$/.test(arg);

/**
 * What a run is called when it was given no name: its object, else the file its command runs
 * (`python train.py` → "train.py") or its program, else the first word of its script, else the
 * activity. Pure, so the list, the API and a re-run name a run the same way.
 */
export function defaultRunName(run: {
  object?: string | null;
  command?: string[];
  script?: string;
  activity: ActivityType | string;
}): string {
  const clip = (text: string) => (text.length > MAX_DEFAULT ? `${text.slice(0, MAX_DEFAULT - 1)}…` : text);
  if (run.object) return clip(run.object);
  const command = run.command ?? [];
  if (command.length) return clip(basename(command.find(looksLikeFile) ?? command[0]));
  const line = (run.script ?? "")
    .split("\n")
    .map((text) => text.trim())
    .find((text) => text && !text.startsWith("#"));
  const word = line?.match(/^[^\s(]+/)?.[0];
  return clip(word ?? run.activity);
}
