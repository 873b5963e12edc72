/**
 * Fault injection for tests: latency, a rate of 500s, an outage switch, and one-shot actions
 * (drop every open watch, compact history so old resourceVersions answer 410).
 */
export interface FaultSettings {
  /** Delay added before every API request is handled. */
  latencyMs: number;
  /** Probability (0..1) that an API request fails with 500 InternalError. */
  errorRate: number;
  /** Outage: API connections are reset until resumed; open watches are cut. */
  paused: boolean;
}

export interface FaultRequest extends Partial<FaultSettings> {
  dropWatchesNow?: boolean;
  compactNow?: boolean;
}

export interface FaultActions {
  dropWatches(): number;
  compact(): void;
}

export class Faults {
  settings: FaultSettings = { latencyMs: 0, errorRate: 0, paused: false };

  constructor(private readonly actions: FaultActions, initial: Partial<FaultSettings> = {}) {
    this.update(initial);
  }

  /** Applies a request from the admin endpoint; returns what was done for the response. */
  update(request: FaultRequest): { settings: FaultSettings; droppedWatches?: number; compacted?: boolean } {
    const next = { ...this.settings };
    if (request.latencyMs !== undefined) next.latencyMs = Math.max(0, Number(request.latencyMs) || 0);
    if (request.errorRate !== undefined) next.errorRate = Math.min(1, Math.max(0, Number(request.errorRate) || 0));
    if (request.paused !== undefined) next.paused = Boolean(request.paused);
    const pausing = next.paused && !this.settings.paused;
    this.settings = next;
    const result: { settings: FaultSettings; droppedWatches?: number; compacted?: boolean } = { settings: next };
    if (request.dropWatchesNow || pausing) result.droppedWatches = this.actions.dropWatches();
    if (request.compactNow) {
      this.actions.compact();
      result.compacted = true;
    }
    return result;
  }

  shouldFail(): boolean {
    return this.settings.errorRate > 0 && Math.random() < this.settings.errorRate;
  }
}
