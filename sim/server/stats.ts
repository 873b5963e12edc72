/**
 * Request counters for `GET /_sim/stats`: how many requests of each verb every resource got since
 * the start, and how many watches are open now. Benchmarks and tests read them to prove that a
 * client shares its watches and does not re-list periodically.
 */

/** Open watches per resource key; the watch hub knows them, the counters do not. */
export type OpenWatchCounter = () => Record<string, number>;

export interface StatsSnapshot {
  /** When counting started (the simulator's start, or the last reset). */
  since: string;
  /** LIST requests per resource (Table lists from kubectl included). */
  lists: Record<string, number>;
  /** Watches per resource: open now, and started since `since`. */
  watches: Record<string, { open: number; started: number }>;
  /** Every request the API core served, per resource (`pods`, `jobs.batch`, `pods/status`…) and verb. */
  requests: Record<string, Record<string, number>>;
  /** The last LISTs (at most RECENT_LISTS), oldest first: when, and the path with its query, to tell who lists. */
  recentLists: { at: string; path: string }[];
}

const RECENT_LISTS = 50;

export class RequestStats {
  private counts = new Map<string, Map<string, number>>();
  private recentLists: { at: string; path: string }[] = [];
  private since = new Date();

  constructor(private readonly openWatches: OpenWatchCounter) {}

  /** Counts one request: `resource` is the type key, with `/subresource` for subresource calls. */
  record(resource: string, verb: string, path: string): void {
    let verbs = this.counts.get(resource);
    if (!verbs) this.counts.set(resource, (verbs = new Map()));
    verbs.set(verb, (verbs.get(verb) ?? 0) + 1);
    if (verb === "list") {
      this.recentLists.push({ at: new Date().toISOString(), path });
      if (this.recentLists.length > RECENT_LISTS) this.recentLists.shift();
    }
  }

  /** Starts counting again from zero (open watches stay what they are). */
  reset(): void {
    this.counts = new Map();
    this.recentLists = [];
    this.since = new Date();
  }

  snapshot(): StatsSnapshot {
    const requests: StatsSnapshot["requests"] = {};
    const lists: StatsSnapshot["lists"] = {};
    const watches: StatsSnapshot["watches"] = {};
    for (const [resource, verbs] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      requests[resource] = Object.fromEntries([...verbs].sort(([a], [b]) => a.localeCompare(b)));
      const listed = verbs.get("list");
      if (listed) lists[resource] = listed;
      const started = verbs.get("watch");
      if (started) watches[resource] = { open: 0, started };
    }
    for (const [resource, open] of Object.entries(this.openWatches())) {
      watches[resource] = { open, started: watches[resource]?.started ?? 0 };
    }
    return { since: this.since.toISOString(), lists, watches, requests, recentLists: [...this.recentLists] };
  }
}
