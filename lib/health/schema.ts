import { z } from "zod";

/** `GET /api/ready`'s body, the same with 200 (ready) and 503 (not ready). */
export const readinessSchema = z.object({
  status: z.enum(["ready", "not-ready"]),
  reason: z.string().optional().describe("Why Berth is not ready, in plain words (absent when ready)"),
  checks: z.object({
    database: z.string().describe('"open", or why the database cannot be used'),
    migrations: z.string().describe("Whether every migration of this build is applied"),
    clusters: z.string().describe("Which registered clusters have answered their first list (none registered: ready)"),
  }),
});

export type Readiness = z.infer<typeof readinessSchema>;
