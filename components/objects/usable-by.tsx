import { Badge } from "@/components/ui/badge";
import type { UsableConfigView } from "@/lib/objects/usable-config";

/** Who may use a config, and whether the viewer may. */
export function UsableBy({ usableBy, mayUse }: Pick<UsableConfigView, "usableBy" | "mayUse">) {
  return (
    <>
      {usableBy === "all" ? "everyone" : usableBy.groups.join(", ")}
      {!mayUse && (
        <span className="ml-2">
          <Badge tone="amber">you may not use it</Badge>
        </span>
      )}
    </>
  );
}
