import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { LOCAL_ENGINE_FILE, localEngineEnabled, localRegistryPort, writeLocalEngineFile } from "./local-engine";

describe("localEngineEnabled", () => {
  it("is off when unset, so npm start needs no podman", () => {
    expect(localEngineEnabled(undefined)).toBe(false);
    expect(localEngineEnabled("off")).toBe(false);
  });

  it("is on for 1, and refuses a value it does not know instead of guessing", () => {
    expect(localEngineEnabled("1")).toBe(true);
    expect(localEngineEnabled(" ON ")).toBe(true);
    expect(() => localEngineEnabled("podman")).toThrow(/BERTH_LOCAL_ENGINE must be 1 .* or off; got "podman"/);
  });
});

describe("localRegistryPort", () => {
  it("is 5000 by default, and a port number when given", () => {
    expect(localRegistryPort(undefined)).toBe(5000);
    expect(localRegistryPort("5123")).toBe(5123);
    expect(() => localRegistryPort("70000")).toThrow(/must be a port number/);
  });
});

describe("writeLocalEngineFile", () => {
  it("writes what the console registers, readable by the owner only", () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "berth-local-engine-file-")), "data");
    const file = writeLocalEngineFile(dataDir, {
      endpoint: "unix:///home/u/.cache/berth/engine-local/podman.sock",
      registry: "127.0.0.1:5000",
      baseImage: "127.0.0.1:5000/library/debian:bookworm",
    });
    expect(file).toBe(path.join(dataDir, LOCAL_ENGINE_FILE));
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({
      endpoint: "unix:///home/u/.cache/berth/engine-local/podman.sock",
      registry: "127.0.0.1:5000",
      baseImage: "127.0.0.1:5000/library/debian:bookworm",
    });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
