import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

import { rssMiB, treeRssMiB, waitFor } from "./harness";

// A parent that starts a child holding 64 MB, as real-cluster.ts starts the control plane's components.
const PARENT = `
const { spawn } = require("node:child_process");
spawn(process.execPath, ["-e", "globalThis.held = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => {}, 1000)"], { stdio: "inherit" });
setInterval(() => {}, 1000);
`;

let stopGroup: (() => void) | undefined;
afterEach(() => stopGroup?.());

describe("treeRssMiB", () => {
  it("adds the RSS of the processes a process started to its own", async () => {
    const parent = spawn(process.execPath, ["-e", PARENT], { stdio: "ignore", detached: true });
    stopGroup = () => process.kill(-parent.pid!, "SIGKILL");
    const own = await waitFor("the parent to run", () => rssMiB(parent.pid!), 10_000);
    const tree = await waitFor(
      "the child's 64 MB to count",
      () => {
        const sum = treeRssMiB(parent.pid!);
        return sum !== undefined && sum - (rssMiB(parent.pid!) ?? own) >= 64 && sum;
      },
      20_000,
    );
    expect(tree).toBeGreaterThan(own + 64);
  });

  it("is undefined for a process that is gone", () => {
    expect(treeRssMiB(2 ** 22 + 1)).toBeUndefined();
  });
});
