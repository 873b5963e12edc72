import type { UsableBy } from "@/db/schema";

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
