import { describe, expect, it } from "vitest";

import { explainRun, parseQuotaFigures } from "./explain";

const QUOTA =
  'pods "run-abc" is forbidden: exceeded quota: berth-quota, requested: limits.nvidia.com/gpu=2,requests.nvidia.com/gpu=2, used: limits.nvidia.com/gpu=0,requests.nvidia.com/gpu=0, limited: limits.nvidia.com/gpu=1,requests.nvidia.com/gpu=1';

describe("parseQuotaFigures", () => {
  it("reads requested, used and limited per resource from the apiserver's refusal", () => {
    expect(parseQuotaFigures(QUOTA)).toEqual([
      { resource: "limits.nvidia.com/gpu", requested: "2", used: "0", limited: "1" },
      { resource: "requests.nvidia.com/gpu", requested: "2", used: "0", limited: "1" },
    ]);
    expect(parseQuotaFigures("exceeded quota: q")).toBeUndefined();
    expect(
      parseQuotaFigures(
        "Over the quota berth-quota of namespace ml: requests.nvidia.com/gpu: asks 8, 4 in use, limit 8; pods: asks 1, 3 in use, limit 20",
      ),
    ).toEqual([
      { resource: "requests.nvidia.com/gpu", requested: "8", used: "4", limited: "8" },
      { resource: "pods", requested: "1", used: "3", limited: "20" },
    ]);
  });
});

describe("explainRun", () => {
  it("names the quota and its numbers", () => {
    const explained = explainRun("failed", QUOTA);
    expect(explained?.headline).toBe("Over the namespace quota (limits.nvidia.com/gpu, requests.nvidia.com/gpu)");
    expect(explained?.quota).toHaveLength(2);
    expect(explained?.advice).toContain("requests.nvidia.com/gpu requested 2, already used 0 of 1");
  });

  it("says which resource no node has free", () => {
    const explained = explainRun(
      "pending",
      "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector.",
    );
    expect(explained?.headline).toBe("No node has enough free nvidia.com/gpu");
    expect(explained?.advice).toMatch(/GPUs/);
    expect(
      explainRun("pending", "No node has 2 free nvidia.com/gpu: 0/6 nodes are available: 2 Insufficient nvidia.com/gpu")
        ?.headline,
    ).toBe("No node has enough free nvidia.com/gpu");
  });

  it("explains image pulls, OOM kills, selectors and taints", () => {
    expect(explainRun("pending", "ImagePullBackOff: Back-off pulling image")?.headline).toMatch(/could not be pulled/);
    expect(explainRun("failed", "OOMKilled")?.advice).toMatch(/memory limit/);
    expect(explainRun("failed", null, 137)?.headline).toMatch(/OOMKilled/);
    expect(
      explainRun("pending", "0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector.")?.headline,
    ).toMatch(/node selector/);
    expect(
      explainRun("pending", "0/6 nodes are available: 2 node(s) had untolerated taint {gpu: true}")?.headline,
    ).toMatch(/tainted/);
    // kube-scheduler 1.37 no longer names the taint.
    expect(
      explainRun(
        "pending",
        "0/2 nodes are available: 2 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
      )?.headline,
    ).toMatch(/tainted/);
  });

  it("blames a failed init container, not the user's command, and says who adds such containers", () => {
    const failed = explainRun(
      "failed",
      'The init container "istio-init" failed with exit code 1 (Init:Error): iptables-restore failed',
      1,
    );
    expect(failed?.headline).toBe('The init container "istio-init" failed before the run started');
    expect(failed?.advice).toMatch(/not executed/);
    expect(
      explainRun(
        "pending",
        'The init container "istio-init" failed with exit code 1 and is being restarted (Init:CrashLoopBackOff)',
      )?.headline,
    ).toBe('The init container "istio-init" failed before the run started');
  });

  it("falls back to the exit code for other failures, and says nothing for a healthy run", () => {
    expect(explainRun("failed", "Error", 3)?.headline).toBe("The command exited with code 3");
    expect(explainRun("failed", 'namespaces "x" is forbidden: cannot create', null)?.headline).toBe(
      'namespaces "x" is forbidden: cannot create',
    );
    expect(
      explainRun("running", 'The container "main" keeps crashing and is being restarted (CrashLoopBackOff)')?.headline,
    ).toBe("The container keeps crashing");
    expect(explainRun("failed", "The pod was evicted from node sim-cpu-1: low memory")?.headline).toMatch(/evicted/);
    expect(explainRun("failed", "The run took longer than its time limit of 60 s and was stopped")?.headline).toMatch(
      /time limit/,
    );
    expect(explainRun("running", null)).toBeUndefined();
    expect(
      explainRun("pending", "Scheduled on node sim-gpu-1; pulling the image and creating the container")?.headline,
    ).toBe("Scheduled on node sim-gpu-1; pulling the image and creating the container");
    expect(explainRun("succeeded", null, 0)).toBeUndefined();
  });
});
