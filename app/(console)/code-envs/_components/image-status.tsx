import { Badge } from "@/components/ui/badge";
import type { CodeEnvImageView } from "@/lib/code-envs/schema";

const TONES = { current: "green", stale: "amber", missing: "red" } as const;

/** An image's status as a badge: current, stale, missing, plus "building" while a build of the current inputs runs. */
export function ImageStatusBadge({ image }: { image: Pick<CodeEnvImageView, "status" | "building" | "problem"> }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      <Badge tone={TONES[image.status]}>{image.status}</Badge>
      {image.building && <Badge tone="blue">{image.building.status}</Badge>}
      {image.problem && <Badge tone="red">cannot build</Badge>}
    </span>
  );
}

/** "2 current · 1 stale · 0 missing", with the non-zero parts emphasised. */
export function ImageCounts({ counts, total }: { counts: Record<CodeEnvImageView["status"], number>; total: number }) {
  if (total === 0) return <span className="text-slate-400">built for no config</span>;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {(["current", "stale", "missing"] as const)
        .filter((status) => counts[status] > 0)
        .map((status) => (
          <Badge key={status} tone={TONES[status]}>
            {counts[status]} {status}
          </Badge>
        ))}
    </span>
  );
}
