/**
 * The request pipeline: outage/latency/error faults, health checks, bearer-token auth, the
 * /_sim admin endpoints, routes added by the behaviour side, discovery and OpenAPI, then the
 * generic resource handlers. Every failure is written as a Kubernetes Status.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { ExtraRoute } from "../contract";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3Document,
  openApiV3Index,
  versionDocument,
  type VersionInfo,
} from "./discovery";
import { badRequest, internalError, isStatusError, pathNotFound, serviceUnavailable, unauthorized } from "./errors";
import type { FaultRequest, Faults } from "./faults";
import { compileRoute, matchRoute, parseResourcePath, type CompiledRoute } from "./paths";
import { handleResource } from "./resources";
import { parseJson, readBody, sendJson, sendStatus } from "./respond";
import type { Denials } from "./reviews";
import type { RequestStats } from "./stats";
import type { MemoryStore } from "./store";
import type { WatchHub } from "./watch";

export interface ApiServerOptions {
  store: MemoryStore;
  watches: WatchHub;
  faults: Faults;
  stats: RequestStats;
  /** Bearer token every API request must carry; undefined allows anonymous access. */
  token?: string;
  version: VersionInfo;
  routes: ExtraRoute[];
  /** host:port advertised in /api. */
  serverAddress: () => string;
  /** What the simulator's user may not do (--deny). */
  denials?: Denials;
}

const HEALTH_PATHS = new Set(["/healthz", "/livez", "/readyz"]);

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (!match) return false;
  const given = Buffer.from(match[1].trim());
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Path segments, unescaped; a malformed escape is simply a path that does not exist. */
function decodeSegments(path: string): string[] {
  try {
    return path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    throw pathNotFound();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createApiHandler(options: ApiServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { store, watches, faults, stats, token, denials } = options;
  const compiled: CompiledRoute[] = options.routes.map(compileRoute);

  async function runExtraRoutes(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    authenticated: boolean,
  ): Promise<boolean> {
    for (const route of compiled) {
      if ((route.route.auth ?? true) && !authenticated) continue;
      const params = matchRoute(route, req.method ?? "GET", url.pathname);
      if (params && (await route.route.handler(req, res, { store, url, params }))) return true;
    }
    return false;
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === "/_sim/faults") {
      if (req.method === "POST" || req.method === "PUT") {
        const request = (parseJson(await readBody(req)) ?? {}) as FaultRequest;
        try {
          sendJson(res, 200, faults.update(request));
        } catch (error) {
          throw badRequest(error instanceof Error ? error.message : String(error));
        }
      } else
        sendJson(res, 200, {
          settings: faults.settings,
          watches: watches.count,
          resourceVersion: store.currentResourceVersion(),
        });
      return;
    }
    if (url.pathname === "/_sim/stats") {
      if (req.method === "POST" || req.method === "PUT") {
        const request = parseJson(await readBody(req)) as { reset?: unknown } | undefined;
        if (request?.reset !== true) throw badRequest('POST /_sim/stats takes {"reset": true}');
        stats.reset();
      }
      sendJson(res, 200, stats.snapshot());
      return;
    }
    throw pathNotFound();
  }

  function handleDiscovery(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method !== "GET") return false;
    const segments = path.split("/").filter(Boolean);
    let body: unknown;
    const aggregated = (path === "/api" || path === "/apis") && aggregatedDiscoveryVersion(req.headers.accept);
    if (aggregated) {
      const text = JSON.stringify(aggregatedDiscovery(store, path === "/api", aggregated));
      res.writeHead(200, {
        "Content-Type": aggregatedContentType(aggregated),
        "Content-Length": Buffer.byteLength(text),
      });
      res.end(text);
      return true;
    }
    if (path === "/version") body = versionDocument(options.version);
    else if (path === "/api") body = apiVersions(options.serverAddress());
    else if (path === "/apis") body = apiGroupList(store);
    else if (segments[0] === "api" && segments.length === 2) body = apiResourceList(store, "", segments[1]);
    else if (segments[0] === "apis" && segments.length === 2) body = apiGroup(store, segments[1]);
    else if (segments[0] === "apis" && segments.length === 3) body = apiResourceList(store, segments[1], segments[2]);
    else if (path === "/openapi/v2" || path === "/swagger-2.0.0.pb-v1") {
      // An empty protobuf document: kubectl's client-side validation then skips every kind.
      if ((req.headers.accept ?? "").includes("protobuf")) {
        res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": 0 });
        res.end();
      } else
        sendJson(res, 200, {
          swagger: "2.0",
          info: { title: "Kubernetes", version: options.version.gitVersion },
          paths: {},
          definitions: {},
        });
      return true;
    } else if (path === "/openapi/v3") body = openApiV3Index(store);
    else if (path.startsWith("/openapi/v3/"))
      body = openApiV3Document(store, path.slice("/openapi/v3/".length), options.version.gitVersion);
    else return false;
    if (body === undefined) throw pathNotFound();
    sendJson(res, 200, body);
    return true;
  }

  function servesGroupVersion(segments: string[]): boolean {
    const [root, group, version] =
      segments[0] === "api" ? ["api", "", segments[1]] : [segments[0], segments[1], segments[2]];
    if ((root !== "api" && root !== "apis") || !version) return false;
    return store.types().some((type) => type.group === group && type.version === version);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://sim.invalid");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const admin = path.startsWith("/_sim/");
    if (faults.settings.paused && !admin) {
      if (faults.settings.pauseMode === "reset") {
        req.socket.destroy();
        return;
      }
      if (faults.settings.pauseMode === "503")
        throw serviceUnavailable("the server is currently unable to handle the request");
      await faults.whenResumed();
    }
    if (HEALTH_PATHS.has(path)) {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("ok");
      return;
    }
    const authenticated = token === undefined || tokenMatches(req.headers.authorization, token);
    if (!authenticated && (await runExtraRoutes(req, res, url, false))) return;
    if (!authenticated) throw unauthorized();
    if (admin) return handleAdmin(req, res, url);

    if (faults.settings.latencyMs > 0) await sleep(faults.settings.latencyMs);
    if (faults.shouldFail()) throw internalError("injected fault");

    if (await runExtraRoutes(req, res, url, true)) return;
    if (handleDiscovery(req, res, path)) return;
    const segments = decodeSegments(path);
    const resource = parseResourcePath(store, segments);
    if (!resource) {
      if (servesGroupVersion(segments)) throw pathNotFound();
      // Outside every served group-version the real apiserver's mux answers (NotFoundHandler), in plain text.
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
      res.end("404 page not found\n");
      return;
    }
    await handleResource(req, res, url, resource, { store, watches, stats, denials });
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (isStatusError(error)) sendStatus(res, error);
      else {
        console.error("berth-sim: request failed", req.method, req.url, error);
        sendStatus(res, internalError(error instanceof Error ? error.message : String(error)));
      }
    });
  };
}
