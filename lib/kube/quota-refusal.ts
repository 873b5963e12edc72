/** Pure: a ResourceQuota refusal from the API server (the resourcequota admission plugin of k8s.io/apiserver) in plain words. */

interface QuotaFigures {
  resource: string;
  requested: string;
  used: string;
  limited: string;
}

function quotaPairs(list: string): Map<string, string> {
  return new Map(
    list
      .split(",")
      .map((pair) => pair.trim().split("="))
      .filter((pair) => pair.length === 2)
      .map(([key, value]) => [key, value]),
  );
}

/**
 * The apiserver's quota refusal in words with its numbers:
 * `exceeded quota: team-q, requested: requests.nvidia.com/gpu=8, used: …=4, limited: …=8` →
 * "Over the quota team-q of namespace ml: requests.nvidia.com/gpu: asks 8, 4 in use, limit 8".
 * Other texts (e.g. "must specify …") come back unchanged after "Refused by the namespace quota".
 */
export function formatQuotaRefusal(message: string, namespace?: string): string {
  const where = namespace ? ` of namespace ${namespace}` : "";
  const exceeded = /exceeded quota: ([^,]+), requested: (.*?), used: (.*?), limited: (.*)$/s.exec(message);
  if (!exceeded) {
    const failed = /failed quota: ([^:]+): (.*)$/s.exec(message);
    if (failed) return `Refused by the quota ${failed[1]}${where}: ${failed[2]}`;
    return `Refused by the namespace quota${where}: ${message.replace(/^Refused by the namespace quota:\s*/, "")}`;
  }
  const [, quota, requestedList, usedList, limitedList] = exceeded;
  const requested = quotaPairs(requestedList);
  const used = quotaPairs(usedList);
  const limited = quotaPairs(limitedList);
  const figures: QuotaFigures[] = [...requested.entries()].map(([resource, amount]) => ({
    resource,
    requested: amount,
    used: used.get(resource) ?? "0",
    limited: limited.get(resource) ?? "?",
  }));
  const parts = figures.map(
    (figure) => `${figure.resource}: asks ${figure.requested}, ${figure.used} in use, limit ${figure.limited}`,
  );
  return `Over the quota ${quota.trim()}${where}: ${parts.join("; ")}`;
}
