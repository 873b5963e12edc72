import "server-only";

import { DomainError } from "@/lib/actions/result";
import { loadKubeconfig } from "@/lib/kube/client";
import { isKubeCallError } from "@/lib/kube/errors";
import { instanceKubeconfigPolicy } from "@/lib/settings/kubeconfig-policy";

/**
 * The context and server a kubeconfig text connects through, checked against the allow-list and
 * the instance's kubeconfig settings as they are now. Nothing in it is run or read here.
 */
export function resolveConnection(
  kubeconfig: string,
  context: string | undefined,
): { context: string; server: string } {
  try {
    const config = loadKubeconfig(kubeconfig, context, instanceKubeconfigPolicy());
    return { context: config.getCurrentContext(), server: config.getCurrentCluster()!.server };
  } catch (error) {
    if (isKubeCallError(error, "kubeconfig") && error.problems.length) {
      throw new DomainError(422, "The kubeconfig uses fields Berth does not allow", {
        kubeconfig: error.problems.map((problem) => problem.message),
      });
    }
    const message = error instanceof Error ? error.message : "The kubeconfig cannot be used";
    throw new DomainError(422, message, { [/context/i.test(message) ? "context" : "kubeconfig"]: [message] });
  }
}
