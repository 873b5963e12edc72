/**
 * Pod Security Admission, enforce mode: a pod created in a namespace labelled
 * `pod-security.kubernetes.io/enforce: baseline|restricted` is refused (403 Forbidden) when it
 * breaks that level, with the apiserver's message. The checks imitate
 * k8s.io/pod-security-admission/policy (check_*.go) at the latest version; see sim/README.md.
 * Only `enforce` is implemented (not `audit`/`warn`), only pod creation is checked (pod specs are
 * immutable but for images and tolerations), and the `enforce-version` label is read as "latest".
 */
import type { AdmissionPlugin, KubeObject } from "../contract";
import { statusError } from "../server/errors";
import type { Container, Pod, PodSpec } from "./model";

export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

type SecurityContext = {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  windowsOptions?: { hostProcess?: boolean };
};

// check_capabilities_baseline.go: the capabilities container runtimes grant by default.
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
// check_sysctls.go: the namespaced sysctls considered safe.
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
// check_seLinuxOptions.go: the only types a baseline pod may ask for.
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
// check_restrictedVolumes.go: the volume sources a restricted pod may use.
const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

const quoted = (names: string[]) => names.map((name) => JSON.stringify(name)).join(", ");
const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

function containersOf(spec: PodSpec): Container[] {
  return [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...((spec.ephemeralContainers as Container[] | undefined) ?? []),
  ];
}

const contextOf = (container: Container) => (container.securityContext ?? {}) as SecurityContext;

/** A check's ID (its file name in policy/, e.g. hostPathVolumes) and its message. */
type Violation = [id: string, text: string];

/** Baseline checks a restricted check replaces: capabilities_restricted, restrictedVolumes, seccompProfile_restricted. */
const OVERRIDDEN_AT_RESTRICTED = new Set(["capabilities_baseline", "hostPathVolumes", "seccompProfile_baseline"]);

/** Who sets a forbidden field, as the checks word it: `pod`, `container "a"`, or `pod and container "a"`. */
const setters = (pod: boolean, containers: string | undefined): string =>
  [pod ? "pod" : "", containers ?? ""].filter(Boolean).join(" and ");

/** Containers whose context matches, as `container "a"` / `containers "a", "b"`. */
function offenders(
  spec: PodSpec,
  matches: (context: SecurityContext, container: Container) => boolean,
): string | undefined {
  const names = containersOf(spec)
    .filter((container) => matches(contextOf(container), container))
    .map((container) => container.name);
  return names.length ? `${plural(names.length, "container", "containers")} ${quoted(names)}` : undefined;
}

