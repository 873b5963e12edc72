/**
 * Fault injection for tests: latency, a rate of 500s, an outage switch, and one-shot actions
 * (drop every open watch, compact history so old resourceVersions answer 410).
 */
export interface FaultSettings {
  /** Delay added before every API request is handled. */
  latencyMs: number;
  /** Probability (0..1) that an API request fails with 500 InternalError. */
  errorRate: number;
  /** Outage until resumed: open watches are cut and new API requests fail as `pauseMode` says. */
  paused: boolean;
  /**
   * How a paused API fails: `reset` drops the connection (an apiserver that is down), `503`
   * answers ServiceUnavailable (a load balancer with no backend), `hang` holds each request
   * until the pause ends and then serves it (a stalled network).
   */
  pauseMode: PauseMode;
}

export type PauseMode = "reset" | "503" | "hang";
const PAUSE_MODES: PauseMode[] = ["reset", "503", "hang"];

export interface FaultRequest extends Partial<FaultSettings> {
  dropWatchesNow?: boolean;
  compactNow?: boolean;
}

export interface FaultActions {
  dropWatches(): number;
  compact(): void;
}

export class Faults {
  settings: FaultSettings = { latencyMs: 0, errorRate: 0, paused: false, pauseMode: "reset" };
  private resumeWaiters: (() => void)[] = [];

  constructor(
    private readonly actions: FaultActions,
    initial: Partial<FaultSettings> = {},
  ) {
    this.update(initial);
  }

  /** Applies a request from the admin endpoint; returns what was done for the response. */
  update(request: FaultRequest): { settings: FaultSettings; droppedWatches?: number; compacted?: boolean } {
    const next = { ...this.settings };
    if (request.latencyMs !== undefined) next.latencyMs = Math.max(0, Number(request.latencyMs) || 0);
    if (request.errorRate !== undefined) next.errorRate = Math.min(1, Math.max(0, Number(request.errorRate) || 0));
    if (request.paused !== undefined) next.paused = Boolean(request.paused);
    if (request.pauseMode !== undefined) {
      if (!PAUSE_MODES.includes(request.pauseMode))
        throw new RangeError(`pauseMode must be one of ${PAUSE_MODES.join(", ")}`);
      next.pauseMode = request.pauseMode;
    }
    const pausing = next.paused && !this.settings.paused;
    this.settings = next;
    const result: { settings: FaultSettings; droppedWatches?: number; compacted?: boolean } = { settings: next };
    if (request.dropWatchesNow || pausing) result.droppedWatches = this.actions.dropWatches();
    if (!next.paused) this.resumeWaiters.splice(0).forEach((resume) => resume());
    if (request.compactNow) {
      this.actions.compact();
      result.compacted = true;
    }
    return result;
  }

  /** Resolves when the pause ends (for `hang` mode). */
  whenResumed(): Promise<void> {
    return this.settings.paused ? new Promise((resolve) => this.resumeWaiters.push(resolve)) : Promise.resolve();
  }

  shouldFail(): boolean {
    return this.settings.errorRate > 0 && Math.random() < this.settings.errorRate;
  }
}
