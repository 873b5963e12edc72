import type { RunRow } from "@/db/schema";
import { redact, REDACTED } from "@/lib/audit/redact";
import { isActivityType, type ActivityType } from "@/lib/resolution/activities";

import { defaultRunName } from "./names";
import { SIM_ANNOTATION_PREFIX } from "./schema";
import type { StoredRunRequest } from "./views";

/** The run form's starting values, as its fields hold them (text). */
export interface RunFormValues {
  project?: string;
  activity?: ActivityType;
  object?: string;
  name?: string;
  codeEnv?: string;
  command?: string;
  script?: string;
  env?: string;
  executionConfig?: string;
  sparkConfig?: string;
  cluster?: string;
  annotations?: string;
  /** Variables whose values were not copied because they look secret: the user types them again. */
  secretEnv?: string[];
}

/**
 * "Run again": the form filled as the run was asked (its own choices, not what they resolved to,
 * so today's settings apply), ready to change before submitting. Secret-looking env values are
 * left empty: the form is a page, and secrets never reach a browser.
 */
export function runFormInitial(
  row: Pick<RunRow, "project" | "activity" | "object" | "name" | "request">,
): RunFormValues {
  const request = row.request as StoredRunRequest;
  const env = request.env ?? {};
  const masked = redact(env);
  const secretEnv = Object.keys(env).filter((name) => masked[name] === REDACTED && env[name] !== REDACTED);
  const annotations = Object.entries(request.annotations ?? {}).map(
    ([key, value]) => `${key.slice(SIM_ANNOTATION_PREFIX.length)}=${value.replaceAll("\n", "\\n")}`,
  );
  return {
    project: row.project,
    ...(isActivityType(row.activity) ? { activity: row.activity } : {}),
    ...(row.object ? { object: row.object } : {}),
    // A defaulted name is left to default again (the object or script may be changed).
    ...(row.name &&
    row.name !==
      defaultRunName({ object: row.object, command: request.command, script: request.script, activity: row.activity })
      ? { name: row.name }
      : {}),
    ...(request.codeEnv ? { codeEnv: request.codeEnv } : {}),
    ...(request.command?.length ? { command: request.command.join("\n") } : {}),
    ...(request.script ? { script: request.script } : {}),
    ...(Object.keys(env).length
      ? {
          env: Object.keys(env)
            .map((name) => `${name}=${secretEnv.includes(name) ? "" : env[name]}`)
            .join("\n"),
        }
      : {}),
    ...(request.executionConfig ? { executionConfig: request.executionConfig } : {}),
    ...(request.sparkConfig ? { sparkConfig: request.sparkConfig } : {}),
    ...(request.cluster ? { cluster: request.cluster } : {}),
    ...(annotations.length ? { annotations: annotations.join("\n") } : {}),
    ...(secretEnv.length ? { secretEnv } : {}),
  };
}
