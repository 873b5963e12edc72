import { sparkConfigObject } from "@/lib/api/versioned-objects";
import { yamlRoute } from "@/lib/api/versioned-routes";

export const GET = yamlRoute(sparkConfigObject);
