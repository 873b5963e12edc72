import { describe, expect, it } from "vitest";

import { simAnnotationsFromLines } from "./run-form-input";

describe("simAnnotationsFromLines", () => {
  it("prefixes short names, keeps full ones, and turns \\n into line breaks", () => {
    expect(
      simAnnotationsFromLines("duration=20s\n\n# comment\nsim.berth.dev/exit-code = 3\nlog-lines=epoch 1\\nepoch 2"),
    ).toEqual({
      annotations: {
        "sim.berth.dev/duration": "20s",
        "sim.berth.dev/exit-code": "3",
        "sim.berth.dev/log-lines": "epoch 1\nepoch 2",
      },
      fieldErrors: {},
    });
  });

  it("names each line it cannot read and gives nothing for an empty field", () => {
    expect(simAnnotationsFromLines("duration\n=3")).toEqual({
      fieldErrors: {
        annotations: ["line 1: write name=value, e.g. duration=20s", "line 2: write name=value, e.g. duration=20s"],
      },
    });
    expect(simAnnotationsFromLines("  ")).toEqual({ fieldErrors: {} });
  });
});
