import { describe, expect, it } from "vitest";

import type { QuotaView } from "./aggregate";
import { capQuotas, DASHBOARD_QUOTA_LIMIT, quotaPage } from "./quota-page";

const quota = (namespace: string, pressure: number): QuotaView => ({
  namespace,
  name: "q",
  hard: { pods: "10" },
  used: { pods: String(Math.round(pressure * 10)) },
  pressure,
  pressureResource: "pods",
  warning: pressure >= 0.9,
  policy: null,
  projects: [],
  resources: [],
});

// Most pressed first, as the aggregator sorts them.
const sorted = Array.from({ length: 40 }, (_, index) => quota(`ns-${String(index).padStart(2, "0")}`, 1 - index / 40));

describe("dashboard quotas", () => {
  it("keeps the most pressed quotas of a section and counts all of them", () => {
    const capped = capQuotas(sorted);
    expect(capped.quotas).toEqual(sorted.slice(0, DASHBOARD_QUOTA_LIMIT));
    expect(capped.quotaCount).toBe(40);
    expect(capped.quotaWarnings).toBe(sorted.filter((q) => q.pressure >= 0.9).length);
    expect(capped.quotaWarnings).toBe(5);
  });

  it("leaves a section with few quotas whole", () => {
    const few = sorted.slice(0, 3);
    expect(capQuotas(few)).toEqual({ quotas: few, quotaCount: 3, quotaWarnings: 3 });
  });

  it("pages through every quota in pressure order with an opaque cursor", () => {
    const seen: QuotaView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = quotaPage(sorted, cursor, 15);
      expect(page.count).toBe(40);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(sorted);
  });

  it("continues after the last quota seen even when the ones before it moved", () => {
    const first = quotaPage(sorted, undefined, 10);
    // ns-00 calms down and drops to the end: the next page must neither repeat nor skip ns-10.
    const moved = [...sorted.slice(1), { ...sorted[0], pressure: 0 }];
    const second = quotaPage(moved, first.nextCursor!, 10);
    expect(second.items[0].namespace).toBe("ns-10");
  });

  it("refuses a cursor it did not hand out", () => {
    expect(() => quotaPage(sorted, "not-a-cursor", 10)).toThrow(/cursor/);
  });
});
