import { NextResponse } from "next/server";

import { apiRoute, jsonError } from "@/lib/api/handler";
import { listBuilds, parseBuildFilters, toBuildView } from "@/lib/images/builds";

export const GET = apiRoute({ permission: "images.read" }, ({ request }) => {
  const filters = parseBuildFilters(request.nextUrl.searchParams);
  if ("fieldErrors" in filters) return jsonError(400, "Some filters are not valid", filters.fieldErrors);
  return NextResponse.json(listBuilds(filters).map((build) => toBuildView(build)));
});
