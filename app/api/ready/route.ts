import { NextResponse } from "next/server";

import { readiness } from "@/lib/health/readiness";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness probe, no sign-in: 200 when Berth can serve, 503 with the reason in plain words otherwise. */
export function GET() {
  const answer = readiness();
  return NextResponse.json(answer, {
    status: answer.status === "ready" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
