import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

/** The SSE route wrapper: who may open a stream, what a refused one answers, and when a feed is unsubscribed. */
describe("streamRoute", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-stream-route-"));
  const { getDb } = await import("@/db");
  const { apiTokens, users } = await import("@/db/schema");
  const { DomainError } = await import("@/lib/actions/result");
  const { hashToken } = await import("@/lib/tokens/token");
  const { PlainText } = await import("@/lib/live/sse");
  const { streamRoute } = await import("./stream");

  const token = "berth_stream_route_user_token";
  const user = getDb().insert(users).values({ username: "ann", role: "user" }).returning().get();
  getDb()
    .insert(apiTokens)
    .values({ userId: user.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
    .run();
  const call = (init: { token?: string | null; signal?: AbortSignal } = {}) =>
    new NextRequest(new URL("/api/stream/test", "http://berth.test"), {
      signal: init.signal,
      headers: init.token === null ? {} : { Authorization: `Bearer ${init.token ?? token}` },
    });
  const params = (values: Record<string, string>) => ({ params: Promise.resolve(values) });

  /** Reads the stream until `done` says enough arrived, or it ends. */
  async function read(
    response: Response,
    done: (text: string) => boolean = () => false,
  ): Promise<{ text: string; ended: boolean }> {
    const reader = response.body!.getReader();
    let text = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return { text, ended: true };
      text += new TextDecoder().decode(chunk.value);
      if (done(text)) {
        reader.releaseLock();
        return { text, ended: false };
      }
    }
  }

  it("refuses a caller without the permission, and one that is not signed in, before opening anything", async () => {
    let opened = 0;
    const route = streamRoute({ permission: "users.manage" }, () => {
      opened++;
      return () => undefined;
    });
    const refused = await route(call(), params({}));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'You do not have the permission "users.manage"' });
    expect((await route(call({ token: "berth_not_a_token" }), params({}))).status).toBe(401);
    expect(opened).toBe(0);
  });

  it("answers a DomainError from open with its status as JSON, not a stream", async () => {
    const route = streamRoute({}, ({ params }) => {
      throw new DomainError(404, `No run "${params.id}"`);
    });
    const response = await route(call(), params({ id: "r1" }));
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ error: 'No run "r1"' });
  });

  it("streams named events (JSON, or plain text one data line per line) and unsubscribes when the browser goes away", async () => {
    let unsubscribed = false;
    const route = streamRoute({ permission: "images.read" }, ({ actor, params }) => (send) => {
      send("hello", { user: actor.username, id: params.id });
      send("line", new PlainText("two\nlines"));
      return () => {
        unsubscribed = true;
      };
    });
    const browser = new AbortController();
    const response = await route(call({ signal: browser.signal }), params({ id: "7" }));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const { text } = await read(response, (received) => received.includes("event: line"));
    expect(text).toContain('event: hello\ndata: {"user":"ann","id":"7"}\n\n');
    expect(text).toContain("event: line\ndata: two\ndata: lines\n\n");
    expect(unsubscribed).toBe(false);
    browser.abort();
    expect(unsubscribed).toBe(true);
  });

  it("ends the stream when the feed closes it, and then unsubscribes it", async () => {
    let unsubscribed = 0;
    let signalled = false;
    const route = streamRoute({}, () => (send, control) => {
      control.signal.addEventListener("abort", () => (signalled = true));
      queueMicrotask(() => {
        send("end", { id: "r1" });
        control.close();
      });
      return () => {
        unsubscribed++;
      };
    });
    const { text, ended } = await read(await route(call(), params({})));
    expect(ended).toBe(true);
    expect(text).toContain('event: end\ndata: {"id":"r1"}\n\n');
    expect(unsubscribed).toBe(1);
    expect(signalled).toBe(true);
  });
});
