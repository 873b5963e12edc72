import "server-only";
import { DomainError } from "@/lib/actions/result";
import { loadKubeconfig } from "@/lib/kube/client";

/** The context and server a kubeconfig text connects through, checked by client-node itself. */
export function resolveConnection(kubeconfig: string, context: string | undefined): { context: string; server: string } {
  try {
    const config = loadKubeconfig(kubeconfig, context);
    return { context: config.getCurrentContext(), server: config.getCurrentCluster()!.server };
  } catch (error) {
    const message = error instanceof Error ? error.message : "The kubeconfig cannot be used";
    throw new DomainError(422, message, { [/context/i.test(message) ? "context" : "kubeconfig"]: [message] });
  }
}
