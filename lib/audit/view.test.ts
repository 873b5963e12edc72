import { describe, expect, it } from "vitest";

import { auditChanges, auditObjectHref } from "./view";

const event = (
  objectType: string,
  objectId: string | null,
  action = `${objectType}.update`,
  objectName: string | null = null,
) => ({ action, objectType, objectId, objectName });

describe("auditObjectHref", () => {
  it("links each entry to the page of its object", () => {
    expect(auditObjectHref(event("execution-config", "3"))).toBe("/execution-configs/3");
    expect(auditObjectHref(event("spark-config", "4"))).toBe("/spark-configs/4");
    expect(auditObjectHref(event("base-image", "5"))).toBe("/images/5");
    expect(auditObjectHref(event("code-env", "6"))).toBe("/code-envs/6");
    expect(auditObjectHref(event("namespace-policy", "7"))).toBe("/namespace-policies/7");
    expect(auditObjectHref(event("cluster", "1"))).toBe("/clusters/1");
    expect(auditObjectHref(event("user", "2"))).toBe("/users/2");
    expect(auditObjectHref(event("group", "8"))).toBe("/groups/8");
    expect(auditObjectHref(event("project", "9"))).toBe("/projects/9");
    expect(auditObjectHref(event("project-override", "churn/prepare_features"))).toBe("/projects/churn");
    expect(auditObjectHref(event("run", "a1b2c3d4e5"))).toBe("/runs/a1b2c3d4e5");
    expect(auditObjectHref(event("image-build", "12"))).toBe("/image-builds/12");
    expect(auditObjectHref(event("settings", "instance"))).toBe("/settings");
  });

  it("gives no link where there is no page: deleted objects, sign-ins, refusals, odd ids", () => {
    expect(auditObjectHref(event("execution-config", "3", "execution-config.delete"))).toBeNull();
    expect(auditObjectHref(event("session", null, "session.sign-in", "ana"))).toBeNull();
    expect(auditObjectHref(event("refusal", null, "refusal", "user.create"))).toBeNull();
    expect(auditObjectHref(event("user", null))).toBeNull();
    expect(auditObjectHref(event("cluster", "../../api/v1/users"))).toBe("/clusters/..%2F..%2Fapi%2Fv1%2Fusers");
  });
});

describe("auditChanges", () => {
  it("compares nested bodies field by field, with secrets masked", () => {
    const before = {
      name: "gpu",
      resources: { limits: { cpu: "2", memory: "8Gi" } },
      registry: { password: "hunter2" },
    };
    const after = { name: "gpu", resources: { limits: { cpu: "4", memory: "8Gi" } }, registry: { password: "s3cret" } };
    // A changed secret shows that it changed, never what it was or became.
    expect(auditChanges(before, after)).toEqual([
      { field: "registry.password", before: "[redacted]", after: "[redacted]" },
      { field: "resources.limits.cpu", before: "2", after: "4" },
    ]);
    expect(JSON.stringify(auditChanges(null, after))).not.toMatch(/s3cret/);
    expect(auditChanges(null, { name: "x", env: [], cluster: null, description: "" })).toEqual([
      { field: "name", after: "x" },
    ]);
    // Empty values are values, not secrets.
    expect(auditChanges({ cluster: null, runAsUser: null }, { cluster: "embedded", runAsUser: null })).toEqual([
      { field: "cluster", before: null, after: "embedded" },
    ]);
  });
});

describe("auditChanges of a secret object", () => {
  it("masks the fields inside a secret-named object", () => {
    expect(auditChanges({ credentials: { user: "a", key: "k1" } }, { credentials: { user: "a", key: "k2" } })).toEqual([
      { field: "credentials.key", before: "[redacted]", after: "[redacted]" },
    ]);
  });
});
