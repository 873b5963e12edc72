import { sparkConfigObject } from "@/lib/api/versioned-objects";
import { importRoute } from "@/lib/api/versioned-routes";

export const POST = importRoute(sparkConfigObject);
