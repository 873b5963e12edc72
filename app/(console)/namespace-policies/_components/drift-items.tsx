import type { DriftItem } from "@/lib/namespace-policies/schema";

function describe(item: DriftItem): string {
  const what = item.key ? `${item.object} ${item.key}` : item.object;
  switch (item.kind) {
    case "missing-object":
      return `${item.object} missing`;
    case "extra-object":
      return `${item.object} present but no longer in the policy`;
    case "missing":
      return `${what}: missing (policy: ${item.expected})`;
    case "different":
      return `${what}: ${item.actual} in the cluster, policy says ${item.expected}`;
    case "extra":
      return `${what}: ${item.actual} in the cluster, not in the policy`;
  }
}

/** Differences between a policy and a namespace, one per line. */
export function DriftItems({ items, empty }: { items: DriftItem[]; empty: string }) {
  if (items.length === 0) return <span className="text-slate-500">{empty}</span>;
  return (
    <ul className="space-y-0.5 text-xs">
      {items.map((item) => (
        <li key={`${item.object}:${item.kind}:${item.key ?? ""}`}>{describe(item)}</li>
      ))}
    </ul>
  );
}
