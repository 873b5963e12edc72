import { describe, expect, it } from "vitest";
import type { PodSpec } from "./model";
import { podSecurityViolations } from "./pod-security";

const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const spec = (overrides: Partial<PodSpec> = {}, context: Record<string, unknown> = {}): PodSpec => ({ containers: [{ name: "main", image: "busybox", securityContext: context }], ...overrides });

describe("Pod Security Admission checks (k8s.io/pod-security-admission/policy)", () => {
  it("lets anything through at privileged, and a plain pod through at baseline", () => {
    expect(podSecurityViolations("privileged", spec({ hostNetwork: true }, { privileged: true }))).toEqual([]);
    expect(podSecurityViolations("baseline", spec())).toEqual([]);
    expect(podSecurityViolations("baseline", spec({}, { capabilities: { add: ["CHOWN", "SETUID"] } }))).toEqual([]);
  });

  it("refuses at baseline what escapes to the node: privileged, host namespaces, hostPath, hostPort, extra capabilities, Unconfined seccomp", () => {
    const escaping = spec(
      { hostNetwork: true, hostPID: true, volumes: [{ name: "root", hostPath: { path: "/" } }] },
      { privileged: true, capabilities: { add: ["SYS_ADMIN"] }, seccompProfile: { type: "Unconfined" } },
    );
    escaping.containers[0].ports = [{ containerPort: 80, hostPort: 80 }];
    expect(podSecurityViolations("baseline", escaping)).toEqual([
      "host namespaces (hostNetwork=true, hostPID=true)",
      'privileged (container "main" must not set securityContext.privileged=true)',
      'non-default capabilities (container "main" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
      'hostPath volumes (volume "root")',
      'hostPort (container "main" uses hostPort 80)',
      'seccompProfile (container "main" must not set securityContext.seccompProfile.type to "Unconfined")',
    ]);
  });

  it("asks at restricted for non-root, no escalation, capabilities dropped, a seccomp profile and plain volumes", () => {
    expect(podSecurityViolations("restricted", spec({ volumes: [{ name: "data", nfs: { server: "x", path: "/" } }] }))).toEqual([
      'restricted volume types (volume "data" uses restricted volume type "nfs")',
      'allowPrivilegeEscalation != false (container "main" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "main" must set securityContext.capabilities.drop=["ALL"])',
      'runAsNonRoot != true (pod or container "main" must set securityContext.runAsNonRoot=true)',
      'seccompProfile (pod or container "main" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
    const berthPod = spec({ securityContext: { seccompProfile: { type: "RuntimeDefault" } } }, hardened);
    expect(podSecurityViolations("restricted", berthPod)).toEqual(['runAsNonRoot != true (pod or container "main" must set securityContext.runAsNonRoot=true)']);
    expect(podSecurityViolations("restricted", { ...berthPod, securityContext: { seccompProfile: { type: "RuntimeDefault" }, runAsNonRoot: true } })).toEqual([]);
  });
});
