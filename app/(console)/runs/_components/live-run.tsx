"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";

import { EventsTable } from "@/components/kube/events-table";
import { useEventSource } from "@/components/live/use-event-source";
import type { ObjectActionResult } from "@/components/objects/types";
import { formatClock, formatSpan } from "@/components/runs/format";
import { RunEffectiveConfig } from "@/components/runs/run-effective-config";
import { RunLogs } from "@/components/runs/run-logs";
import { RunPods, type RunPodView } from "@/components/runs/run-pods";
import { isFinalStatus, RunStatusBadge } from "@/components/runs/run-status-badge";
import { RunTimeline } from "@/components/runs/run-timeline";
import { patchRun } from "@/components/runs/runs-cache";
import { activityLabel } from "@/components/runs/runs-table";
import { StaleBanner, type ClusterWatch } from "@/components/runs/stale-banner";
import { useNow } from "@/components/runs/use-now";
import { WhyCallout } from "@/components/runs/why-callout";
import { Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Facts, none } from "@/components/ui/facts";
import { PageHeader } from "@/components/ui/page-header";
import type { EventSummary, PodDescription, RunChange } from "@/lib/runs/live";
import type { RunView } from "@/lib/runs/schema";

import { SimulatedNotice } from "./simulated-notice";

const SPARK_ROLE_LABEL = "spark-role";

const withRole = (pods: PodDescription[]): RunPodView[] =>
  pods.map((pod) => ({ ...pod, role: pod.labels[SPARK_ROLE_LABEL] ?? null }));

/** Every pod's events in one list, newest first. */
function podEvents(pods: PodDescription[]): EventSummary[] {
  return pods.flatMap((pod) => pod.events).sort((a, b) => (b.lastSeen ?? "").localeCompare(a.lastSeen ?? ""));
}

