import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deleteDockerHost, updateDockerHost } from "@/lib/docker-hosts/mutations";
import { readableDockerHostDetail } from "@/lib/docker-hosts/reads";

export const runtime = "nodejs";

export const GET = apiRoute({ permission: "dockerHosts.read" }, async ({ actor, params }) => {
  const host = await readableDockerHostDetail(actor, params.dockerHost);
  return host ? NextResponse.json(host) : jsonError(404, `Docker host "${params.dockerHost}" not found`);
});

// Operate and manage are granted per host: the mutation checks them on this host.
export const PATCH = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(updateDockerHost, { ...(await readJsonBody(request)), dockerHost: params.dockerHost }, actor),
);

export const DELETE = apiRoute({}, ({ actor, params }) =>
  respondWithMutation(deleteDockerHost, { dockerHost: params.dockerHost }, actor),
);
