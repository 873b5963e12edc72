import { NextResponse } from "next/server";

import { apiRoute } from "@/lib/api/handler";
import { listWaitingRuns } from "@/lib/runs/queue";

/** The queue: queued and pending runs the caller may see, oldest first, with their place and why they wait. */
export const GET = apiRoute({}, ({ actor }) => NextResponse.json(listWaitingRuns(actor)));
