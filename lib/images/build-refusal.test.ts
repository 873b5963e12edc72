import { describe, expect, it } from "vitest";

import { buildRefusalReason, isTransientRefusal } from "./build-refusal";

describe("buildRefusalReason", () => {
  it("names the quota and what it needs when it requires limits", () => {
    expect(
      buildRefusalReason(
        'Error creating: pods "berth-build-1-abc123-" is forbidden: failed quota: build-quota: must specify limits.cpu for: kaniko',
        "builds",
        "kaniko",
      ),
    ).toBe(
      "The cluster refused the build pod. Refused by the quota build-quota of namespace builds: must specify limits.cpu for: kaniko — set the missing requests or limits in the build settings (Settings › Image builds).",
    );
  });

  it("names the quota and its figures when the build does not fit", () => {
    const message =
      'pods "b-" is forbidden: exceeded quota: small, requested: requests.cpu=500m, used: requests.cpu=0, limited: requests.cpu=100m';
    expect(buildRefusalReason(message, "builds", "kaniko")).toBe(
      "The cluster refused the build pod. Over the quota small of namespace builds: requests.cpu: asks 500m, 0 in use, limit 100m — lower the build's requests in the build settings (Settings › Image builds), or raise the quota.",
    );
  });

  it("says which Pod Security level refuses a BuildKit pod and what it needs", () => {
    const message =
      'pods "b-" is forbidden: violates PodSecurity "baseline:latest": seccompProfile (container "buildkit" must not set securityContext.seccompProfile.type to "Unconfined")';
    expect(buildRefusalReason(message, "builds", "buildkit")).toContain(
      'Pod Security "baseline" of namespace builds refuses seccompProfile',
    );
    expect(buildRefusalReason(message, "builds", "buildkit")).toContain(
      'rootless BuildKit needs Pod Security "privileged"',
    );
  });

  it("names a missing service account, a refusal that may heal by itself", () => {
    const message =
      'pods "b-" is forbidden: error looking up service account builds/default: serviceaccount "default" not found';
    expect(buildRefusalReason(message, "builds", "kaniko")).toBe(
      'The cluster refused the build pod: service account "default" does not exist in namespace builds.',
    );
    expect(isTransientRefusal(message)).toBe(true);
    expect(isTransientRefusal('pods "b-" is forbidden: failed quota: q: must specify limits.cpu for: kaniko')).toBe(
      false,
    );
  });

  it("keeps any other refusal's text", () => {
    expect(
      buildRefusalReason('pods "b-" is forbidden: admission webhook "x" denied the request', "builds", "kaniko"),
    ).toBe('The cluster refused the build pod: admission webhook "x" denied the request.');
  });
});
