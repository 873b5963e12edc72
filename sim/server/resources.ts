/**
 * The generic REST handlers every served kind gets: list (selectors, paging, Tables), watch,
 * get, create, update, patch (four flavours), delete, deletecollection, plus the status,
 * eviction and binding subresources.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";

import type { DeleteOptions, KubeObject, ResourceType, WriteOptions } from "../contract";
import { resolveApplyConflicts, type ManagedFieldsEntry } from "./apply-conflicts";
import { groupVersionOf, NAMESPACES, PODS } from "./builtin-types";
import {
  badRequest,
  conflict,
  gone,
  invalid,
  methodNotAllowed,
  notFound,
  pathNotFound,
  statusError,
  unsupportedMediaType,
} from "./errors";
import { checkUnknownFields, fieldValidationOf } from "./field-validation";
import { cloneObject, deepEqual, isPlainObject, nowTimestamp, toJson } from "./objects";
import {
  applyJsonPatch,
  applyMergePatch,
  applyServerSide,
  applyStrategicMergePatch,
  fieldSet,
  PATCH_TYPES,
} from "./patch";
import type { ResourcePath } from "./paths";
import { mediaType, parseJson, readBody, readObjectBody, sendJson, successStatus } from "./respond";
import { answerReview, REVIEW_TYPES, type Denials } from "./reviews";
import { matches, parseFieldSelector, parseLabelSelector, type ObjectFilter } from "./selectors";
import type { RequestStats } from "./stats";
import type { MemoryStore } from "./store";
import { printerFor, toTable, type IncludeObject } from "./tables";
import type { WatchHub } from "./watch";

export interface ResourceContext {
  store: MemoryStore;
  watches: WatchHub;
  /** Counts every request per resource and verb when given. */
  stats?: RequestStats;
  /** What the simulator's user may not do (--deny). */
  denials?: Denials;
}

type Obj = Record<string, unknown>;

/** `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` (kubectl get) → Table output. */
function wantsTable(req: IncomingMessage, url: URL): { include: IncludeObject } | undefined {
  const accept = req.headers.accept ?? "";
  const first = accept
    .split(",")
    .map((s) => s.trim())
    .find((s) => s.startsWith("application/json"));
  if (!first || !/;\s*as=Table/.test(first) || !/g=meta\.k8s\.io/.test(first)) return undefined;
  const include = url.searchParams.get("includeObject");
  return { include: include === "None" || include === "Object" ? include : "Metadata" };
}

function writeOptions(url: URL, body?: Obj): WriteOptions {
  const dryRun =
    url.searchParams.getAll("dryRun").includes("All") ||
    (Array.isArray(body?.dryRun) && (body.dryRun as string[]).includes("All"));
  return { dryRun };
}

async function objectBody(req: IncomingMessage, type: ResourceType): Promise<KubeObject> {
  const body = await readObjectBody(req);
  if (!isPlainObject(body))
    throw badRequest(`Object '${type.kind}' is missing in '${JSON.stringify(body ?? "").slice(0, 100)}'`);
  if (!isPlainObject(body.metadata)) body.metadata = {};
  return body as unknown as KubeObject;
}

export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
): Promise<void> {
  const method = req.method ?? "GET";
  const { type, name, subresource } = path;
  if (subresource) {
    // Subresource verbs follow the method; POST on a named subresource (binding, eviction) creates.
    const subresourceVerb = verbOf(method, Boolean(name), false) ?? "create";
    ctx.stats?.record(`${type.key}/${subresource}`, subresourceVerb, `${url.pathname}${url.search}`);
    ctx.denials?.check(subresourceVerb, path);
    return handleSubresource(req, res, url, path, ctx);
  }
  const verb = verbOf(method, Boolean(name), isWatch(url));
  if (verb) ctx.stats?.record(type.key, verb, `${url.pathname}${url.search}`);
  if (!verb || !type.verbs.includes(verb)) throw methodNotAllowed(method, type.kind);
  ctx.denials?.check(verb, path);
  switch (verb) {
    case "list":
      return list(req, res, url, path, ctx);
    case "watch":
      // A watch on one object is a collection watch on its name.
      if (name)
        url.searchParams.set(
          "fieldSelector",
          [url.searchParams.get("fieldSelector"), `metadata.name=${name}`].filter(Boolean).join(","),
        );
      return watch(req, res, url, path, ctx);
    case "get":
      return get(req, res, url, path, ctx);
    case "create":
      return create(req, res, url, path, ctx);
    case "update":
      return update(req, res, url, path, ctx, false);
    case "patch":
      return patch(req, res, url, path, ctx, false);
    case "delete":
      return remove(req, res, url, path, ctx);
    default:
      return deleteCollection(req, res, url, path, ctx);
  }
}

