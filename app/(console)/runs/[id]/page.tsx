import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ClusterWatch } from "@/components/runs/stale-banner";
import { requireActor } from "@/lib/auth/session";
import { findCluster } from "@/lib/clusters/queries";
import { isSimulatedCluster } from "@/lib/clusters/simulated";
import { can } from "@/lib/permissions";
import { describePod, type EventSummary } from "@/lib/kube/pods";
import { mayAbortRun } from "@/lib/runs/access";
import { findVisibleRun } from "@/lib/runs/queries";
import { clusterWatchStatus, runPods } from "@/lib/runs/reconciler";
import { isFinalRunStatus } from "@/lib/runs/status";
import { toRunView } from "@/lib/runs/views";
import { abortRunAction } from "../actions";
import { LiveRun } from "../_components/live-run";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Run ${(await params).id}` };
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const row = findVisibleRun(actor, (await params).id);
  if (!row) notFound();
  const status = row.clusterId === null || isFinalRunStatus(row.status) ? null : clusterWatchStatus(row.clusterId);
  const watch: ClusterWatch | null = status && row.clusterId !== null ? { clusterId: row.clusterId, stale: status.stale, staleSince: status.staleSince, error: status.error } : null;
  // The stream sends pods with their events at once; this first render shows what the informer holds.
  const pods = runPods(row.id).map((pod) => describePod(pod, []));
  const cluster = row.clusterId === null ? undefined : findCluster(row.clusterId);
  return (
    <LiveRun
      initialRun={toRunView(row)}
      initialPods={pods}
      keptEvents={(row.events ?? []) as unknown as EventSummary[]}
      initialWatch={watch}
      abort={mayAbortRun(actor, row) && !isFinalRunStatus(row.status) ? abortRunAction.bind(null, row.id) : undefined}
      mayRunAgain={row.projectId !== null && can(actor, "projects.contribute", { project: row.projectId })}
      simulated={cluster ? isSimulatedCluster(cluster) : false}
    />
  );
}
