import type { QuotaView } from "./aggregate";

/**
 * Quotas a dashboard section carries: the most pressed. A cluster with a namespace per team has
 * hundreds of quotas; ten clusters of 1,000 made 90 % of a 9 MB answer, which the page cannot show
 * anyway. The rest are paged by `GET /api/v1/dashboard/clusters/{cluster}/quotas`.
 */
export const DASHBOARD_QUOTA_LIMIT = 12;
/** The most a page of `GET /api/v1/dashboard/clusters/{cluster}/quotas` holds. */
export const QUOTA_PAGE_MAX = 500;

/** A section's quotas: the `limit` most pressed of `sorted` (most pressed first) and the counts of all. */
export function capQuotas(
  sorted: readonly QuotaView[],
  limit = DASHBOARD_QUOTA_LIMIT,
): { quotas: QuotaView[]; quotaCount: number; quotaWarnings: number } {
  let warnings = 0;
  for (const quota of sorted) if (quota.warning) warnings += 1;
  return { quotas: sorted.slice(0, limit), quotaCount: sorted.length, quotaWarnings: warnings };
}

type QuotaKey = [pressure: number, namespace: string, name: string];

/** The aggregator's order: most pressed first, then by namespace and name. */
function compareKeys(a: QuotaKey, b: QuotaKey): number {
  return b[0] - a[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]);
}

const keyOf = (quota: QuotaView): QuotaKey => [quota.pressure, quota.namespace, quota.name];

function decodeCursor(cursor: string): QuotaKey {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(key) &&
      key.length === 3 &&
      typeof key[0] === "number" &&
      typeof key[1] === "string" &&
      typeof key[2] === "string"
    )
      return key as QuotaKey;
  } catch {
    // Not base64url JSON: refused below.
  }
  throw new Error("The cursor is not one this API handed out: start again without it");
}

/**
 * One page of `sorted` (most pressed first) after `cursor`. The cursor names the last quota sent,
 * not a position, so quotas whose pressure moved meanwhile shift no page: a quota that moved across
 * the cursor is seen twice or not at all, as in any live list.
 */
export function quotaPage(
  sorted: readonly QuotaView[],
  cursor: string | undefined,
  limit: number,
): { items: QuotaView[]; nextCursor: string | null; count: number } {
  let start = 0;
  if (cursor) {
    const after = decodeCursor(cursor);
    start = sorted.findIndex((quota) => compareKeys(keyOf(quota), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length;
  return {
    items,
    nextCursor: more ? Buffer.from(JSON.stringify(keyOf(items[items.length - 1]))).toString("base64url") : null,
    count: sorted.length,
  };
}
