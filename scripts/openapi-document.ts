/**
 * Prints the OpenAPI document as the console serves it at /api/v1/openapi.json, made from the same
 * code, so `npm test` can lint it without starting a server. The server URL is a placeholder: the
 * console fills in the origin it is reached at.
 */
import { openApiDocument } from "@/lib/api/openapi";

process.stdout.write(`${JSON.stringify(openApiDocument(process.argv[2] ?? "https://berth.internal"), null, 2)}\n`);