/** Baseline's checks (check_privileged, hostNamespaces, hostPathVolumes, hostPorts, capabilities_baseline, seccompProfile_baseline, procMount, sysctls, seLinuxOptions, windowsHostProcess). */
function baselineViolations(spec: PodSpec): Violation[] {
  const out: Violation[] = [];
  const pod = (spec.securityContext ?? {}) as SecurityContext & { sysctls?: { name: string }[] };
  const hostProcess = offenders(spec, (context) => context.windowsOptions?.hostProcess === true);
  if (pod.windowsOptions?.hostProcess || hostProcess)
    out.push([
      "windowsHostProcess",
      `hostProcess (${setters(Boolean(pod.windowsOptions?.hostProcess), hostProcess)} must not set securityContext.windowsOptions.hostProcess=true)`,
    ]);
  const hostNamespaces = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((field) => spec[field] === true);
  if (hostNamespaces.length)
    out.push(["hostNamespaces", `host namespaces (${hostNamespaces.map((field) => `${field}=true`).join(", ")})`]);
  const privileged = offenders(spec, (context) => context.privileged === true);
  if (privileged) out.push(["privileged", `privileged (${privileged} must not set securityContext.privileged=true)`]);
  const capabilityNames = new Set<string>();
  const withCapabilities = offenders(spec, (context) => {
    const extra = (context.capabilities?.add ?? []).filter((name) => !BASELINE_CAPABILITIES.has(name));
    extra.forEach((name) => capabilityNames.add(name));
    return extra.length > 0;
  });
  if (withCapabilities)
    out.push([
      "capabilities_baseline",
      `non-default capabilities (${withCapabilities} must not include ${quoted([...capabilityNames])} in securityContext.capabilities.add)`,
    ]);
  const hostPaths = (spec.volumes ?? []).filter((volume) => volume.hostPath !== undefined).map((volume) => volume.name);
  if (hostPaths.length)
    out.push([
      "hostPathVolumes",
      `hostPath volumes (${plural(hostPaths.length, "volume", "volumes")} ${quoted(hostPaths)})`,
    ]);
  const hostPorts = new Set<number>();
  const withHostPorts = offenders(spec, (_, container) => {
    const ports = ((container.ports as { hostPort?: number }[] | undefined) ?? [])
      .map((port) => port.hostPort ?? 0)
      .filter((port) => port !== 0);
    ports.forEach((port) => hostPorts.add(port));
    return ports.length > 0;
  });
  if (withHostPorts)
    out.push([
      "hostPorts",
      `hostPort (${withHostPorts} ${plural(hostPorts.size, "uses hostPort", "use hostPorts")} ${[...hostPorts].join(", ")})`,
    ]);
  // check_seLinuxOptions.go: who sets what, then the forbidden types and whether user or role is set.
  const badTypes = new Set<string>();
  let userSet = false;
  let roleSet = false;
  const badSeLinux = (options: SecurityContext["seLinuxOptions"]) => {
    const badType = !SELINUX_TYPES.has(options?.type ?? "");
    if (badType) badTypes.add(options!.type!);
    if (options?.user) userSet = true;
    if (options?.role) roleSet = true;
    return badType || Boolean(options?.user || options?.role);
  };
  const podSeLinux = badSeLinux(pod.seLinuxOptions);
  const seLinux = offenders(spec, (context) => badSeLinux(context.seLinuxOptions));
  if (podSeLinux || seLinux) {
    const types = [...badTypes].sort();
    const what = [
      types.length ? `${plural(types.length, "type", "types")} ${quoted(types)}` : "",
      userSet ? "user may not be set" : "",
      roleSet ? "role may not be set" : "",
    ].filter(Boolean);
    out.push([
      "seLinuxOptions",
      `seLinuxOptions (${setters(podSeLinux, seLinux)} set forbidden securityContext.seLinuxOptions: ${what.join("; ")})`,
    ]);
  }
  const procMount = offenders(spec, (context) => context.procMount !== undefined && context.procMount !== "Default");
  if (procMount)
    out.push(["procMount", `procMount (${procMount} must not set securityContext.procMount to "Unmasked")`]);
  const unconfined = offenders(spec, (context) => context.seccompProfile?.type === "Unconfined");
  const podUnconfined = pod.seccompProfile?.type === "Unconfined";
  if (podUnconfined || unconfined)
    out.push([
      "seccompProfile_baseline",
      `seccompProfile (${setters(podUnconfined, unconfined)} must not set securityContext.seccompProfile.type to "Unconfined")`,
    ]);
  const sysctls = (pod.sysctls ?? []).map((sysctl) => sysctl.name).filter((name) => !SAFE_SYSCTLS.has(name));
  if (sysctls.length) out.push(["sysctls", `forbidden sysctls (${sysctls.join(", ")})`]);
  return out;
}

