import { describe, expect, it } from "vitest";

import { DomainError } from "@/lib/actions/result";

import { crossSiteRefusal, readBodyText } from "./request-guards";

const CONSOLE = "https://berth.example.com";
const headers = (values: Record<string, string>) =>
  new Headers({ host: "berth.example.com", "content-type": "application/json", ...values });

describe("crossSiteRefusal", () => {
  it("lets safe methods through whatever their headers", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) {
      expect(
        crossSiteRefusal(
          method,
          headers({ origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "text/plain" }),
          CONSOLE,
        ),
      ).toBeNull();
    }
  });

  it("refuses bodies that are not JSON with 415, whatever their origin", () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonp",
      "",
    ]) {
      expect(crossSiteRefusal("POST", headers({ "content-type": type, origin: CONSOLE }), CONSOLE), type).toMatchObject(
        { status: 415 },
      );
    }
    expect(crossSiteRefusal("DELETE", new Headers({ host: "berth.example.com" }), CONSOLE)).toMatchObject({
      status: 415,
      error: expect.stringContaining("application/json"),
    });
    expect(
      crossSiteRefusal(
        "POST",
        headers({ "content-type": "Application/JSON; charset=utf-8", origin: CONSOLE }),
        CONSOLE,
      ),
    ).toBeNull();
  });

  it("accepts the console's origin, the request's own host, and Sec-Fetch-Site: same-origin", () => {
    expect(crossSiteRefusal("POST", headers({ origin: CONSOLE }), CONSOLE)).toBeNull();
    expect(crossSiteRefusal("PATCH", headers({ origin: "https://berth.example.com" }), undefined)).toBeNull();
    expect(
      crossSiteRefusal("PUT", headers({ host: "10.0.0.5:3000", origin: "http://10.0.0.5:3000" }), CONSOLE),
    ).toBeNull();
    expect(
      crossSiteRefusal(
        "POST",
        headers({
          host: "127.0.0.1:3000",
          "x-forwarded-host": "berth.internal, proxy",
          origin: "https://berth.internal",
        }),
        undefined,
      ),
    ).toBeNull();
    expect(crossSiteRefusal("DELETE", headers({ "sec-fetch-site": "same-origin" }), CONSOLE)).toBeNull();
    expect(crossSiteRefusal("POST", headers({ "sec-fetch-site": "same-origin", origin: CONSOLE }), CONSOLE)).toBeNull();
  });

  it("refuses other origins with 403: another host, another port or scheme, an opaque origin, a cross-site fetch", () => {
    const refusals: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "https://berth.example.com:8443" },
      { host: "localhost:3000", origin: "http://localhost:3001" },
      { origin: "http://berth.example.com.evil.example" },
      { origin: "null" },
      { origin: "not a url" },
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "none" },
      { "sec-fetch-site": "same-site", origin: "https://berth.example.com:8443" },
    ];
    for (const values of refusals) {
      expect(crossSiteRefusal("POST", headers(values), CONSOLE), JSON.stringify(values)).toMatchObject({
        status: 403,
        error: expect.stringMatching(/cross-site/i),
      });
    }
  });

  it("refuses a cookie request with neither Origin nor Sec-Fetch-Site: scripts use a Bearer token", () => {
    expect(crossSiteRefusal("POST", headers({}), CONSOLE)?.status).toBe(403);
  });
});

describe("readBodyText", () => {
  const MIB = 1024 * 1024;
  const streamOf = (chunks: number, chunkBytes: number, pulled: { count: number }) =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled.count === chunks) return controller.close();
        pulled.count += 1;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
      },
    });

  it("reads a body under the cap, multi-byte characters included", async () => {
    const text = JSON.stringify({ name: "Grüße ✓", padding: "x".repeat(1000) });
    expect(await readBodyText(new Request("http://x/", { method: "POST", body: text }), 4096)).toBe(text);
    expect(await readBodyText(new Request("http://x/", { method: "POST" }))).toBe("");
  });

  it("refuses a declared Content-Length over the cap without reading the body", async () => {
    const pulled = { count: 0 };
    const request = new Request("http://x/", {
      method: "POST",
      body: streamOf(1000, MIB, pulled),
      headers: { "content-length": String(1000 * MIB) },
      duplex: "half",
    } as RequestInit);
    await expect(readBodyText(request, MIB)).rejects.toMatchObject({
      status: 413,
      message: expect.stringContaining("1 MiB"),
    });
    expect(pulled.count).toBeLessThanOrEqual(1);
  });

  it("stops reading a body without Content-Length as soon as it passes the cap", async () => {
    const pulled = { count: 0 };
    const request = new Request("http://x/", {
      method: "POST",
      body: streamOf(10_000, 64 * 1024, pulled),
      duplex: "half",
    } as RequestInit);
    const error = await readBodyText(request, MIB).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 413 });
    // 16 chunks of 64 KiB fill the cap; the stream is not drained to its 625 MiB.
    expect(pulled.count).toBeLessThan(20);
  });
});
