import type { Metadata } from "next";
import Link from "next/link";

import { RefreshOnRunChange } from "@/components/runs/refresh-on-run-change";
import { WaitingRunsTable } from "@/components/runs/waiting-runs-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/session";
import { listWaitingRuns } from "@/lib/runs/queue";

export const metadata: Metadata = { title: "Queue" };
export const dynamic = "force-dynamic";

export default async function QueuePage() {
  const actor = await requireActor();
  const runs = listWaitingRuns(actor);
  return (
    <>
      <PageHeader
        title="Queue"
        description="Runs that have not started yet, across the projects you may read, oldest first: queued in Berth (for example over a namespace quota) or pending on their cluster, with why. The place counts every waiting run of the cluster."
        actions={
          <Link href="/runs" className="text-sm font-medium text-brand-600 hover:underline">
            All runs
          </Link>
        }
      />
      <RefreshOnRunChange />
      {runs.length === 0 ? (
        <EmptyState title="Nothing is waiting">Every run you may see has started or finished.</EmptyState>
      ) : (
        <WaitingRunsTable runs={runs} label="Waiting runs" />
      )}
    </>
  );
}
