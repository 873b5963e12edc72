/**
 * Watch streams: newline-delimited JSON events over a chunked 200 response, resumable from any
 * resourceVersion still in the store's history (older ones get a 410 ERROR event, as the
 * apiserver's watch cache does), with selector transitions, bookmarks and timeouts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { KubeObject, ResourceType, StoreEvent } from "../contract";
import { groupVersionOf } from "./builtin-types";
import { gone } from "./errors";
import { toJson } from "./objects";
import { matches, type ObjectFilter } from "./selectors";
import type { MemoryStore } from "./store";
import { printerFor, toTable, type IncludeObject } from "./tables";

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  filter: ObjectFilter;
  /** Raw `resourceVersion` query value; undefined, "" and "0" start with the current state. */
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  /** Set when the client asked for Table events (kubectl get -w). */
  table?: { include: IncludeObject };
}

export interface WatchHubOptions {
  bookmarkIntervalMs?: number;
  /** A watcher whose unsent output exceeds this is cut (it will resume from its last event). */
  maxBufferedBytes?: number;
}

interface ActiveWatch {
  /** The watched resource's type key. */
  resource: string;
  close(): void;
}

export class WatchHub {
  private readonly active = new Set<ActiveWatch>();
  private readonly bookmarkIntervalMs: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly store: MemoryStore,
    options: WatchHubOptions = {},
  ) {
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 10_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  }

  get count(): number {
    return this.active.size;
  }

  /** Open watches per resource type key. */
  openByResource(): Record<string, number> {
    const open: Record<string, number> = {};
    for (const watch of this.active) open[watch.resource] = (open[watch.resource] ?? 0) + 1;
    return open;
  }

  /** Ends every open watch cleanly, like an apiserver restart; clients resume from their last RV. */
  dropAll(): number {
    const all = [...this.active];
    for (const watch of all) watch.close();
    return all.length;
  }

  serve(req: IncomingMessage, res: ServerResponse, request: WatchRequest): void {
    const { store } = this;
    const { type, namespace, filter } = request;
    const printer = request.table ? printerFor(store, type) : undefined;
    let tableHeaderSent = false;

    res.writeHead(200, {
      "Content-Type": "application/json",
      "Cache-Control": "no-cache, private",
      "Transfer-Encoding": "chunked",
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);

    let closed = false;
    const timers: { timeout?: NodeJS.Timeout; bookmarks?: NodeJS.Timeout } = {};
    const active = this.active;
    let unsubscribe = () => {};
    const watch: ActiveWatch = {
      resource: type.key,
      close() {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearTimeout(timers.timeout);
        clearInterval(timers.bookmarks);
        active.delete(watch);
        if (!res.writableEnded) res.end();
      },
    };
    active.add(watch);
    req.on("close", () => watch.close());
    res.on("error", () => watch.close());

    const write = (line: string) => {
      if (closed) return;
      res.write(line);
      if (res.writableLength > this.maxBufferedBytes) watch.close();
    };
    const send = (eventType: string, object: KubeObject) => {
      if (printer) {
        const table = toTable(
          printer,
          [object],
          { resourceVersion: object.metadata.resourceVersion },
          request.table!.include,
          !tableHeaderSent,
        );
        tableHeaderSent = true;
        write(`${JSON.stringify({ type: eventType, object: table })}\n`);
      } else {
        write(`{"type":"${eventType}","object":${toJson(object)}}\n`);
      }
    };
    const bookmark = (annotations?: Record<string, string>) => {
      const metadata = {
        resourceVersion: String(store.currentResourceVersion()),
        ...(annotations ? { annotations } : {}),
      };
      write(
        `${JSON.stringify({ type: "BOOKMARK", object: { kind: type.kind, apiVersion: groupVersionOf(type), metadata } })}\n`,
      );
    };
    const deliver = (event: StoreEvent) => {
      if (event.resource !== type.key) return;
      if (namespace !== undefined && type.namespaced && event.object.metadata.namespace !== namespace) return;
      const now = matches(filter, event.object);
      if (event.type !== "MODIFIED") {
        if (now) send(event.type, event.object);
        return;
      }
      const before = event.oldObject ? matches(filter, event.oldObject) : false;
      if (now) send(before ? "MODIFIED" : "ADDED", event.object);
      else if (before) send("DELETED", event.object);
    };

    const rv = request.resourceVersion;
    const fromCurrentState = rv === undefined || rv === "" || rv === "0";
    if (fromCurrentState || request.sendInitialEvents) {
      for (const object of store.list(type.key, namespace)) if (matches(filter, object)) send("ADDED", object);
      if (request.sendInitialEvents && request.allowBookmarks) bookmark({ "k8s.io/initial-events-end": "true" });
      if (fromCurrentState) unsubscribe = store.subscribe(deliver);
    }
    if (!fromCurrentState) {
      const since = Number(rv);
      const history = since <= store.currentResourceVersion() ? store.eventsSince(since) : undefined;
      if (!history) {
        // Too old (compacted) or from the future (a restarted simulator): the client must re-list.
        const oldest = store.oldestResumableRevision() + 1;
        write(
          `${JSON.stringify({ type: "ERROR", object: gone(`too old resource version: ${rv} (${oldest})`).status })}\n`,
        );
        watch.close();
        return;
      }
      if (!request.sendInitialEvents) for (const entry of history) deliver(entry.event);
      unsubscribe = store.subscribe(deliver);
    }

    // Upstream closes watches after 30-60 min when no timeout is given; kubectl get -w exits then.
    const timeoutMs =
      request.timeoutSeconds !== undefined ? request.timeoutSeconds * 1000 : (1800 + Math.random() * 1800) * 1000;
    timers.timeout = setTimeout(() => watch.close(), timeoutMs);
    if (request.allowBookmarks) timers.bookmarks = setInterval(() => bookmark(), this.bookmarkIntervalMs);
  }
}
