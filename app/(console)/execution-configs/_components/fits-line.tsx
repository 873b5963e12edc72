import { Badge } from "@/components/ui/badge";
import { DomainError } from "@/lib/actions/result";
import { executionConfigFits } from "@/lib/execution-configs/cluster-actions";
import type { ExecutionConfigRow } from "@/lib/execution-configs/queries";
import type { Actor } from "@/lib/permissions";

/** Per cluster: how many of the config's pods fit now (read live, so rendered inside Suspense). */
export async function FitsLine({ row, actor }: { row: ExecutionConfigRow; actor: Actor }) {
  let fits;
  try {
    fits = await executionConfigFits(row, actor);
  } catch (error) {
    if (error instanceof DomainError) return <p className="text-sm text-red-700">{error.message}</p>;
    throw error;
  }
  if (fits.length === 0)
    return (
      <p className="text-sm text-slate-500">
        No cluster selected: set the config&apos;s cluster or the instance&apos;s default cluster.
      </p>
    );
  return (
    <ul aria-label="Fits" className="space-y-2">
      {fits.map((fit) => (
        <li key={fit.cluster} className="flex flex-wrap items-baseline gap-2 text-sm">
          <span className="font-medium text-slate-900">{fit.cluster}</span>
          <Badge tone={!fit.reachable ? "red" : fit.fits > 0 ? "green" : "amber"}>
            {fit.reachable ? `fits ${fit.fits}×` : "unreachable"}
          </Badge>
          {/* The badge already says "fits N×"; the rest of the reason explains it. */}
          <span className="text-slate-600">{fit.reason.replace(/^fits \d+×: /, "")}</span>
          <span className="text-xs text-slate-400">namespace {fit.namespace}</span>
        </li>
      ))}
    </ul>
  );
}
