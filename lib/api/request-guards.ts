import { DomainError } from "@/lib/actions/result";

/** Largest JSON body the API reads: the biggest field (a 512 KiB kubeconfig) fits with room for JSON escaping. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface CrossSiteRefusal {
  status: 403 | 415;
  error: string;
}

/**
 * Why a request authenticated by the browser session must be refused as a possible cross-site
 * forgery, or null. Unsafe methods need a JSON body (an HTML form cannot send one, and a
 * cross-origin script needs a CORS preflight that Berth never grants) and must come from the
 * console's own origin: `Sec-Fetch-Site: same-origin`, else an `Origin` equal to the console's
 * URL or to the request's own host. Another port of the same host is another origin. A request
 * with neither header is refused too: scripts authenticate with a Bearer token, not a cookie.
 */
export function crossSiteRefusal(method: string, headers: Headers, consoleUrl?: string): CrossSiteRefusal | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  if (mediaType(headers.get("content-type")) !== "application/json") {
    return {
      status: 415,
      error:
        "Send the request body as JSON with Content-Type: application/json (required for requests signed in with the browser session)",
    };
  }
  const origin = headers.get("origin");
  const site = headers.get("sec-fetch-site");
  const refused: CrossSiteRefusal = {
    status: 403,
    error:
      "Cross-site request refused: a request signed in with the browser session must come from the Berth console's own pages. Scripts should send a Bearer API token.",
  };
  if (origin && consoleUrl && sameOrigin(origin, consoleUrl)) return null;
  if (site) return site === "same-origin" ? null : refused;
  if (!origin) return refused;
  const host = firstValue(headers.get("x-forwarded-host")) ?? headers.get("host");
  return host && originHost(origin) === host.toLowerCase() ? null : refused;
}

/**
 * The request body as text, refused with 413 once it is larger than `maxBytes`: first by its
 * declared Content-Length, then by counting the bytes as they arrive (a chunked upload declares
 * none), so an oversized body is never held in memory.
 */
export async function readBodyText(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function bodyTooLarge(maxBytes: number) {
  return new DomainError(413, `The request body is too large: at most ${formatBytes(maxBytes)}`);
}

function formatBytes(bytes: number) {
  return bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MiB`
    : bytes % 1024 === 0
      ? `${bytes / 1024} KiB`
      : `${bytes} bytes`;
}

function mediaType(contentType: string | null) {
  return contentType?.split(";")[0].trim().toLowerCase();
}

function firstValue(header: string | null) {
  return header?.split(",")[0].trim() || undefined;
}

function originHost(origin: string) {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function sameOrigin(a: string, b: string) {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
