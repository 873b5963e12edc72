import Link from "next/link";

import { FieldChanges } from "@/components/objects/field-changes";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { AuditEventView } from "@/lib/audit/schema";
import { auditChanges, auditObjectHref } from "@/lib/audit/view";
import { formatDateTime } from "@/lib/format";

export function AuditTable({ events }: { events: AuditEventView[] }) {
  return (
    <Table label="Audit events">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>Action</Th>
          <Th>Object</Th>
          <Th className="w-1/2">Changes</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((event) => {
          const href = auditObjectHref(event);
          const name = event.objectName ?? event.objectId ?? "";
          return (
            <tr key={event.id}>
              <Td className="whitespace-nowrap text-slate-500">{formatDateTime(event.at)}</Td>
              <Td className="whitespace-nowrap">
                {event.actor}
                {event.source === "api" && <span className="ml-1.5 text-xs text-slate-400">via API</span>}
              </Td>
              <Td className="whitespace-nowrap">
                <Badge
                  tone={
                    event.action.includes("failed")
                      ? "red"
                      : event.action.includes("delete") ||
                          event.action.includes("disable") ||
                          event.action.includes("revoke")
                        ? "amber"
                        : "gray"
                  }
                >
                  {event.action}
                </Badge>
              </Td>
              <Td className="min-w-40 [overflow-wrap:anywhere]">
                <span className="text-slate-400">{event.objectType}</span>{" "}
                {href ? (
                  <Link href={href} className="font-medium text-brand-600 hover:underline">
                    {name}
                  </Link>
                ) : (
                  name
                )}
              </Td>
              <Td className="min-w-0">
                {(event.before || event.after) && (
                  <FieldChanges
                    label={`Changes of ${event.action} at ${formatDateTime(event.at)}`}
                    changes={auditChanges(event.before, event.after)}
                  />
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
