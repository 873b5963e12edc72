import { describe, expect, it } from "vitest";

import {
  connectEventSource,
  type EventHandlers,
  type EventSourceLike,
  type EventSourceOptions,
} from "./use-event-source";

/** A stand-in for the browser's EventSource (Node has none): the test plays the server's side. */
class FakeSource implements EventSourceLike {
  readonly listeners = new Map<string, (message: MessageEvent<string>) => void>();
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {}
  addEventListener(event: string, listener: (message: MessageEvent<string>) => void) {
    this.listeners.set(event, listener);
  }
  close() {
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }
  drop() {
    this.readyState = 0;
    this.onerror?.(new Event("error"));
  }
  message(event: string, data: string) {
    if (this.readyState !== 2) this.listeners.get(event)?.({ data } as MessageEvent<string>);
  }
}

function connect(handlers: EventHandlers, options: EventSourceOptions = {}) {
  let source: FakeSource | undefined;
  const state = { handlers, options };
  connectEventSource(
    "/api/stream/x",
    Object.keys(handlers),
    () => state,
    (url) => (source = new FakeSource(url)),
  );
  return { source: source!, state };
}

describe("connectEventSource", () => {
  it("hands JSON events over parsed and text events as they are, to the handler current at that moment", () => {
    const got: unknown[] = [];
    const { source, state } = connect(
      { run: (data) => got.push(["first", data]), line: (data) => got.push(["line", data]) },
      { text: ["line"] },
    );
    source.open();
    source.message("run", '{"id":"r1","status":"running"}');
    state.handlers = { ...state.handlers, run: (data) => got.push(["second", data]) };
    source.message("run", '{"id":"r1","status":"succeeded"}');
    source.message("line", '{"not":"parsed"}');
    expect(got).toEqual([
      ["first", { id: "r1", status: "running" }],
      ["second", { id: "r1", status: "succeeded" }],
      ["line", '{"not":"parsed"}'],
    ]);
  });

  it("tells the caller when the browser reconnected after a drop, not on the first open", () => {
    const seen: string[] = [];
    const { source } = connect(
      {},
      {
        onOpen: () => seen.push("open"),
        onReconnect: () => seen.push("reconnect"),
        onError: (closed) => seen.push(closed ? "closed" : "dropped"),
      },
    );
    source.open();
    source.drop();
    source.open();
    expect(seen).toEqual(["open", "dropped", "open", "reconnect"]);
  });

  it("closes a stream that must not reconnect at its first error, so nothing is replayed", () => {
    const lines: unknown[] = [];
    const closed: boolean[] = [];
    const { source } = connect(
      { lines: (data) => lines.push(data) },
      { reconnect: false, onError: (ended) => closed.push(ended) },
    );
    source.open();
    source.message("lines", '{"lines":["a"]}');
    source.drop();
    source.message("lines", '{"lines":["a"]}');
    expect(lines).toEqual([{ lines: ["a"] }]);
    expect(closed).toEqual([true]);
    expect(source.readyState).toBe(2);
  });
});
