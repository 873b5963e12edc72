import type { Metadata } from "next";

import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/session";
import { dashboardSnapshot } from "@/lib/dashboard/service";

import { LiveDashboard } from "./_dashboard/live-dashboard";
import { forFirstPaint } from "./_dashboard/view-model";
import { WaitingRunsCard } from "./_dashboard/waiting-runs-card";

export const metadata: Metadata = { title: "Dashboard" };
// Live figures: never prerendered or cached.
export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  const actor = await requireActor();
  // The first paint carries the aggregated snapshot (counts, capped lists), never the pods themselves.
  const snapshot = await dashboardSnapshot(actor);
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="What runs on every attached cluster, whose it is, how much GPU is taken and used, and how close each namespace is to its quota."
      />
      <LiveDashboard initial={forFirstPaint(snapshot)} />
      <WaitingRunsCard actor={actor} />
    </>
  );
}
