import { codeEnvObject } from "@/lib/api/versioned-objects";
import { historyRoute } from "@/lib/api/versioned-routes";

export const GET = historyRoute(codeEnvObject);
