import Link from "next/link";

import { RefreshOnRunChange } from "@/components/runs/refresh-on-run-change";
import { WaitingRunsTable } from "@/components/runs/waiting-runs-table";
import { Card } from "@/components/ui/card";
import type { Actor } from "@/lib/permissions";
import { listWaitingRuns } from "@/lib/runs/queue";

const SHOWN = 10;

/**
 * Runs that have not started (queued in Berth or pending on a cluster) with why, beside the
 * clusters' pending pods: a queued run has no pod yet, so the pod lists alone would not show it.
 */
export function WaitingRunsCard({ actor }: { actor: Actor }) {
  const runs = listWaitingRuns(actor, SHOWN + 1);
  if (runs.length === 0) return null;
  return (
    <Card
      title="Waiting runs"
      description="Queued and pending runs of the projects you may read, oldest first, with why they wait."
      className="mt-6"
    >
      <RefreshOnRunChange />
      <WaitingRunsTable runs={runs.slice(0, SHOWN)} label="Waiting runs" />
      <Link href="/runs/queue" className="mt-3 inline-block text-sm font-medium text-brand-600 hover:underline">
        {runs.length > SHOWN ? "The whole queue" : "Open the queue"}
      </Link>
    </Card>
  );
}
