import { describe, expect, it } from "vitest";

import { safeCallbackPath, signOutTarget } from "./redirect";

describe("safeCallbackPath", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeCallbackPath("/")).toBe("/");
    expect(safeCallbackPath("/runs/12?tab=log#end")).toBe("/runs/12?tab=log#end");
    expect(safeCallbackPath("/clusters/embedded/pods/default/x")).toBe("/clusters/embedded/pods/default/x");
  });

  it("answers / for anything that leaves the console", () => {
    const escapes = [
      "/\\evil.example",
      "\\\\evil.example",
      "//evil.example",
      "///evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      " //evil.example",
      "https://evil.example/",
      "http:evil.example",
      "HTTPS://evil.example",
      "javascript:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "evil.example",
      "runs",
      "https://berth.example.com@evil.example/",
    ];
    for (const target of escapes)
      expect(safeCallbackPath(target, ["https://berth.example.com"]), JSON.stringify(target)).toBe("/");
  });

  it("never answers a path that a browser would read as another host", () => {
    for (const target of ["/.//evil.example", "/%2e//evil.example", "/./\\evil.example"]) {
      const path = safeCallbackPath(target);
      expect(path.startsWith("//") || path.startsWith("/\\"), `${target} → ${path}`).toBe(false);
      expect(new URL(path, "https://berth.example.com").origin).toBe("https://berth.example.com");
    }
  });

  it("accepts absolute URLs only on the console's own origin", () => {
    expect(safeCallbackPath("https://berth.example.com/runs?x=1", ["https://berth.example.com"])).toBe("/runs?x=1");
    expect(safeCallbackPath("https://berth.example.com:8443/runs", ["https://berth.example.com"])).toBe("/");
    expect(safeCallbackPath("http://berth.example.com/runs", ["https://berth.example.com"])).toBe("/");
    expect(safeCallbackPath("https://berth.example.com/runs")).toBe("/");
  });

  it("answers / for nothing", () => {
    expect(safeCallbackPath(undefined)).toBe("/");
    expect(safeCallbackPath("")).toBe("/");
  });
});

describe("signOutTarget", () => {
  it("is a path on the host the browser used when NEXTAUTH_URL is not set, never localhost", () => {
    expect(signOutTarget(undefined)).toBe("/sign-in");
  });

  it("is the sign-in page under NEXTAUTH_URL when it is set", () => {
    expect(signOutTarget("https://berth.example.com")).toBe("https://berth.example.com/sign-in");
    expect(signOutTarget("https://berth.example.com/")).toBe("https://berth.example.com/sign-in");
    expect(signOutTarget("https://example.com/berth/")).toBe("https://example.com/berth/sign-in");
  });

  it("falls back to the path when NEXTAUTH_URL is not a URL", () => {
    expect(signOutTarget("berth.example.com")).toBe("/sign-in");
  });
});
