/**
 * One timer for the whole cluster: a binary min-heap of due callbacks behind a single setTimeout,
 * so 10k pods with pending transitions cost one Node timer, not 10k.
 */

interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

export class TimerQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;

  /** Run `run` after `delayMs` (0 means on the next turn of the loop). */
  after(delayMs: number, run: () => void): void {
    if (this.stopped) return;
    this.push({ at: Date.now() + Math.max(0, delayMs), seq: this.seq++, run });
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.heap = [];
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next || next.at >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next.at - Date.now()));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    const started = performance.now();
    while (this.heap.length && this.heap[0].at <= now) {
      const entry = this.pop()!;
      try {
        entry.run();
      } catch (error) {
        console.error("berth-sim: timer callback failed", error);
      }
      // Yield after a slice so a burst of due work never starves HTTP requests.
      if (performance.now() - started > 25) break;
    }
    if (!this.stopped) this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && this.less(heap[l], heap[smallest])) smallest = l;
        if (r < heap.length && this.less(heap[r], heap[smallest])) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
