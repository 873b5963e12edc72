import "server-only";

import type { z } from "zod";

import type { Project } from "@/db/schema";
import type { Actor } from "@/lib/permissions";
import { isActivityType, isSparkActivity } from "@/lib/resolution/activities";
import { blockingError } from "@/lib/resolution/resolve";
import type { FieldErrors } from "@/lib/validation";

import { resolutionContext } from "./queries";
import type { effectiveConfigQuerySchema, effectiveConfigViewSchema } from "./schema";

type EffectiveConfigView = z.infer<typeof effectiveConfigViewSchema>;

/**
 * The effective config of `GET …/effective-config`. The activity defaults to the object's
 * override's activity type. `refused`: the caller may not use the config the activity runs with.
 */
export function effectiveConfigFor(
  actor: Actor,
  project: Project,
  query: z.output<typeof effectiveConfigQuerySchema>,
): { ok: true; view: EffectiveConfigView; refused: boolean } | { ok: false; error: string; fieldErrors: FieldErrors } {
  const context = resolutionContext(project);
  const override = query.object ? context.overrides.get(query.object) : undefined;
  const activity =
    query.activity ?? (override && isActivityType(override.activityType) ? override.activityType : undefined);
  if (!activity)
    return {
      ok: false,
      error: "Say which activity",
      fieldErrors: { activity: ["Give ?activity= (or an object that has an override)"] },
    };
  const resolution = context.resolve(actor, activity, query.object);
  const running = isSparkActivity(activity) ? resolution.sparkConfig : resolution.executionConfig;
  const error = blockingError(resolution, activity);
  return {
    ok: true,
    refused: Boolean(running.error?.startsWith("no usage permission")),
    view: {
      project: project.key,
      activity,
      ...(query.object ? { object: query.object } : {}),
      ...resolution,
      ...(error ? { error } : {}),
    },
  };
}
