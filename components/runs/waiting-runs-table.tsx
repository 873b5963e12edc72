import Link from "next/link";

import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import type { WaitingRun } from "@/lib/runs/queue";

import { RunStatusBadge } from "./run-status-badge";

/** Waiting runs with their place on their cluster and why they wait (the queue page and the dashboard). */
export function WaitingRunsTable({ runs, label }: { runs: readonly WaitingRun[]; label: string }) {
  return (
    <Table label={label}>
      <thead>
        <tr>
          <Th>Place</Th>
          <Th>Run</Th>
          <Th>Project</Th>
          <Th>User</Th>
          <Th>Cluster</Th>
          <Th>GPUs</Th>
          <Th>Status</Th>
          <Th>Waiting since</Th>
          <Th>Why</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {runs.map((run) => (
          <tr key={run.id}>
            <Td className="tabular-nums">{run.position}</Td>
            <Td className="whitespace-nowrap">
              <Link href={`/runs/${run.id}`} className="font-medium text-brand-600 hover:underline">
                {run.name ?? run.id}
              </Link>
              <span className="block text-xs text-slate-500">
                {run.activity}
                {run.name ? <span className="ml-1 font-mono">{run.id}</span> : null}
              </span>
            </Td>
            <Td>{run.project}</Td>
            <Td>{run.user}</Td>
            <Td>
              {run.cluster}
              <span className="block font-mono text-xs text-slate-500">{run.namespace}</span>
            </Td>
            <Td className="tabular-nums">{run.gpus || "—"}</Td>
            <Td>
              <RunStatusBadge status={run.status} />
            </Td>
            <Td className="whitespace-nowrap">{formatDateTime(run.waitingSince)}</Td>
            <Td className="max-w-lg text-sm text-slate-700">{run.reason}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
