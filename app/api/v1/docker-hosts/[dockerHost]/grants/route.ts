import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { setDockerHostGrants } from "@/lib/docker-hosts/mutations";
import { readableDockerHostGrants } from "@/lib/docker-hosts/reads";

export const GET = apiRoute({ permission: "dockerHosts.read" }, ({ actor, params }) =>
  NextResponse.json(readableDockerHostGrants(actor, params.dockerHost)),
);

export const PUT = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(setDockerHostGrants, { ...(await readJsonBody(request)), dockerHost: params.dockerHost }, actor),
);
