import { describe, expect, it } from "vitest";

import { timelineSteps } from "./timeline-steps";

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 27, 21, 0, seconds)).toISOString();
const ms = (seconds: number) => Date.UTC(2026, 10, 27, 21, 0, seconds);

describe("timelineSteps", () => {
  it("gives each phase its time and how long the run stayed, and the end its time after submit", () => {
    const steps = timelineSteps(
      [
        { status: "queued", at: at(0) },
        { status: "pending", at: at(1) },
        { status: "running", at: at(4) },
        { status: "succeeded", at: at(13) },
      ],
      "succeeded",
      ms(30),
    );
    expect(steps.map((step) => [step.status, step.mark, step.spanMs, step.sinceSubmitMs])).toEqual([
      ["queued", "done", 1000, null],
      ["pending", "done", 3000, null],
      ["running", "done", 9000, null],
      ["succeeded", "succeeded", null, 13000],
    ]);
  });

  it("counts the current phase until now, and leaves the end open", () => {
    const steps = timelineSteps(
      [
        { status: "queued", at: at(0) },
        { status: "pending", at: at(2) },
      ],
      "pending",
      ms(7),
    );
    expect(steps.map((step) => [step.status, step.mark, step.spanMs])).toEqual([
      ["queued", "done", 2000],
      ["pending", "current", 5000],
      ["running", "future", null],
      ["finished", "future", null],
    ]);
    expect(timelineSteps([{ status: "queued", at: at(0) }], "queued", null)[0].spanMs).toBeNull();
  });

  it("shows a skipped phase as not reached", () => {
    const steps = timelineSteps(
      [
        { status: "queued", at: at(0) },
        { status: "aborted", at: at(5), reason: "Aborted by ada" },
      ],
      "aborted",
      ms(9),
    );
    expect(steps.map((step) => [step.status, step.mark, step.at])).toEqual([
      ["queued", "done", at(0)],
      ["pending", "future", null],
      ["running", "future", null],
      ["aborted", "aborted", at(5)],
    ]);
    expect(steps[0].spanMs).toBe(5000);
  });
});
