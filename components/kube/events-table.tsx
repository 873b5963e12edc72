import { Badge } from "@/components/ui/badge";
import { none } from "@/components/ui/facts";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";

export interface EventRow {
  namespace?: string;
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  lastSeen: string | null;
}

/**
 * Kubernetes events as a table, newest first as given: a cluster's, a pod's or a run's.
 * `formatTime` lets a run page show seconds (its phases are seconds apart).
 */
export function EventsTable({
  events,
  showNamespace = false,
  formatTime = formatDateTime,
}: {
  events: EventRow[];
  showNamespace?: boolean;
  formatTime?: (value: string) => string;
}) {
  return (
    <Table label="Events">
      <thead>
        <tr>
          <Th>Last seen</Th>
          <Th>Type</Th>
          <Th>Reason</Th>
          {showNamespace && <Th>Namespace</Th>}
          <Th>Object</Th>
          <Th>Message</Th>
          <Th>Count</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((event, index) => (
          <tr key={index}>
            <Td className="whitespace-nowrap">{event.lastSeen ? formatTime(event.lastSeen) : none}</Td>
            <Td>{event.type === "Warning" ? <Badge tone="amber">Warning</Badge> : <Badge>Normal</Badge>}</Td>
            <Td>{event.reason}</Td>
            {showNamespace && <Td>{event.namespace}</Td>}
            <Td className="font-mono text-xs">{event.object}</Td>
            <Td>{event.message}</Td>
            <Td>{event.count}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