async function fetchRun(id: string): Promise<RunView> {
  const response = await fetch(`/api/v1/runs/${id}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`run ${id}: ${response.status}`);
  return (await response.json()) as RunView;
}

/**
 * A run's page, kept current by its stream: status and why from `run` events (the whole run is
 * re-read when its status changes, for the timeline), pods with containers and events from `pods`
 * events, "stale since" from `cluster` events. Nothing polls.
 */
export function LiveRun({
  initialRun,
  initialPods,
  keptEvents,
  initialWatch,
  abort,
  mayRunAgain = false,
  simulated = false,
}: {
  initialRun: RunView;
  initialPods: PodDescription[];
  keptEvents: EventSummary[];
  initialWatch: ClusterWatch | null;
  /** The bound abort action, when the viewer may abort this run. */
  abort?: () => Promise<ObjectActionResult>;
  /** Whether the viewer may run work in the run's project ("Run again"). */
  mayRunAgain?: boolean;
  /** Whether the run's cluster only simulates containers (said once, above the run). */
  simulated?: boolean;
}) {
  const queryClient = useQueryClient();
  const queryKey = useMemo(() => ["runs", "detail", initialRun.id], [initialRun.id]);
  const { data: run } = useQuery({
    queryKey,
    queryFn: () => fetchRun(initialRun.id),
    initialData: initialRun,
    staleTime: Infinity,
  });
  const [pods, setPods] = useState<PodDescription[]>(initialPods);
  const [watch, setWatch] = useState<ClusterWatch | null>(initialWatch);
  const now = useNow();

  useEventSource(
    `/api/stream/runs/${initialRun.id}`,
    {
      run: (data) => {
        const change = data as RunChange;
        const current = queryClient.getQueryData<RunView>(queryKey) ?? initialRun;
        queryClient.setQueryData(queryKey, patchRun(current, change));
        // The timeline and times come with the whole run.
        if (change.status !== current.status) void queryClient.invalidateQueries({ queryKey });
      },
      pods: (data) => setPods((data as { pods: PodDescription[] }).pods),
      cluster: (data) => setWatch(data as ClusterWatch),
    },
    { onReconnect: () => void queryClient.invalidateQueries({ queryKey }) },
  );

  const final = isFinalStatus(run.status);
  const events = pods.length > 0 ? podEvents(pods) : keptEvents;
  // Every pod the run had (executors end before the run is over), for the log's pod choice.
  const podNames = [...new Set([...run.pods, ...pods.map((pod) => pod.name)])];
  const docker = run.workload === "docker-container";
  const spark = run.workload !== "pod" && !docker;
  const ranUntil = run.finishedAt ? Date.parse(run.finishedAt) : now;
  const facts: [string, React.ReactNode][] = [
    ["Name", run.name],
    ...(run.object
      ? ([
          [
            "Object",
            <span key="o" className="font-mono">
              {run.object}
            </span>,
          ],
        ] as [string, React.ReactNode][])
      : []),
    [
      "Project",
      <Link key="p" href={`/projects/${encodeURIComponent(run.project)}`} className="text-brand-600 hover:underline">
        {run.project}
      </Link>,
    ],
    ["Activity", activityLabel(run.activity)],
    ["Submitted by", run.user],
    ["Submitted", formatClock(run.createdAt)],
    ["Started", run.startedAt ? formatClock(run.startedAt) : none],
    ["Finished", run.finishedAt ? formatClock(run.finishedAt) : none],
    ["Ran for", run.startedAt && ranUntil !== null ? formatSpan(ranUntil - Date.parse(run.startedAt)) : none],
    ["GPUs", String(run.gpus)],
    [
      "Exit code",
      run.exitCode !== undefined ? (
        <span key="x" className={run.exitCode === 0 ? "" : "font-semibold text-red-700"}>
          {run.exitCode}
        </span>
      ) : (
        none
      ),
    ],
    [
      "Workload",
      docker
        ? `container on Docker host ${run.dockerHost}`
        : run.workload === "pod"
          ? "pod"
          : run.workload === "spark-application"
            ? "SparkApplication (driver + executors)"
            : "Spark driver pod (client mode) + executors",
    ],
  ];
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span>
              {run.name} <span className="font-mono text-base font-normal text-slate-500">run {run.id}</span>
            </span>
            <span role="status" aria-label="Run status">
              <RunStatusBadge status={run.status} />
            </span>
          </span>
        }
        description={`${activityLabel(run.activity)} in project ${run.project}, submitted by ${run.user} on ${docker ? `Docker host ${run.dockerHost}` : run.cluster}.`}
        actions={
          <>
            <Link href="/runs" className="self-center text-sm font-medium text-brand-600 hover:underline">
              All runs
            </Link>
            {mayRunAgain && (
              <Link
                href={`/runs/new?from=${encodeURIComponent(run.id)}`}
                className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50"
              >
                Run again
              </Link>
            )}
            {abort && !final && (
              <ConfirmButton
                label="Abort run"
                size="md"
                title={`Abort run ${run.id}?`}
                confirmLabel="Abort run"
                onConfirm={abort}
              >
                {docker ? (
                  `Kills and removes the run's container on Docker host ${run.dockerHost}.`
                ) : (
                  <>
                    Deletes the run&apos;s pods{spark ? ", its Spark objects and its service account" : ""} on{" "}
                    {run.cluster}.
                  </>
                )}{" "}
                The status becomes aborted; the log so far and the events are kept.
              </ConfirmButton>
            )}
          </>
        }
      />
      <div className="space-y-6">
        {!docker && <StaleBanner cluster={run.cluster} watch={watch} />}
        {simulated && !docker && <SimulatedNotice cluster={run.cluster} />}
        <WhyCallout status={run.status} reason={run.reason ?? null} exitCode={run.exitCode ?? null} />
        {run.warnings.length > 0 && (
          <section
            aria-label="Warnings"
            className="rounded-lg border border-amber-200 bg-amber-50 px-5 py-3 text-sm text-amber-900"
          >
            <p className="text-xs font-semibold uppercase tracking-wide opacity-70">Warnings</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              {run.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          </section>
        )}
        <Card title="Timeline">
          <RunTimeline timeline={run.timeline} status={run.status} now={now} />
        </Card>
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title="Run">
            <Facts items={facts} />
            {(run.command || run.script || run.env) && (
              <div className="mt-4 space-y-2 border-t border-slate-100 pt-4">
                {run.command && (
                  <p className="text-sm">
                    <span className="text-slate-500">Command </span>
                    <code aria-label="Command" className="break-all font-mono text-xs">
                      {run.command.map((arg) => (/[\s'"]/.test(arg) ? JSON.stringify(arg) : arg)).join(" ")}
                    </code>
                  </p>
                )}
                {run.script && (
                  <pre
                    aria-label="Script"
                    className="max-h-48 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800"
                  >
                    {run.script}
                  </pre>
                )}
                {run.env && (
                  <p className="text-sm">
                    <span className="text-slate-500">Environment </span>
                    <code className="break-all font-mono text-xs">
                      {Object.entries(run.env)
                        .map(([name, value]) => `${name}=${value}`)
                        .join(" ")}
                    </code>
                  </p>
                )}
              </div>
            )}
          </Card>
          <Card
            title="Effective configuration"
            description="What the run got and where each value came from, as resolved at submit."
          >
            <RunEffectiveConfig run={run} />
          </Card>
        </div>
        {docker ? (
          <Card title="Container" description={`On Docker host ${run.dockerHost}, as its engine reports it.`}>
            {run.containers?.length ? (
              <ul aria-label="Containers" className="space-y-1 font-mono text-xs">
                {run.containers.map((id) => (
                  <li key={id} title={id}>
                    {id.slice(0, 12)}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">No container yet.</p>
            )}
          </Card>
        ) : (
          <Card
            title={spark ? "Pods: driver and executors" : "Pod"}
            description={final ? "As the cluster last reported them." : "Live from the cluster."}
          >
            <RunPods pods={withRole(pods)} gone={podNames.filter((name) => !pods.some((pod) => pod.name === name))} />
          </Card>
        )}
        <Card
          title="Log"
          description={
            spark
              ? "Driver and executors merged in time order, each line prefixed with its pod; pick one pod to read it alone."
              : final
                ? "The run's output (kept after its pod is removed)."
                : "Streamed live as the run writes it."
          }
        >
          <RunLogs
            runId={run.id}
            pods={podNames}
            live={!final}
            prefixed={spark}
            change={`${run.status}:${(docker ? (run.containers ?? []) : podNames).join(",")}`}
          />
        </Card>
        <Card title="Events">
          {events.length ? (
            <EventsTable events={events} formatTime={formatClock} />
          ) : (
            <p className="text-sm text-slate-500">No events.</p>
          )}
        </Card>
      </div>
    </>
  );
}
