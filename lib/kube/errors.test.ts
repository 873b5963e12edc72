import { describe, expect, it, vi } from "vitest";

import { describeKubeError } from "./errors";

const apiException = (code: number, body: object) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify(body) });

describe("describeKubeError", () => {
  it("explains quota refusals with the cluster's own numbers", () => {
    const failure = describeKubeError(
      apiException(403, {
        reason: "Forbidden",
        message:
          'pods "x" is forbidden: exceeded quota: gpu, requested: requests.nvidia.com/gpu=2, used: requests.nvidia.com/gpu=3, limited: requests.nvidia.com/gpu=4',
      }),
    );
    expect(failure).toMatchObject({ status: 403, reason: "QuotaExceeded" });
    expect(failure.message).toContain("limited: requests.nvidia.com/gpu=4");
  });

  it("maps conflicts, invalid objects with causes, and missing objects", () => {
    expect(
      describeKubeError(apiException(409, { reason: "Conflict", message: "the object has been modified" })),
    ).toMatchObject({ status: 409, reason: "Conflict" });
    expect(
      describeKubeError(apiException(409, { reason: "AlreadyExists", message: 'pods "a" already exists' })),
    ).toMatchObject({ reason: "AlreadyExists" });
    const invalid = describeKubeError(
      apiException(422, {
        reason: "Invalid",
        message: "x",
        details: { causes: [{ field: "metadata.name", message: "must be DNS-1123" }] },
      }),
    );
    expect(invalid.message).toBe("The cluster found it invalid: metadata.name: must be DNS-1123");
    expect(describeKubeError(apiException(404, { message: 'pods "a" not found' }))).toMatchObject({
      status: 404,
      message: 'pods "a" not found',
    });
  });

  it("says unreachable for network failures, without a stack", () => {
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
    });
    expect(describeKubeError(refused)).toEqual({
      status: 503,
      reason: "Unreachable",
      message: "The cluster cannot be reached (ECONNREFUSED).",
    });
    expect(describeKubeError(apiException(401, {})).message).toContain("credentials");
  });
});

describe("describeKubeError of a client's or credential plugin's own text", () => {
  it("answers a classified sentence and never echoes the text (a plugin's stderr may hold anything)", () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const stderr = "error: token for alice@example.com is hunter2";
    expect(describeKubeError(new Error(stderr))).toEqual({
      status: 502,
      reason: "Error",
      message: "The request to the cluster failed (the server log has the details).",
    });
    expect(describeKubeError(new Error(`request timed out: ${stderr}`)).message).toBe(
      "The cluster did not answer in time.",
    );
    expect(
      describeKubeError(Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }))
        .message,
    ).toBe("The cluster's TLS certificate was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT).");
    expect(quiet).toHaveBeenCalled();
    quiet.mockRestore();
  });
});

describe("describeKubeError of Berth's own wrapped failures", () => {
  it("passes their words through instead of wrapping them again", () => {
    const failure = {
      status: 503,
      reason: "Unreachable" as const,
      message: "The cluster cannot be reached (ECONNRESET).",
    };
    expect(describeKubeError(Object.assign(new Error(failure.message), { failure }))).toBe(failure);
  });
});

describe("describeKubeError of an RBAC refusal", () => {
  const forbidden = (message: string, details: object) =>
    apiException(403, { kind: "Status", status: "Failure", reason: "Forbidden", code: 403, message, details });

  it("says what Berth's account may not do, read from the cluster's own message", () => {
    const failure = describeKubeError(
      forbidden(
        'pods "p" is forbidden: User "system:serviceaccount:berth:berth" cannot delete resource "pods" in API group "" in the namespace "team-a"',
        { name: "p", kind: "pods" },
      ),
    );
    expect(failure).toMatchObject({
      status: 403,
      reason: "Forbidden",
      permission: { verb: "delete", resource: "pods", group: "", namespace: "team-a" },
    });
    expect(failure.message).toBe('Berth\'s account may not delete pods in namespace "team-a".');
  });

  it("names the group and says when the refusal is cluster-wide", () => {
    const failure = describeKubeError(
      forbidden(
        'jobs.batch is forbidden: User "system:serviceaccount:berth:berth" cannot list resource "jobs" in API group "batch" at the cluster scope',
        { group: "batch", kind: "jobs" },
      ),
    );
    expect(failure).toMatchObject({
      reason: "Forbidden",
      permission: { verb: "list", resource: "jobs", group: "batch" },
    });
    expect(failure.permission?.namespace).toBeUndefined();
    expect(failure.message).toBe("Berth's account may not list jobs.batch across the cluster.");
  });

  it("keeps the cluster's words when its message has another wording", () => {
    const failure = describeKubeError(forbidden("access denied", { kind: "nodes" }));
    expect(failure).toMatchObject({
      reason: "Forbidden",
      message: "The cluster refused Berth's account: access denied",
    });
    expect(failure.permission).toBeUndefined();
  });
});
