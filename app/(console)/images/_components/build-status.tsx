import { Badge } from "@/components/ui/badge";
import type { ImageBuildStatus } from "@/lib/images/builds";
import type { RevisionState } from "@/lib/images/revision";

const STATUS_TONE = { queued: "gray", running: "blue", pushed: "green", failed: "red", cancelled: "amber" } as const;

/** A build's status as a coloured word. */
export function BuildStatusBadge({ status }: { status: ImageBuildStatus }) {
  return <Badge tone={STATUS_TONE[status]}>{status}</Badge>;
}

/** Whether the current revision matches the base image's inputs. */
export function RevisionBadge({ state }: { state: RevisionState }) {
  if (state === "rebuild-needed") return <Badge tone="amber">rebuild needed</Badge>;
  if (state === "never-built") return <Badge tone="gray">never built</Badge>;
  return <Badge tone="green">up to date</Badge>;
}
