import { z } from "zod";

import type { UsableBy } from "@/db/schema";
import { groupNameSchema } from "@/lib/validation";

/** Who may use a config that groups may be allowed to use: everyone, or the named groups. */
export const usableBySchema = z
  .union(
    [
      z.literal("all"),
      z.strictObject({ groups: z.array(groupNameSchema).min(1, "choose at least one group, or everyone") }),
    ],
    {
      error: 'usableBy must be "all" or {groups: [names]}',
    },
  )
  .default("all");

/** What the API and pages show of any config that groups may be allowed to use (execution, Spark). */
export interface UsableConfigView {
  id: number;
  name: string;
  description: string;
  cluster: string | null;
  usableBy: UsableBy;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Whether the caller may use it (admins may use everything). */
  mayUse: boolean;
}
