import { Table, Td, Th } from "@/components/ui/table";
import type { EventSummary } from "@/lib/kube/pods";
import { formatClock } from "./format";

/** Events about the run's pods, newest first (live while the run lives, kept after it ends). */
export function RunEvents({ events }: { events: EventSummary[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-500">No events.</p>;
  return (
    <Table label="Events">
      <thead>
        <tr>
          <Th>Last seen</Th>
          <Th>Type</Th>
          <Th>Reason</Th>
          <Th>Object</Th>
          <Th>Message</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((event, index) => (
          <tr key={`${event.object}-${event.reason}-${event.lastSeen}-${index}`}>
            <Td className="whitespace-nowrap text-xs">{event.lastSeen ? formatClock(event.lastSeen) : "—"}</Td>
            <Td className={event.type === "Warning" ? "font-medium text-amber-800" : ""}>{event.type}</Td>
            <Td>{event.reason}</Td>
            <Td className="break-all font-mono text-xs">{event.object}</Td>
            <Td className="text-xs">
              {event.message}
              {event.count > 1 && <span className="text-slate-500"> (×{event.count})</span>}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
