import Link from "next/link";

import { Table, Td, Th } from "@/components/ui/table";
import { ACTIVITY_LABELS, isActivityType } from "@/lib/resolution/activities";
import type { RunView } from "@/lib/runs/schema";

import { formatAge } from "./format";
import { RunStatusBadge } from "./run-status-badge";

export const activityLabel = (activity: string) => (isActivityType(activity) ? ACTIVITY_LABELS[activity] : activity);

/** The runs list as a table (a pure renderer: the live container feeds it). */
export function RunsTable({ runs, now }: { runs: readonly RunView[]; now: number | null }) {
  return (
    <Table label="Runs">
      <thead>
        <tr>
          <Th>Run</Th>
          <Th>Status</Th>
          <Th>Project</Th>
          <Th>User</Th>
          <Th>Activity</Th>
          <Th>Config</Th>
          <Th>Cluster</Th>
          <Th>Age</Th>
          <Th className="text-right">GPUs</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {runs.map((run) => (
          <tr key={run.id} aria-label={`Run ${run.id}`}>
            <Td>
              <span className="block max-w-[16rem] truncate font-medium text-slate-900" title={run.name}>
                {run.name}
              </span>
              <Link href={`/runs/${run.id}`} className="font-mono text-xs text-brand-600 hover:underline">
                {run.id}
              </Link>
            </Td>
            <Td className="max-w-xs">
              <RunStatusBadge status={run.status} />
              {run.reason &&
                (run.status === "pending" ||
                  run.status === "queued" ||
                  run.status === "failed" ||
                  run.status === "lost" ||
                  run.status === "aborted") && (
                  <p className="mt-1 line-clamp-2 text-xs text-slate-500" title={run.reason}>
                    {run.reason}
                  </p>
                )}
            </Td>
            <Td>{run.project}</Td>
            <Td>{run.user}</Td>
            <Td className="whitespace-nowrap">{activityLabel(run.activity)}</Td>
            <Td className="whitespace-nowrap">
              {run.sparkConfig ? `Spark: ${run.sparkConfig}` : (run.executionConfig ?? "—")}
            </Td>
            <Td>{run.dockerHost !== undefined ? `Docker host ${run.dockerHost}` : run.cluster}</Td>
            <Td className="whitespace-nowrap" title={run.createdAt}>
              {now === null ? "—" : formatAge(run.createdAt, now)}
            </Td>
            <Td className="text-right tabular-nums">{run.gpus}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