/** The API verb a request needs, as discovery advertises verbs. */
function verbOf(method: string, named: boolean, watching: boolean): string | undefined {
  if (method === "GET") return watching ? "watch" : named ? "get" : "list";
  if (method === "POST" && !named) return "create";
  if (method === "PUT" && named) return "update";
  if (method === "PATCH" && named) return "patch";
  if (method === "DELETE") return named ? "delete" : "deletecollection";
  return undefined;
}

const isWatch = (url: URL) => ["true", "1"].includes(url.searchParams.get("watch") ?? "");

function filterOf(url: URL, type: ResourceType): ObjectFilter {
  return {
    labels: parseLabelSelector(url.searchParams.get("labelSelector")),
    fields: parseFieldSelector(url.searchParams.get("fieldSelector"), type),
  };
}

// ---- reads ---------------------------------------------------------------------------------

interface ContinueToken {
  rv: number;
  start: [string, string];
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as ContinueToken;
    if (typeof parsed.rv !== "number" || !Array.isArray(parsed.start)) throw new Error("shape");
    return parsed;
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data at input byte 0");
  }
}

const keyAfter = (object: KubeObject, start: [string, string]) => {
  const ns = object.metadata.namespace ?? "";
  return ns > start[0] || (ns === start[0] && object.metadata.name! > start[1]);
};

