"use client";

import Link from "next/link";
import { useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { NOT_FROM_BERTH } from "@/lib/dashboard/aggregate";
import { formatDateTime } from "@/lib/format";

import { Stat } from "./cluster-section";
import type { DockerHostDashboard } from "./types";
import { cpusOf, formatCount, readableBytes } from "./view-model";

type Grouping = "byProject" | "byUser";
const GROUPING_LABELS: Record<Grouping, string> = { byProject: "Project", byUser: "User" };
/** Containers listed by name; the count says how many more run. */
const LIST_ROWS = 10;

/** A limit as read: "none" when the container was created without one (it may use the whole host). */
function limit(value: number, read: (value: number) => string): string {
  return value > 0 ? read(value) : "none";
}

function HostState({ host }: { host: DockerHostDashboard }) {
  if (host.stale)
    return <Badge tone="amber">stale{host.staleSince ? ` since ${formatDateTime(host.staleSince)}` : ""}</Badge>;
  if (!host.reachable) return <Badge tone="red">unreachable</Badge>;
  if (!host.synced) return <Badge tone="gray">syncing…</Badge>;
  return <Badge tone="green">reachable{host.engineVersion ? ` · engine ${host.engineVersion}` : ""}</Badge>;
}

/** What the dashboard shows of one Docker host: its state, running containers by project or user, and their limits. */
export function DockerHostSection({ host }: { host: DockerHostDashboard }) {
  const [grouping, setGrouping] = useState<Grouping>("byProject");
  const rows = host[grouping];
  const shown = host.containers.slice(0, LIST_ROWS);
  const more = host.runningContainers - shown.length;
  const capacity = (value: string | null) => (value ? ` of ${value}` : "");
  return (
    <section aria-labelledby={`docker-host-${host.id}`} className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id={`docker-host-${host.id}`} className="text-lg font-semibold text-slate-900">
          Docker host {host.name}
        </h2>
        <span role="status" aria-label={`${host.name} state`}>
          <HostState host={host} />
        </span>
        <Link href={`/docker-hosts/${host.id}`} className="text-xs text-brand-700 hover:underline">
          Host details
        </Link>
      </div>
      {host.error && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {host.error}
        </p>
      )}
      <dl aria-label={`${host.name} counts`} className="grid grid-cols-2 gap-3 md:grid-cols-3">
        <Stat label="Running containers" value={host.runningContainers} />
        <Stat
          label="CPU limits"
          value={`${cpusOf(host.nanoCpus)}${capacity(host.cpus !== null ? formatCount(host.cpus) : null)}`}
        />
        <Stat
          label="Memory limits"
          value={`${readableBytes(host.memoryBytes)}${capacity(host.totalMemoryBytes ? readableBytes(host.totalMemoryBytes) : null)}`}
        />
      </dl>
      <Card
        title="Running containers"
        description="By Berth's labels, with the CPU and memory limits they were created with; other containers are grouped as “not from Berth”. Live use is not read: the engine gives it only by polling each container."
      >
        {host.runningContainers === 0 ? (
          <p className="text-sm text-slate-500">Nothing is running.</p>
        ) : (
          <div className="space-y-4">
            <label className="flex items-center gap-2 text-xs font-medium text-slate-600">
              Group by
              <select
                value={grouping}
                onChange={(event) => setGrouping(event.target.value as Grouping)}
                className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
                aria-label={`Group ${host.name} containers by`}
              >
                {(Object.keys(GROUPING_LABELS) as Grouping[]).map((key) => (
                  <option key={key} value={key}>
                    {GROUPING_LABELS[key]}
                  </option>
                ))}
              </select>
            </label>
            <Table label={`${host.name} containers by ${GROUPING_LABELS[grouping].toLowerCase()}`}>
              <thead>
                <tr>
                  <Th>{GROUPING_LABELS[grouping]}</Th>
                  <Th className="text-right">Containers</Th>
                  <Th className="text-right">CPUs</Th>
                  <Th className="text-right">Memory</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.key}>
                    <Td className={row.key === NOT_FROM_BERTH ? "italic text-slate-500" : "font-medium"}>{row.key}</Td>
                    <Td className="text-right tabular-nums">{formatCount(row.containers)}</Td>
                    <Td className="text-right tabular-nums">{cpusOf(row.nanoCpus)}</Td>
                    <Td className="text-right tabular-nums">{readableBytes(row.memoryBytes)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <ul
              aria-label={`${host.name} running containers`}
              className="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm"
            >
              {shown.map((container) => (
                <li
                  key={container.id}
                  aria-label={`Container ${container.name}`}
                  className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2"
                >
                  <span className="font-medium">
                    {container.run ? (
                      <Link href={`/runs/${container.run}`} className="text-brand-700 hover:underline">
                        {container.name}
                      </Link>
                    ) : (
                      container.name
                    )}
                    <span className="ml-2 text-xs font-normal text-slate-500">
                      {container.fromBerth
                        ? `project ${container.project ?? "—"} · ${container.user ?? "—"}`
                        : NOT_FROM_BERTH}
                    </span>
                  </span>
                  <span className="text-xs tabular-nums text-slate-600">
                    CPU {limit(container.nanoCpus, cpusOf)} · memory {limit(container.memoryBytes, readableBytes)}
                  </span>
                </li>
              ))}
              {more > 0 && <li className="px-3 py-2 text-xs text-slate-500">and {formatCount(more)} more</li>}
            </ul>
          </div>
        )}
      </Card>
    </section>
  );
}
