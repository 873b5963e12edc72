import { describe, expect, it } from "vitest";

import { dockerConfigSecrets, failureFromLog, redactSecrets, splitLines, stripAnsi, tailBytes } from "./logs";

describe("build logs", () => {
  it("redacts a registry password, its auth string and the decoded form, longest first", () => {
    const auth = Buffer.from("robot:s3cr3t-pass").toString("base64");
    const config = JSON.stringify({
      auths: { "registry.example": { username: "robot", password: "s3cr3t-pass", auth } },
    });
    const secrets = dockerConfigSecrets(config);
    expect(secrets).toEqual(expect.arrayContaining(["s3cr3t-pass", auth]));
    expect(redactSecrets(`login robot s3cr3t-pass ${auth}`, secrets)).toBe("login robot [redacted] [redacted]");
    expect(redactSecrets("nothing here", [])).toBe("nothing here");
    expect(dockerConfigSecrets("not json")).toEqual([]);
  });

  it("names the failing step and the executor's error", () => {
    const log = [
      "INFO[0001] RUN echo ok",
      "INFO[0002] RUN make all # berth-sim: fail",
      "INFO[0002] Running: [/bin/sh -c make all # berth-sim: fail]",
      "berth-sim: this RUN fails on purpose",
      "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1",
    ].join("\n");
    expect(failureFromLog(log)).toBe(
      "RUN make all # berth-sim: fail — error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1",
    );
    expect(
      failureFromLog(
        "error building image: parsing dockerfile: dockerfile parse error on line 3: unknown instruction: RUNN",
      ),
    ).toMatch(/^error building image: parsing dockerfile/);
    expect(failureFromLog("INFO[0001] all fine")).toBeNull();
  });

  it("names the failing step and the error in a BuildKit (buildctl --progress=plain) log", () => {
    const log = [
      "#4 [1/3] FROM docker.io/library/python:3.12-slim@sha256:abc",
      "#4 DONE 0.3s",
      "#5 [2/3] RUN make all",
      "#5 0.105 make: not found",
      '#5 ERROR: process "/bin/sh -c make all" did not complete successfully: exit code: 127',
      "------",
      " > [2/3] RUN make all:",
      "0.105 make: not found",
      "------",
      'error: failed to solve: process "/bin/sh -c make all" did not complete successfully: exit code: 127',
    ].join("\n");
    expect(failureFromLog(log)).toBe(
      'RUN make all — error: failed to solve: process "/bin/sh -c make all" did not complete successfully: exit code: 127',
    );
  });

  it("keeps the last bytes from a whole line, strips colours and splits streamed chunks into lines", () => {
    const log = Array.from({ length: 100 }, (_, index) => `line ${index}`).join("\n");
    const tail = tailBytes(log, 40);
    expect(tail.startsWith("line ")).toBe(true);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(40);
    expect(tail.endsWith("line 99")).toBe(true);
    expect(stripAnsi("\u001b[36mINFO\u001b[0m[0001] RUN x")).toBe("INFO[0001] RUN x");
    expect(splitLines("par", "tial\nnext\nunfin")).toEqual({ lines: ["partial", "next"], rest: "unfin" });
  });
});
