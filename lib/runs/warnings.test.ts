import { describe, expect, it } from "vitest";

import { PLUGIN_LIBS_WARNING, runWarnings, TENSORBOARD_WARNING } from "./warnings";

describe("run warnings", () => {
  it("warns every plugin recipe that plugin libraries do not work in containers", () => {
    expect(runWarnings("plugin-recipe", { gpus: 0 })).toEqual([PLUGIN_LIBS_WARNING]);
    expect(PLUGIN_LIBS_WARNING).toContain("use_plugin_libs");
    expect(PLUGIN_LIBS_WARNING).toContain("import_from_plugin");
  });

  it("warns ML training and retraining on GPUs about TensorBoard", () => {
    expect(runWarnings("ml-train", { gpus: 1 })).toEqual([TENSORBOARD_WARNING]);
    expect(runWarnings("ml-retrain", { gpus: 4 })).toEqual([TENSORBOARD_WARNING]);
    expect(TENSORBOARD_WARNING).toContain("no GPU");
  });

  it("says what the TensorBoard limitation is without claiming Berth serves TensorBoard", () => {
    expect(TENSORBOARD_WARNING).toContain("Berth does not serve TensorBoard");
    expect(TENSORBOARD_WARNING).not.toMatch(/served from the Berth host/);
    // The limitation of a DSS-like setup: the visualisation host starts TensorBoard from the model's code env.
    expect(TENSORBOARD_WARNING).toMatch(/code env/);
  });

  it("says nothing otherwise", () => {
    expect(runWarnings("ml-train", { gpus: 0 })).toEqual([]);
    expect(runWarnings("ml-score", { gpus: 2 })).toEqual([]);
    expect(runWarnings("python-recipe", { gpus: 1 })).toEqual([]);
  });
});
