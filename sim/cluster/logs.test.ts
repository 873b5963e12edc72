import { describe, expect, it } from "vitest";

import { formatLine, LogBuffer, resolveContainer, rfc3339Nano, selectLines } from "./logs";
import type { Pod } from "./model";

const pod = (containers: string[], init: string[] = []): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "n", uid: "u" },
  spec: {
    containers: containers.map((name) => ({ name, image: "x" })),
    initContainers: init.map((name) => ({ name, image: "x" })),
  },
});

describe("log selection", () => {
  const lines = [1000, 2000, 3000, 4000].map((at, i) => ({ at, text: `line ${i + 1}` }));
  it("applies tailLines and since", () => {
    expect(selectLines(lines, { tailLines: 2, timestamps: false }).map((l) => l.text)).toEqual(["line 3", "line 4"]);
    expect(selectLines(lines, { sinceMs: 2500, timestamps: false }).map((l) => l.text)).toEqual(["line 3", "line 4"]);
    expect(selectLines(lines, { tailLines: 0, timestamps: false })).toEqual([]);
  });

  it("prefixes RFC3339Nano timestamps", () => {
    expect(rfc3339Nano(Date.parse("2024-05-01T10:00:00.123Z"))).toBe("2024-05-01T10:00:00.123000000Z");
    expect(formatLine({ at: Date.parse("2024-05-01T10:00:00.123Z"), text: "msg" }, true)).toBe(
      "2024-05-01T10:00:00.123000000Z msg\n",
    );
  });

  it("streams to followers and closes", () => {
    const buffer = new LogBuffer();
    const seen: (string | undefined)[] = [];
    buffer.follow((l) => seen.push(l?.text));
    buffer.append("a");
    buffer.close();
    buffer.append("ignored");
    expect(seen).toEqual(["a", undefined]);
  });
});

describe("container resolution", () => {
  it("defaults a single container and explains ambiguity like the apiserver", () => {
    expect(resolveContainer(pod(["c"]), null)).toBe("c");
    const error = resolveContainer(pod(["a", "b"], ["i"]), null);
    expect(typeof error === "string" ? error : error.status.message).toBe(
      "a container name must be specified for pod p, choose one of: [a b] or one of the init containers: [i]",
    );
    const unknown = resolveContainer(pod(["a"]), "x");
    expect(typeof unknown === "string" ? unknown : unknown.status.message).toBe("container x is not valid for pod p");
  });
});
