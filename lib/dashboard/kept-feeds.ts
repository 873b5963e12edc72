/**
 * The dashboard's per-object feeds (one per cluster, one per Docker host), kept while somebody
 * reads or streams them: started on first use, started again when their row changed (a new
 * kubeconfig or endpoint), and released once nobody streamed or read them for `idleMs`.
 */
export interface KeptFeeds<F extends { rowVersion: number; lastUsed: number }> {
  feeds: Map<number, F>;
  /** Open streams per id: a watched feed is never idle, even when its feed is replaced. */
  streams: Map<number, number>;
  sweepTimer: NodeJS.Timeout | null;
}

export interface FeedTiming {
  /** Released after this long without a stream or a read. */
  idleMs: number;
  /** How often idle feeds are looked for, while any feed is kept. */
  everyMs: number;
}

/** Releases the feeds nobody streams and nobody read for `idleMs` before `now`; returns how many. */
export function releaseIdleFeeds<F extends { rowVersion: number; lastUsed: number }>(
  state: KeptFeeds<F>,
  dispose: (feed: F) => void,
  idleMs: number,
  now: number,
): number {
  let released = 0;
  for (const [id, feed] of state.feeds) {
    if (!state.streams.get(id) && now - feed.lastUsed > idleMs) {
      dispose(feed);
      state.feeds.delete(id);
      released += 1;
    }
  }
  return released;
}

function ensureSweep<F extends { rowVersion: number; lastUsed: number }>(
  state: KeptFeeds<F>,
  dispose: (feed: F) => void,
  timing: FeedTiming,
): void {
  if (state.sweepTimer) return;
  state.sweepTimer = setInterval(() => {
    releaseIdleFeeds(state, dispose, timing.idleMs, Date.now());
    if (state.feeds.size === 0 && state.sweepTimer) {
      clearInterval(state.sweepTimer);
      state.sweepTimer = null;
    }
  }, timing.everyMs);
  // The sweep never keeps the process alive on its own.
  state.sweepTimer.unref?.();
}

/** The feed of `row`, started on first use or when the row's version moved on, and marked as read now. */
export function keptFeed<
  Row extends { id: number; version: number },
  F extends { rowVersion: number; lastUsed: number },
>(state: KeptFeeds<F>, row: Row, start: (row: Row) => F, dispose: (feed: F) => void, timing: FeedTiming): F {
  let feed = state.feeds.get(row.id);
  if (feed && feed.rowVersion !== row.version) {
    dispose(feed);
    feed = undefined;
  }
  if (!feed) {
    feed = start(row);
    state.feeds.set(row.id, feed);
    ensureSweep(state, dispose, timing);
  }
  feed.lastUsed = Date.now();
  return feed;
}
