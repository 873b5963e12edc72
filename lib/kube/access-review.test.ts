import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { BERTH_PERMISSIONS } from "./access-review";

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

/** Every (verb, group, resource) a ClusterRole grants, as sorted "verb group/resource" strings. */
function granted(path: string): string[] {
  const role = parse(readFileSync(path, "utf8")) as { rules: PolicyRule[] };
  const grants = role.rules.flatMap((rule) =>
    (rule.apiGroups ?? []).flatMap((group) =>
      (rule.resources ?? []).flatMap((resource) => (rule.verbs ?? []).map((verb) => `${verb} ${group}/${resource}`)),
    ),
  );
  return [...new Set(grants)].sort();
}

describe("BERTH_PERMISSIONS", () => {
  it("is exactly what deploy/rbac/clusterrole.yaml grants, so a rule added to one and not the other fails", () => {
    const listed = [
      ...new Set(
        BERTH_PERMISSIONS.map((permission) => `${permission.verb} ${permission.group}/${permission.resource}`),
      ),
    ].sort();
    expect(listed).toEqual(granted("deploy/rbac/clusterrole.yaml"));
  });

  it("has no wildcards and names a feature for every permission", () => {
    for (const permission of BERTH_PERMISSIONS) {
      expect([permission.verb, permission.group, permission.resource]).not.toContain("*");
      expect(permission.feature.length).toBeGreaterThan(0);
    }
  });
});
