import { apiRoute } from "@/lib/api/handler";
import { requireBaseImageRef } from "@/lib/images/access";
import { baseImageDockerfileOf } from "@/lib/images/queries";

export const GET = apiRoute(
  { permission: "images.read" },
  ({ params }) =>
    new Response(baseImageDockerfileOf(requireBaseImageRef(params.baseImage)), {
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    }),
);
