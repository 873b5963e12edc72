import { z } from "zod";

import { executionPreviewRunSchema } from "./schema";

/** A preview's sample run, optionally with a code env whose image the pod runs (instead of `image`). */
export const executionPreviewRequestSchema = executionPreviewRunSchema
  .extend({ codeEnv: z.string().trim().min(1).max(63).optional() })
  .refine((run) => !(run.codeEnv && run.image), {
    path: ["codeEnv"],
    message: "Give a code env or an image, not both",
  });
