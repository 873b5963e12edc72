import { NextResponse } from "next/server";

import { apiRoute } from "@/lib/api/handler";
import { requireBuild, toBuildView } from "@/lib/images/builds";

export const GET = apiRoute({ permission: "images.read" }, ({ params }) =>
  NextResponse.json(toBuildView(requireBuild(params.build))),
);
