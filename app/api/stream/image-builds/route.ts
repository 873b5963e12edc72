import { streamRoute } from "@/lib/api/stream";
import { subscribeBuildStatus } from "@/lib/images/build-events";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Build status changes as Server-Sent Events (`event: build`, data `{id, status}`), for pages that show builds. */
export const GET = streamRoute(
  { permission: "images.read" },
  () => (send) => subscribeBuildStatus((change) => send("build", change)),
);
