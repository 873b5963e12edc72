import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { importProject } from "@/lib/projects/mutations";

/** `{ yaml }`: creates the project of the document, or updates it when its key exists. */
export const POST = apiRoute({ permission: "projects.create" }, async ({ actor, request }) =>
  respondWithMutation(importProject, await readJsonBody(request), actor),
);
