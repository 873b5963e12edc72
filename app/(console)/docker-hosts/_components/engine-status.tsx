import { Badge } from "@/components/ui/badge";
import type { DockerHostStatus } from "@/lib/docker-hosts/schema";

/** Bytes as GiB with one decimal, as engines report memory. */
export function formatMemory(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** Reachable / unreachable, read live. */
export function EngineStatusBadge({ status }: { status: DockerHostStatus }) {
  return status.reachable ? <Badge tone="green">reachable</Badge> : <Badge tone="red">unreachable</Badge>;
}
