/** Pure: why a cluster refused a build's pod, in words that say what to change. */
import { formatQuotaRefusal } from "@/lib/kube/quota-refusal";

const SERVICE_ACCOUNT_MISSING = /error looking up service account ([^:\s]+): serviceaccount "([^"]+)" not found/;

/**
 * True for a refusal that usually heals by itself: a new namespace's `default` ServiceAccount is
 * created by the controller manager moments after the namespace, and the Job controller retries.
 */
export function isTransientRefusal(message: string): boolean {
  return SERVICE_ACCOUNT_MISSING.test(message);
}

/**
 * The reason a build failed when the Job controller could not create its pod, from the apiserver's
 * refusal (the `FailedCreate` event's text): the quota by name and what it lacks, the Pod Security
 * level and what it forbids, or the missing service account, each with what to change.
 */
export function buildRefusalReason(message: string, namespace: string, executor: "kaniko" | "buildkit"): string {
  const refusal = message.replace(/^(?:Error creating: )?pods? "[^"]*" is forbidden: /, "").trim();
  if (/failed quota: |exceeded quota: |status unknown for quota: /.test(refusal)) {
    const words = formatQuotaRefusal(refusal, namespace);
    const hint = /must specify/.test(refusal)
      ? "set the missing requests or limits in the build settings (Settings › Image builds)"
      : "lower the build's requests in the build settings (Settings › Image builds), or raise the quota";
    return `The cluster refused the build pod. ${words} — ${hint}.`;
  }
  const podSecurity = /violates PodSecurity "([a-z]+):[^"]*": (.*)$/s.exec(refusal);
  if (podSecurity) {
    const hint =
      executor === "buildkit"
        ? `rootless BuildKit needs Pod Security "privileged" (it runs with seccomp and AppArmor unconfined): label namespace ${namespace} pod-security.kubernetes.io/enforce=privileged, choose another build namespace, or build with Kaniko`
        : `Kaniko needs Pod Security "baseline": label namespace ${namespace} pod-security.kubernetes.io/enforce=baseline, or choose another build namespace`;
    return `The cluster refused the build pod: Pod Security "${podSecurity[1]}" of namespace ${namespace} refuses ${podSecurity[2]} — ${hint}.`;
  }
  const serviceAccount = SERVICE_ACCOUNT_MISSING.exec(refusal);
  if (serviceAccount)
    return `The cluster refused the build pod: service account "${serviceAccount[2]}" does not exist in namespace ${namespace}.`;
  return `The cluster refused the build pod: ${refusal || "no reason given"}.`;
}
