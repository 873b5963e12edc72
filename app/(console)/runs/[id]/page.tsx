import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { requireActor } from "@/lib/auth/session";
import { findCluster } from "@/lib/clusters/queries";
import { isSimulatedCluster } from "@/lib/clusters/simulated";
import { can } from "@/lib/permissions";
import { mayAbortRun } from "@/lib/runs/access";
import { runPageSnapshot } from "@/lib/runs/live";
import { findVisibleRun } from "@/lib/runs/queries";
import { isFinalRunStatus } from "@/lib/runs/status";

import { LiveRun } from "../_components/live-run";
import { abortRunAction } from "../actions";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Run ${(await params).id}` };
}

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const row = findVisibleRun(actor, (await params).id);
  if (!row) notFound();
  // The stream sends pods with their events at once; this first render shows what the informer holds.
  const snapshot = runPageSnapshot(row);
  const cluster = row.clusterId === null ? undefined : findCluster(row.clusterId);
  return (
    <LiveRun
      initialRun={snapshot.run}
      initialPods={snapshot.pods}
      keptEvents={snapshot.keptEvents}
      initialWatch={snapshot.watch}
      abort={mayAbortRun(actor, row) && !isFinalRunStatus(row.status) ? abortRunAction.bind(null, row.id) : undefined}
      mayRunAgain={row.projectId !== null && can(actor, "projects.contribute", { project: row.projectId })}
      simulated={cluster ? isSimulatedCluster(cluster) : false}
    />
  );
}
