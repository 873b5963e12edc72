"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";

import { SubHeading } from "./gpu-panel";
import { clusterSettingsHref, podHref } from "./links";
import type { UtilizationView } from "./types";

const UtilizationArea = dynamic(() => import("./charts").then((charts) => charts.UtilizationArea), {
  ssr: false,
  loading: () => <p className="text-xs text-slate-500">Drawing the chart…</p>,
});

/**
 * Prometheus has no watch: this is the one part of the dashboard the browser refreshes on an
 * interval, and it asks Berth (which asks Prometheus), never Kubernetes. Every 15 s keeps the
 * "now" figures and an outage current at the cost of six small queries per refresh.
 */
const REFRESH_MS = 15_000;
/** Pods listed with their utilization now, busiest holders first. */
const POD_ROWS = 8;
const timeOfDay = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

async function fetchUtilization(cluster: string): Promise<UtilizationView> {
  const response = await fetch(`/api/v1/dashboard/gpu-utilization?cluster=${encodeURIComponent(cluster)}`, {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(`Berth answered ${response.status}`);
  return (await response.json()) as UtilizationView;
}

export function UtilizationBlock({
  clusterId,
  cluster,
  prometheus,
}: {
  clusterId: number;
  cluster: string;
  prometheus: boolean;
}) {
  const { data, error, isPending } = useQuery({
    queryKey: ["dashboard", "utilization", cluster],
    queryFn: () => fetchUtilization(cluster),
    enabled: prometheus,
    refetchInterval: REFRESH_MS,
    staleTime: REFRESH_MS / 2,
  });
  const heading = <SubHeading>Utilization, last hour</SubHeading>;

  if (!prometheus || data?.status === "unconfigured") {
    return (
      <div role="group" aria-label={`${cluster} GPU utilization`} className="space-y-1">
        {heading}
        <p className="text-sm text-slate-600">
          Utilization needs a Prometheus URL —{" "}
          <Link href={clusterSettingsHref(clusterId)} className="text-brand-700 hover:underline">
            set it on the cluster&apos;s Settings tab
          </Link>
          .
        </p>
      </div>
    );
  }
  if (error || data?.status === "unavailable") {
    return (
      <div role="group" aria-label={`${cluster} GPU utilization`} className="space-y-1">
        {heading}
        <p role="status" className="text-sm text-amber-800">
          Utilization unavailable: {error ? error.message : data?.status === "unavailable" ? data.message : ""}
        </p>
        <p className="text-xs text-slate-500">The allocation above does not depend on Prometheus and stays current.</p>
      </div>
    );
  }
  if (isPending || !data) {
    return (
      <div role="group" aria-label={`${cluster} GPU utilization`} className="space-y-1">
        {heading}
        <p className="text-sm text-slate-500">Asking Prometheus…</p>
      </div>
    );
  }
  const points = data.points.map((point) => ({ ...point, label: timeOfDay.format(new Date(point.time)) }));
  return (
    <div role="group" aria-label={`${cluster} GPU utilization`} className="space-y-2">
      {heading}
      <div
        className="h-40"
        role="img"
        aria-label={`Average utilization of ${cluster}'s allocated GPUs over the last hour`}
      >
        <UtilizationArea points={points} />
      </div>
      {data.gpusHeld > 0 && (
        <p className="text-xs text-slate-500">
          {data.gpusHeld} physical GPU{data.gpusHeld === 1 ? "" : "s"} held by pods (a time-sliced GPU counts once)
        </p>
      )}
      {data.projects.length > 0 && (
        <ul
          aria-label={`${cluster} GPU utilization by project`}
          className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600"
        >
          {data.projects.map((project) => (
            <li key={project.project}>
              <span className="font-medium text-slate-800">{project.project}</span> {project.utilization.toFixed(0)} %
              of {project.gpus} GPU{project.gpus === 1 ? "" : "s"}
            </li>
          ))}
        </ul>
      )}
      {data.pods.length > 0 && (
        <table aria-label={`${cluster} GPU utilization by pod`} className="w-full text-xs">
          <thead>
            <tr className="text-left text-slate-500">
              <th className="py-1 font-medium">Pod</th>
              <th className="py-1 text-right font-medium">GPUs</th>
              <th className="py-1 text-right font-medium">Utilization</th>
              <th className="py-1 text-right font-medium">Memory</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {[...data.pods]
              .sort((a, b) => b.gpus - a.gpus || a.utilization - b.utilization)
              .slice(0, POD_ROWS)
              .map((pod) => (
                <tr key={`${pod.namespace}/${pod.name}`}>
                  <td className="py-1">
                    <Link href={podHref(clusterId, pod)} className="text-brand-700 hover:underline">
                      {pod.namespace}/{pod.name}
                    </Link>
                  </td>
                  <td className="py-1 text-right tabular-nums">
                    {pod.gpus}
                    {pod.sharedGpus > 0 && (
                      <span
                        className="ml-1 text-slate-500"
                        title="Time-sliced with other pods: utilization is the whole device's"
                      >
                        ({pod.sharedGpus} shared)
                      </span>
                    )}
                  </td>
                  <td className="py-1 text-right tabular-nums">{pod.utilization.toFixed(0)} %</td>
                  <td className="py-1 text-right tabular-nums">{(pod.memoryUsedMiB / 1024).toFixed(1)} GiB</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {data.pods.length > POD_ROWS && (
        <p className="text-xs text-slate-500">and {data.pods.length - POD_ROWS} more pods holding GPUs</p>
      )}
      {data.idle.length > 0 && (
        <ul aria-label={`${cluster} idle GPUs`} className="space-y-1 text-xs">
          {data.idle.map((pod) => (
            <li key={`${pod.namespace}/${pod.name}`} className="flex items-center gap-2">
              <span className="rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-800">idle GPU</span>
              <Link href={podHref(clusterId, pod)} className="text-brand-700 hover:underline">
                {pod.namespace}/{pod.name}
              </Link>
              <span className="text-slate-500">
                {pod.gpus} GPU at {pod.utilization.toFixed(1)} % for 30 min{pod.project ? ` · ${pod.project}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
