import { NextResponse } from "next/server";

import { apiRoute } from "@/lib/api/handler";

export const GET = apiRoute({}, ({ actor }) =>
  NextResponse.json({ id: actor.id, username: actor.username, role: actor.role, groups: actor.groups }),
);
