import { Badge } from "@/components/ui/badge";
import type { RunStatus } from "@/lib/runs/schema";

const STATUS_TONE = {
  queued: "gray",
  pending: "amber",
  running: "blue",
  succeeded: "green",
  failed: "red",
  aborted: "gray",
  lost: "red",
} as const;

/** A run's status as a coloured word. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <Badge tone={STATUS_TONE[status]}>{status}</Badge>;
}

/** Whether a run has reached its end: nothing about it changes any more. */
export function isFinalStatus(status: RunStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "aborted" || status === "lost";
}
