import { diffObjects, type FieldChange } from "./diff";
import { redact, REDACTED } from "./redact";

/** The page of each kind of audited object, from its recorded id. */
const OBJECT_PAGES: Record<string, (id: string) => string> = {
  "execution-config": (id) => `/execution-configs/${encodeURIComponent(id)}`,
  "spark-config": (id) => `/spark-configs/${encodeURIComponent(id)}`,
  "base-image": (id) => `/images/${encodeURIComponent(id)}`,
  "code-env": (id) => `/code-envs/${encodeURIComponent(id)}`,
  "namespace-policy": (id) => `/namespace-policies/${encodeURIComponent(id)}`,
  cluster: (id) => `/clusters/${encodeURIComponent(id)}`,
  user: (id) => `/users/${encodeURIComponent(id)}`,
  group: (id) => `/groups/${encodeURIComponent(id)}`,
  project: (id) => `/projects/${encodeURIComponent(id)}`,
  // Recorded as "<project key>/<object id>": the override lives on its project's page.
  "project-override": (id) => `/projects/${encodeURIComponent(id.split("/")[0])}`,
  run: (id) => `/runs/${encodeURIComponent(id)}`,
  "image-build": (id) => `/image-builds/${encodeURIComponent(id)}`,
  settings: () => "/settings",
};

const isEmpty = (value: unknown) =>
  value === "" ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && value !== null && Object.keys(value).length === 0);

/** Where an audit entry's object can be seen, or null (sign-ins, refusals, a deleted object). */
export function auditObjectHref(event: { action: string; objectType: string; objectId: string | null }): string | null {
  const page = OBJECT_PAGES[event.objectType];
  if (!page || event.objectId === null || event.objectId === "" || event.action.endsWith(".delete")) return null;
  return page(event.objectId);
}

/**
 * What an audit entry changed, field by field (nested values by dotted path), with secrets
 * masked: a changed secret shows as changed, never its value.
 */
export function auditChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): FieldChange[] {
  // Every field of a masked body with its shown value (diffing against nothing lists them all).
  const shown = (body: Record<string, unknown> | null) =>
    new Map(diffObjects(body && redact(body), null).map((change) => [change.field, change.before]));
  const shownBefore = shown(before);
  const shownAfter = shown(after);
  // Fields inside a masked secret are not in the masked body: they show as the mask.
  const shownValue = (values: Map<string, unknown>, field: string) =>
    values.has(field) ? values.get(field) : REDACTED;
  // A creation lists what it set, not every empty field.
  const changes = before
    ? diffObjects(before, after)
    : diffObjects(before, after).filter((change) => !isEmpty(change.after));
  return changes.map((change) => ({
    field: change.field,
    ...("before" in change ? { before: shownValue(shownBefore, change.field) } : {}),
    ...("after" in change ? { after: shownValue(shownAfter, change.field) } : {}),
  }));
}
