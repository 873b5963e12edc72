import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import { writeKubeconfig } from "./kubeconfig";
import { saveState } from "./persistence";
import { MemoryStore } from "./store";

const mode = (file: string) => statSync(file).mode & 0o777;

describe("the simulator's files", () => {
  it("writes its state file 0600, also over an older world-readable one", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-files-"));
    const state = join(dir, "state.json");
    writeFileSync(state, "{}");
    chmodSync(state, 0o644);
    writeFileSync(`${state}.tmp`, "");
    chmodSync(`${state}.tmp`, 0o644);
    saveState(new MemoryStore(), state);
    expect(mode(state)).toBe(0o600);
  });

  it("writes its kubeconfig 0600, also over an older world-readable one", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-files-"));
    const kubeconfig = join(dir, "kubeconfig.yaml");
    writeFileSync(kubeconfig, "");
    chmodSync(kubeconfig, 0o644);
    writeKubeconfig(kubeconfig, { server: "https://127.0.0.1:1", token: "t" });
    expect(mode(kubeconfig)).toBe(0o600);
  });

  it("creates a missing directory 0700", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sim-files-")), "data");
    saveState(new MemoryStore(), join(dir, "state.json"));
    expect(mode(dir)).toBe(0o700);
  });
});