/** The index of the first object after the continue key in a list sorted by namespace then name (binary search: a 100,000-pod list is read in 200 pages). */
function firstAfter(all: readonly KubeObject[], start: [string, string]): number {
  let low = 0;
  let high = all.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyAfter(all[middle], start)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function list(req: IncomingMessage, res: ServerResponse, url: URL, path: ResourcePath, ctx: ResourceContext): void {
  const { type, namespace } = path;
  const { store } = ctx;
  const filter = filterOf(url, type);
  const limit = Number(url.searchParams.get("limit") ?? "0") || 0;
  const token = url.searchParams.get("continue");
  const all = store.list(type.key, namespace);
  let rv = store.currentResourceVersion();
  let from = 0;
  if (token) {
    const cont = decodeContinue(token);
    if (cont.rv < store.oldestResumableRevision()) {
      throw gone(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
      );
    }
    rv = cont.rv;
    from = firstAfter(all, cont.start);
  }
  const items: KubeObject[] = [];
  let more = false;
  let remaining = 0;
  const unfiltered = filter.labels.length === 0 && filter.fields.length === 0;
  for (let i = from; i < all.length; i++) {
    const object = all[i];
    if (!matches(filter, object)) continue;
    if (limit > 0 && items.length >= limit) {
      more = true;
      remaining = unfiltered ? all.length - i : 0;
      break;
    }
    items.push(object);
  }
  const metadata: Obj = { resourceVersion: String(rv) };
  if (more) {
    const last = items[items.length - 1];
    metadata.continue = Buffer.from(
      JSON.stringify({ rv, start: [last.metadata.namespace ?? "", last.metadata.name] }),
    ).toString("base64url");
    if (remaining) metadata.remainingItemCount = remaining;
  }
  const table = wantsTable(req, url);
  if (table) {
    sendJson(res, 200, toTable(printerFor(store, type), items, metadata, table.include));
    return;
  }
  const head = `{"kind":"${type.listKind}","apiVersion":"${groupVersionOf(type)}","metadata":${JSON.stringify(metadata)},"items":[`;
  sendJson(res, 200, `${head}${items.map(toJson).join(",")}]}`);
}

function watch(req: IncomingMessage, res: ServerResponse, url: URL, path: ResourcePath, ctx: ResourceContext): void {
  const rv = url.searchParams.get("resourceVersion") ?? undefined;
  if (rv && !/^\d+$/.test(rv))
    throw badRequest(`Invalid value: "${rv}": resourceVersion: invalid value, must be a non-negative integer`);
  const timeout = url.searchParams.get("timeoutSeconds");
  ctx.watches.serve(req, res, {
    type: path.type,
    namespace: path.namespace,
    filter: filterOf(url, path.type),
    resourceVersion: rv,
    timeoutSeconds: timeout !== null && /^\d+$/.test(timeout) ? Number(timeout) : undefined,
    allowBookmarks: url.searchParams.get("allowWatchBookmarks") === "true",
    sendInitialEvents: url.searchParams.get("sendInitialEvents") === "true",
    table: wantsTable(req, url),
  });
}

function requireObject(ctx: ResourceContext, path: ResourcePath): KubeObject {
  const object = ctx.store.get(path.type.key, path.namespace, path.name!);
  if (!object) throw notFound(path.type, path.name!);
  return object;
}

function respondObject(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: ResourceContext,
  type: ResourceType,
  code: number,
  object: KubeObject,
): void {
  const table = wantsTable(req, url);
  if (table)
    sendJson(
      res,
      code,
      toTable(
        printerFor(ctx.store, type),
        [object],
        { resourceVersion: object.metadata.resourceVersion },
        table.include,
      ),
    );
  else sendJson(res, code, toJson(object));
}

function get(req: IncomingMessage, res: ServerResponse, url: URL, path: ResourcePath, ctx: ResourceContext): void {
  respondObject(req, res, url, ctx, path.type, 200, requireObject(ctx, path));
}

// ---- writes --------------------------------------------------------------------------------

/** The namespace and name in a body must agree with the URL; missing ones are taken from it. */
function reconcileIdentity(object: KubeObject, path: ResourcePath): void {
  const meta = object.metadata;
  if (path.type.namespaced) {
    if (meta.namespace && meta.namespace !== path.namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    meta.namespace = path.namespace;
  }
  if (path.name) {
    if (meta.name && meta.name !== path.name)
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${path.name})`);
    meta.name = path.name;
  }
}

async function create(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
): Promise<void> {
  if (path.type.namespaced && !path.namespace) throw methodNotAllowed("POST", path.type.kind);
  const object = await objectBody(req, path.type);
  if (REVIEW_TYPES.includes(path.type)) {
    sendJson(res, 201, answerReview(path.type, object as unknown as Obj, ctx.denials));
    return;
  }
  dropUnknownFields(res, url, path.type, object);
  reconcileIdentity(object, path);
  const created = ctx.store.create(path.type.key, object, writeOptions(url));
  sendJson(res, 201, toJson(created));
}

/** Unknown fields of built-in kinds: dropped, and refused (Strict) or reported (Warn). */
function dropUnknownFields(res: ServerResponse, url: URL, type: ResourceType, object: KubeObject): void {
  const warnings = checkUnknownFields(type, object, fieldValidationOf(url));
  if (warnings.length)
    res.setHeader(
      "Warning",
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
}

/** Managed fields a client did not send are kept, as upstream does for updates. */
function keepManagedFields(object: KubeObject, existing: KubeObject): void {
  if (object.metadata.managedFields === undefined && existing.metadata.managedFields) {
    object.metadata.managedFields = cloneObject(existing.metadata.managedFields);
  }
}

async function update(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
  status: boolean,
): Promise<void> {
  const object = await objectBody(req, path.type);
  dropUnknownFields(res, url, path.type, object);
  reconcileIdentity(object, path);
  const existing = requireObject(ctx, path);
  keepManagedFields(object, existing);
  const options = writeOptions(url);
  const updated = status
    ? ctx.store.updateStatus(path.type.key, object, options)
    : ctx.store.update(path.type.key, object, options);
  sendJson(res, 200, toJson(updated));
}

function isCustom(ctx: ResourceContext, type: ResourceType): boolean {
  return Boolean(ctx.store.get("customresourcedefinitions.apiextensions.k8s.io", undefined, type.key));
}

async function patch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
  status: boolean,
): Promise<void> {
  const { type } = path;
  const contentType = mediaType(req.headers["content-type"]);
  const accepted: string[] = [
    PATCH_TYPES.json,
    PATCH_TYPES.merge,
    ...(isCustom(ctx, type) ? [] : [PATCH_TYPES.strategic]),
    PATCH_TYPES.apply,
  ];
  if (!accepted.includes(contentType)) throw unsupportedMediaType(accepted);
  const fieldManager = url.searchParams.get("fieldManager");
  if (url.searchParams.has("force") && contentType !== PATCH_TYPES.apply) {
    throw invalid("PatchOptions", "meta.k8s.io", "", [
      { reason: "FieldValueForbidden", field: "force", message: "Forbidden: may not be specified for non-apply patch" },
    ]);
  }
  const text = await readBody(req);
  const options = writeOptions(url);

  if (contentType === PATCH_TYPES.apply) {
    if (!fieldManager) {
      throw invalid("PatchOptions", "meta.k8s.io", "", [
        { reason: "FieldValueRequired", field: "fieldManager", message: "Required value: is required for apply patch" },
      ]);
    }
    return serverSideApply(res, url, text, path, ctx, fieldManager, options, status);
  }

  const existing = requireObject(ctx, path);
  const body = parseJson(text);
  let patched: unknown;
  if (contentType === PATCH_TYPES.json) patched = applyJsonPatch(existing, body);
  else if (contentType === PATCH_TYPES.merge) patched = applyMergePatch(existing, body);
  else patched = applyStrategicMergePatch(existing, body);
  if (!isPlainObject(patched)) throw badRequest("the patch did not produce an object");
  const object = patched as unknown as KubeObject;
  if (!isPlainObject(object.metadata)) object.metadata = {};
  dropUnknownFields(res, url, type, object);
  reconcileIdentity(object, path);
  const updated = status
    ? ctx.store.updateStatus(type.key, object, options)
    : ctx.store.update(type.key, object, options);
  sendJson(res, 200, toJson(updated));
}

function serverSideApply(
  res: ServerResponse,
  url: URL,
  text: string,
  path: ResourcePath,
  ctx: ResourceContext,
  manager: string,
  options: WriteOptions,
  status: boolean,
): void {
  const force = url.searchParams.get("force") === "true";
  const { type } = path;
  let applied: unknown;
  try {
    applied = parseYaml(text);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPlainObject(applied)) throw badRequest("invalid apply patch: not an object");
  if (!isPlainObject(applied.metadata)) applied.metadata = {};
  const config = applied as unknown as KubeObject;
  if (!config.apiVersion || !config.kind) {
    throw badRequest(`invalid object type: ${config.apiVersion ?? ""}, Kind=${config.kind ?? ""}`);
  }
  dropUnknownFields(res, url, type, config);
  reconcileIdentity(config, path);
  const entry: ManagedFieldsEntry = {
    manager,
    operation: "Apply",
    apiVersion: groupVersionOf(type),
    time: nowTimestamp(),
    fieldsType: "FieldsV1",
    fieldsV1: fieldSet(config as unknown as Obj),
    ...(status ? { subresource: "status" } : {}),
  };
  const existing = ctx.store.get(type.key, path.namespace, path.name!);
  if (!existing) {
    if (status) throw notFound(type, path.name!);
    const object = cloneObject(config);
    object.metadata.managedFields = [entry];
    sendJson(res, 201, toJson(ctx.store.create(type.key, object, options)));
    return;
  }
  const entries = (existing.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const previous = entries.find((m) => m.manager === manager && m.operation === "Apply");
  const others = resolveApplyConflicts(
    entries.filter((m) => m !== previous),
    config as unknown as Obj,
    entry.fieldsV1,
    existing as unknown as Obj,
    force,
  );
  const merged = applyServerSide(
    existing as unknown as Obj,
    config as unknown as Obj,
    previous?.fieldsV1,
  ) as unknown as KubeObject;
  // Re-applying the same fields must stay a no-op, so the entry keeps its time then.
  if (previous && deepEqual(previous.fieldsV1, entry.fieldsV1)) entry.time = previous.time;
  merged.metadata.managedFields = [...others, entry];
  const updated = status
    ? ctx.store.updateStatus(type.key, merged, options)
    : ctx.store.update(type.key, merged, options);
  sendJson(res, 200, toJson(updated));
}

function deleteOptionsOf(url: URL, body: unknown): DeleteOptions {
  const b = isPlainObject(body) ? body : {};
  const grace = url.searchParams.get("gracePeriodSeconds") ?? b.gracePeriodSeconds;
  const policy = url.searchParams.get("propagationPolicy") ?? b.propagationPolicy;
  const orphan = url.searchParams.get("orphanDependents") ?? b.orphanDependents;
  const options: DeleteOptions = { ...writeOptions(url, b) };
  if (grace !== undefined && grace !== null) options.gracePeriodSeconds = Number(grace);
  if (policy === "Orphan" || policy === "Background" || policy === "Foreground") options.propagationPolicy = policy;
  else if (policy !== undefined && policy !== null)
    throw badRequest(
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${String(policy)}"`,
    );
  else if (orphan === true || orphan === "true") options.propagationPolicy = "Orphan";
  if (isPlainObject(b.preconditions)) options.preconditions = b.preconditions as DeleteOptions["preconditions"];
  return options;
}

/** Pods and namespaces answer with the object; other kinds with a Success Status once gone. */
function deleteResponse(type: ResourceType, before: KubeObject, after: KubeObject, stillThere: boolean): unknown {
  if (type.key === PODS || type.key === NAMESPACES || stillThere) return after;
  return successStatus(200, {
    name: before.metadata.name,
    ...(type.group ? { group: type.group } : {}),
    kind: type.plural,
    uid: before.metadata.uid,
  });
}

async function remove(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
): Promise<void> {
  const options = deleteOptionsOf(url, parseJson(await readBody(req)));
  const before = requireObject(ctx, path);
  const after = ctx.store.delete(path.type.key, path.namespace, path.name!, options);
  const stillThere = !options.dryRun && Boolean(ctx.store.get(path.type.key, path.namespace, path.name!));
  sendJson(res, 200, deleteResponse(path.type, before, after, stillThere));
}

async function deleteCollection(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
): Promise<void> {
  const { type, namespace } = path;
  const options = deleteOptionsOf(url, parseJson(await readBody(req)));
  const filter = filterOf(url, type);
  const deleted: KubeObject[] = [];
  for (const object of ctx.store.list(type.key, namespace)) {
    if (!matches(filter, object)) continue;
    try {
      deleted.push(ctx.store.delete(type.key, object.metadata.namespace, object.metadata.name!, options));
    } catch {
      // Removed by a cascade earlier in this loop.
    }
  }
  const head = `{"kind":"${type.listKind}","apiVersion":"${groupVersionOf(type)}","metadata":{"resourceVersion":"${ctx.store.currentResourceVersion()}"},"items":[`;
  sendJson(res, 200, `${head}${deleted.map(toJson).join(",")}]}`);
}

// ---- subresources --------------------------------------------------------------------------

async function handleSubresource(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
): Promise<void> {
  const method = req.method ?? "GET";
  const { type, subresource } = path;
  if (!type.subresources?.includes(subresource!)) throw pathNotFound();
  if (subresource === "status") {
    if (method === "GET") return get(req, res, url, path, ctx);
    if (method === "PUT") return update(req, res, url, path, ctx, true);
    if (method === "PATCH") return patch(req, res, url, path, ctx, true);
    throw methodNotAllowed(method, type.kind);
  }
  if (type.key === PODS && subresource === "eviction" && method === "POST") return evict(req, res, url, path, ctx);
  if (type.key === PODS && subresource === "binding" && method === "POST") return bind(req, res, url, path, ctx);
  throw pathNotFound();
}

async function evict(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
): Promise<void> {
  const body = parseJson(await readBody(req));
  const deleteOptions = isPlainObject(body) && isPlainObject(body.deleteOptions) ? body.deleteOptions : {};
  requireObject(ctx, path);
  ctx.store.delete(PODS, path.namespace, path.name!, deleteOptionsOf(url, deleteOptions));
  sendJson(res, 201, successStatus(201));
}

/** pods/binding, as the scheduler posts it: sets spec.nodeName once. */
async function bind(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: ResourcePath,
  ctx: ResourceContext,
): Promise<void> {
  const body = parseJson(await readBody(req));
  const target =
    isPlainObject(body) && isPlainObject(body.target) ? (body.target.name as string | undefined) : undefined;
  if (!target)
    throw invalid("Binding", "", path.name!, [
      { reason: "FieldValueRequired", field: "target.name", message: "Required value" },
    ]);
  const pod = requireObject(ctx, path);
  if (pod.spec?.nodeName) {
    throw conflict(
      { plural: "pods/binding", group: "" },
      path.name!,
      `pod ${path.name} is already assigned to node "${pod.spec.nodeName}"`,
    );
  }
  if (pod.metadata.deletionTimestamp)
    throw statusError(409, "Conflict", `pod ${path.name} is being deleted, cannot be assigned to a host`);
  const bound = cloneObject(pod);
  bound.spec = { ...bound.spec, nodeName: target };
  ctx.store.update(PODS, bound, { ...writeOptions(url), internal: true });
  sendJson(res, 201, successStatus(201));
}
