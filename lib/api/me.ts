import { z } from "zod";

import { ROLES } from "@/lib/permissions";

export const meSchema = z.object({
  id: z.number(),
  username: z.string(),
  role: z.enum(ROLES),
  groups: z.array(z.string()),
});
