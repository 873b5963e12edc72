/** Reading request bodies and writing JSON responses (every response carries a Content-Type). */
import type { IncomingMessage, ServerResponse } from "node:http";

import type { StatusError } from "../contract";
import { badRequest, statusError } from "./errors";
import { decodeProtobufObject, isProtobuf } from "./protobuf";

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, error: StatusError): void {
  sendJson(res, error.status.code, error.status);
}

export function successStatus(code: number, details?: Record<string, unknown>) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    ...(details ? { details } : {}),
    ...(code !== 200 ? { code } : {}),
  };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString("utf8");
}

async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw statusError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request body as JSON, decoding the protobuf kubectl ≥1.32 sends for built-in kinds. */
export async function readObjectBody(req: IncomingMessage): Promise<unknown> {
  const body = await readRawBody(req);
  if (mediaType(req.headers["content-type"]) === "application/vnd.kubernetes.protobuf" || isProtobuf(body))
    return decodeProtobufObject(body);
  return parseJson(body.toString("utf8"));
}

/** Parses a JSON body; empty bodies are `undefined` (DELETE without options). */
export function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The media type of a Content-Type header without parameters, lowercased. */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0].trim().toLowerCase();
}