/** Restricted's additional checks (check_restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccompProfile_restricted, capabilities_restricted). */
function restrictedViolations(spec: PodSpec): Violation[] {
  const out: Violation[] = [];
  const pod = (spec.securityContext ?? {}) as SecurityContext;
  const restricted = (spec.volumes ?? []).flatMap((volume) => {
    const type = Object.keys(volume).find((key) => key !== "name");
    return type && !RESTRICTED_VOLUMES.has(type)
      ? [`volume ${JSON.stringify(volume.name)} uses restricted volume type ${JSON.stringify(type)}`]
      : [];
  });
  if (restricted.length) out.push(["restrictedVolumes", `restricted volume types (${restricted.join("; ")})`]);
  const escalation = offenders(spec, (context) => context.allowPrivilegeEscalation !== false);
  if (escalation)
    out.push([
      "allowPrivilegeEscalation",
      `allowPrivilegeEscalation != false (${escalation} must set securityContext.allowPrivilegeEscalation=false)`,
    ]);
  const dropAll = offenders(spec, (context) => !(context.capabilities?.drop ?? []).includes("ALL"));
  const added = new Set<string>();
  const extra = offenders(spec, (context) => {
    const names = (context.capabilities?.add ?? []).filter((name) => name !== "NET_BIND_SERVICE");
    names.forEach((name) => added.add(name));
    return names.length > 0;
  });
  if (dropAll || extra) {
    const parts = [
      dropAll && `${dropAll} must set securityContext.capabilities.drop=["ALL"]`,
      extra && `${extra} must not include ${quoted([...added])} in securityContext.capabilities.add`,
    ].filter(Boolean);
    out.push(["capabilities_restricted", `unrestricted capabilities (${parts.join("; ")})`]);
  }
  const nonRoot = offenders(
    spec,
    (context) => context.runAsNonRoot === false || (context.runAsNonRoot === undefined && pod.runAsNonRoot !== true),
  );
  if (pod.runAsNonRoot === false || nonRoot)
    out.push([
      "runAsNonRoot",
      `runAsNonRoot != true (pod or ${nonRoot ?? "containers"} must set securityContext.runAsNonRoot=true)`,
    ]);
  const root = offenders(spec, (context) => context.runAsUser === 0);
  if (pod.runAsUser === 0 || root)
    out.push(["runAsUser", `runAsUser=0 (${setters(pod.runAsUser === 0, root)} must not set runAsUser=0)`]);
  // check_seccompProfile_restricted.go: an explicitly bad type (pod or containers) is named first;
  // only without one are containers left unset by both levels asked to set a profile.
  const allowedSeccomp = (type: string) => type === "RuntimeDefault" || type === "Localhost";
  const podSeccomp = pod.seccompProfile?.type;
  const badValues = new Set<string>();
  const podBad = podSeccomp !== undefined && !allowedSeccomp(podSeccomp);
  if (podBad) badValues.add(podSeccomp);
  const explicit = offenders(spec, (context) => {
    const type = context.seccompProfile?.type;
    if (type === undefined || allowedSeccomp(type)) return false;
    badValues.add(type);
    return true;
  });
  const implicit = offenders(spec, (context) => context.seccompProfile?.type === undefined && podSeccomp === undefined);
  if (podBad || explicit)
    out.push([
      "seccompProfile_restricted",
      `seccompProfile (${setters(podBad, explicit)} must not set securityContext.seccompProfile.type to ${quoted([...badValues].sort())})`,
    ]);
  else if (implicit)
    out.push([
      "seccompProfile_restricted",
      `seccompProfile (pod or ${implicit} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
    ]);
  return out;
}

/** Why a pod spec breaks a Pod Security level, in the apiserver's words; empty when it complies. */
export function podSecurityViolations(level: PodSecurityLevel, spec: PodSpec): string[] {
  if (level === "privileged") return [];
  // As pod-security-admission's registry: each level's checks by ID, baseline's first; at restricted
  // the checks that replace a baseline check (overrides) drop it.
  const byId = (a: Violation, b: Violation) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const baseline = baselineViolations(spec).sort(byId);
  if (level === "baseline") return baseline.map(([, text]) => text);
  const restricted = restrictedViolations(spec).sort(byId);
  return [...baseline.filter(([id]) => !OVERRIDDEN_AT_RESTRICTED.has(id)), ...restricted].map(([, text]) => text);
}

function levelOf(namespace: KubeObject | undefined): PodSecurityLevel | undefined {
  const value = namespace?.metadata?.labels?.[ENFORCE_LABEL];
  return value === "privileged" || value === "baseline" || value === "restricted" ? value : undefined;
}

/** The PodSecurity admission plugin in enforce mode, for pod creation in labelled namespaces. */
export const podSecurityPlugin: AdmissionPlugin = {
  name: "PodSecurity",
  admit(attrs, store) {
    if (
      attrs.operation !== "CREATE" ||
      attrs.resource !== "pods" ||
      attrs.subresource ||
      !attrs.object ||
      !attrs.namespace
    )
      return;
    const level = levelOf(store.get("namespaces", undefined, attrs.namespace));
    if (!level) return;
    const pod = attrs.object as Pod;
    const violations = podSecurityViolations(level, pod.spec ?? { containers: [] });
    if (!violations.length) return;
    const name = pod.metadata?.name ?? "";
    throw statusError(
      403,
      "Forbidden",
      `pods ${JSON.stringify(name)} is forbidden: violates PodSecurity "${level}:latest": ${violations.join(", ")}`,
      { name, kind: "pods" },
    );
  },
};
