import { z } from "zod";

/** A run that has not started yet, with why it waits and its place among its cluster's waiting runs. */
export const waitingRunSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  project: z.string(),
  user: z.string(),
  activity: z.string(),
  cluster: z.string(),
  namespace: z.string(),
  status: z.enum(["queued", "pending"]),
  gpus: z.number().int(),
  /** Why it waits, in plain words (the quota's numbers, the scheduler's or kubelet's reason). */
  reason: z.string(),
  /** 1 = waiting longest on its cluster; counts runs the caller may not see too. */
  position: z.number().int(),
  waitingSince: z.string(),
});
export type WaitingRun = z.output<typeof waitingRunSchema>;
