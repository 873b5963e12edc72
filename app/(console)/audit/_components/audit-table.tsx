import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { AuditEventView } from "@/lib/audit/schema";
import { formatDateTime } from "@/lib/format";

/** Field-by-field changes between two audit snapshots. */
function changes(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return keys
    .map((key) => ({ key, from: before?.[key], to: after?.[key] }))
    .filter(({ from, to }) => JSON.stringify(from) !== JSON.stringify(to));
}

const show = (value: unknown) => (value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));

export function AuditTable({ events }: { events: AuditEventView[] }) {
  return (
    <Table label="Audit events">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>Action</Th>
          <Th>Object</Th>
          <Th>Changes</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((event) => (
          <tr key={event.id}>
            <Td className="whitespace-nowrap text-slate-500">{formatDateTime(event.at)}</Td>
            <Td className="whitespace-nowrap">
              {event.actor}
              {event.source === "api" && <span className="ml-1.5 text-xs text-slate-400">via API</span>}
            </Td>
            <Td>
              <Badge tone={event.action.includes("failed") ? "red" : event.action.includes("delete") || event.action.includes("disable") || event.action.includes("revoke") ? "amber" : "gray"}>
                {event.action}
              </Badge>
            </Td>
            <Td className="whitespace-nowrap">
              <span className="text-slate-400">{event.objectType}</span> {event.objectName ?? event.objectId ?? ""}
            </Td>
            <Td>
              <ul className="space-y-0.5 font-mono text-xs">
                {changes(event.before, event.after).map(({ key, from, to }) => (
                  <li key={key}>
                    <span className="text-slate-500">{key}:</span> {from !== undefined && <span className="text-red-700 line-through">{show(from)}</span>}{" "}
                    {to !== undefined && <span className="text-emerald-700">{show(to)}</span>}
                  </li>
                ))}
              </ul>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
