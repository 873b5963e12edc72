import { describe, expect, it } from "vitest";

import type { PodSpec } from "./model";
import { podSecurityViolations } from "./pod-security";

const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const spec = (overrides: Partial<PodSpec> = {}, context: Record<string, unknown> = {}): PodSpec => ({
  containers: [{ name: "main", image: "busybox", securityContext: context }],
  ...overrides,
});

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
    // In the order of the checks' IDs (capabilities_baseline, hostNamespaces, hostPathVolumes, …), as a real apiserver lists them.
    expect(podSecurityViolations("baseline", escaping)).toEqual([
      'non-default capabilities (container "main" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
      "host namespaces (hostNetwork=true, hostPID=true)",
      'hostPath volumes (volume "root")',
      'hostPort (container "main" uses hostPort 80)',
      'privileged (container "main" must not set securityContext.privileged=true)',
      'seccompProfile (container "main" must not set securityContext.seccompProfile.type to "Unconfined")',
    ]);
  });

  it("names who sets a forbidden seccomp profile or SELinux option, and what, as a real apiserver does", () => {
    const two = (
      pod: Record<string, unknown>,
      a: Record<string, unknown>,
      b: Record<string, unknown> = {},
    ): PodSpec => ({
      securityContext: pod,
      containers: [
        { name: "a", image: "busybox", securityContext: a },
        { name: "b", image: "busybox", securityContext: b },
      ],
    });
    const unconfined = { seccompProfile: { type: "Unconfined" } };
    expect(podSecurityViolations("baseline", two(unconfined, unconfined))).toEqual([
      'seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined")',
    ]);
    expect(
      podSecurityViolations("baseline", two({ seLinuxOptions: { type: "bad_t" } }, { seLinuxOptions: { role: "r" } })),
    ).toEqual([
      'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: type "bad_t"; role may not be set)',
    ]);
    const selinux = two(
      { seLinuxOptions: { type: "bad_t", user: "u" } },
      { seLinuxOptions: { role: "r" } },
      { seLinuxOptions: { type: "x_t" } },
    );
    expect(podSecurityViolations("baseline", selinux)).toEqual([
      'seLinuxOptions (pod and containers "a", "b" set forbidden securityContext.seLinuxOptions: types "bad_t", "x_t"; user may not be set; role may not be set)',
    ]);
    const seccomp = (pod: Record<string, unknown>, a: Record<string, unknown>) =>
      podSecurityViolations(
        "restricted",
        two(pod, { ...hardened, runAsNonRoot: true, ...a }, { ...hardened, runAsNonRoot: true }),
      );
    expect(seccomp(unconfined, unconfined)).toEqual([
      'seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined")',
    ]);
    expect(seccomp({}, unconfined)).toEqual([
      'seccompProfile (container "a" must not set securityContext.seccompProfile.type to "Unconfined")',
    ]);
    expect(seccomp({}, {})).toEqual([
      'seccompProfile (pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
  });

  it("lists restricted's checks after baseline's, without the baseline checks they replace", () => {
    const escaping = spec(
      { hostNetwork: true, volumes: [{ name: "root", hostPath: { path: "/" } }] },
      { privileged: true, capabilities: { add: ["NET_ADMIN"] }, runAsUser: 0 },
    );
    expect(podSecurityViolations("restricted", escaping)).toEqual([
      "host namespaces (hostNetwork=true)",
      'privileged (container "main" must not set securityContext.privileged=true)',
      'allowPrivilegeEscalation != false (container "main" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "main" must set securityContext.capabilities.drop=["ALL"]; container "main" must not include "NET_ADMIN" in securityContext.capabilities.add)',
      'restricted volume types (volume "root" uses restricted volume type "hostPath")',
      'runAsNonRoot != true (pod or container "main" must set securityContext.runAsNonRoot=true)',
      'runAsUser=0 (container "main" must not set runAsUser=0)',
      'seccompProfile (pod or container "main" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
  });

  it("asks at restricted for non-root, no escalation, capabilities dropped, a seccomp profile and plain volumes", () => {
    expect(
      podSecurityViolations("restricted", spec({ volumes: [{ name: "data", nfs: { server: "x", path: "/" } }] })),
    ).toEqual([
      'allowPrivilegeEscalation != false (container "main" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (container "main" must set securityContext.capabilities.drop=["ALL"])',
      'restricted volume types (volume "data" uses restricted volume type "nfs")',
      'runAsNonRoot != true (pod or container "main" must set securityContext.runAsNonRoot=true)',
      'seccompProfile (pod or container "main" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
    const berthPod = spec({ securityContext: { seccompProfile: { type: "RuntimeDefault" } } }, hardened);
    expect(podSecurityViolations("restricted", berthPod)).toEqual([
      'runAsNonRoot != true (pod or container "main" must set securityContext.runAsNonRoot=true)',
    ]);
    expect(
      podSecurityViolations("restricted", {
        ...berthPod,
        securityContext: { seccompProfile: { type: "RuntimeDefault" }, runAsNonRoot: true },
      }),
    ).toEqual([]);
  });
});
