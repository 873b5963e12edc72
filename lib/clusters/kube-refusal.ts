import { DomainError } from "@/lib/actions/result";
import { describeKubeError } from "@/lib/kube/errors";

const STATUSES = [403, 404, 409, 422, 502, 503] as const;

/** A Kubernetes failure as the DomainError Berth answers with: plain words, never a stack trace. */
export function kubeRefusal(error: unknown, doing: string): DomainError {
  const failure = describeKubeError(error);
  const status = STATUSES.find((candidate) => candidate === failure.status) ?? 502;
  return new DomainError(status, `Could not ${doing}: ${failure.message}`);
}
