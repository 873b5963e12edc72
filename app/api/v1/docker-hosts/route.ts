import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createDockerHost } from "@/lib/docker-hosts/mutations";
import { listReadableDockerHostsWithStatus } from "@/lib/docker-hosts/reads";

export const runtime = "nodejs";

export const GET = apiRoute({ permission: "dockerHosts.read" }, async ({ actor }) =>
  NextResponse.json(await listReadableDockerHostsWithStatus(actor)),
);

export const POST = apiRoute({ permission: "dockerHosts.create" }, async ({ actor, request }) =>
  respondWithMutation(createDockerHost, await readJsonBody(request), actor, 201),
);
