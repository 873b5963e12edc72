import { sparkConfigObject } from "@/lib/api/versioned-objects";
import { restoreRoute } from "@/lib/api/versioned-routes";

export const POST = restoreRoute(sparkConfigObject);
