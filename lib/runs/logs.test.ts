import { describe, expect, it } from "vitest";

import { keptLinesOf, logContainer, mergePodLogs, prefixesLines } from "./logs";

describe("run logs", () => {
  it("merges Spark pods' logs in time order, each line prefixed with its pod", () => {
    const driver = "2026-11-27T10:00:01.000000000Z driver starts\n2026-11-27T10:00:04.000000000Z driver done\n";
    const executor = "2026-11-27T10:00:02.000000000Z task 1\n2026-11-27T10:00:03.000000000Z task 2\n";
    expect(
      mergePodLogs(
        [
          { pod: "job-driver", text: driver },
          { pod: "job-exec-1", text: executor },
        ],
        true,
      ),
    ).toBe("[job-driver] driver starts\n[job-exec-1] task 1\n[job-exec-1] task 2\n[job-driver] driver done\n");
  });

  it("keeps a single pod's lines as they are, in their order, even without timestamps", () => {
    expect(mergePodLogs([{ pod: "run", text: "first\nsecond\n\nthird" }], false)).toBe("first\nsecond\nthird\n");
  });

  it("gives one pod's lines of a kept Spark log, and every line of a single-pod run", () => {
    const kept = "[job-driver] a\n[job-exec-1] b\n[job-driver] c\n";
    expect(keptLinesOf(kept, "job-driver", true)).toEqual(["[job-driver] a", "[job-driver] c"]);
    expect(keptLinesOf(kept, undefined, true)).toHaveLength(3);
    expect(keptLinesOf("x\ny\n", "run-pod", false)).toEqual(["x", "y"]);
  });

  it("prefixes Spark runs only, and reads the main container (else the first)", () => {
    expect(prefixesLines({ workload: "pod" })).toBe(false);
    expect(prefixesLines({ workload: "spark-application" })).toBe(true);
    expect(logContainer({ spec: { containers: [{ name: "sidecar" }, { name: "main" }] } })).toBe("main");
    expect(logContainer({ spec: { containers: [{ name: "spark-kubernetes-driver" }] } })).toBe(
      "spark-kubernetes-driver",
    );
  });

  it("reads the workload's container, not a sidecar a webhook injected before it", () => {
    // Injected first, as some webhooks do: the Spark container or the pod's own one is still the log.
    expect(logContainer({ spec: { containers: [{ name: "istio-proxy" }, { name: "spark-kubernetes-driver" }] } })).toBe(
      "spark-kubernetes-driver",
    );
    expect(logContainer({ spec: { containers: [{ name: "linkerd-proxy" }, { name: "executor" }] } })).toBe("executor");
    // Istio's injector names the application's container in kubectl's default-container annotation.
    const annotated = {
      metadata: { annotations: { "kubectl.kubernetes.io/default-container": "trainer" } },
      spec: { containers: [{ name: "proxy" }, { name: "trainer" }] },
    };
    expect(logContainer(annotated)).toBe("trainer");
    // A native sidecar is an init container: never the log, whatever it is called.
    expect(
      logContainer({
        spec: { initContainers: [{ name: "main", restartPolicy: "Always" }], containers: [{ name: "notebook" }] },
      }),
    ).toBe("notebook");
  });
});
