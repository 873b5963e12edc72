import "server-only";

import { NextResponse } from "next/server";
import type { z } from "zod";

import type { Mutation } from "@/lib/actions/mutation";
import { listAuditEvents } from "@/lib/audit/queries";
import type { Actor, Permission } from "@/lib/permissions";

import { apiRoute, readJsonBody, respondWithMutation } from "./handler";

/**
 * What the history, YAML, restore and import routes of one kind of versioned object need to know.
 * A permission left out is checked further in (per project or cluster) by the lookup or mutation.
 */
export interface VersionedObject<
  Row extends { id: number },
  Restore extends z.ZodType = z.ZodType,
  Import extends z.ZodType = z.ZodType,
> {
  /** The path parameter that names the object; the restore mutation reads the object from the same key. */
  param: string;
  readPermission?: Permission;
  managePermission?: Permission;
  /** Import creates objects, which some kinds guard with a permission of its own. */
  importPermission?: Permission;
  /** The object the path names as the caller may see it; throws DomainError (404, or 403) otherwise. */
  find(actor: Actor, ref: string): Row;
  /** The audit rows of the object are its history. */
  objectType: string;
  historyLimit: number;
  yaml: { text(row: Row): string; filename(row: Row): string };
  restore: Mutation<Restore, unknown>;
  /** Takes `{ yaml }`: creates the object of the document, or saves it as the next version of the one of that name. */
  import: Mutation<Import, unknown>;
}

/** GET …/{object}/history: the object's audit rows, newest first. */
export function historyRoute<Row extends { id: number }>(
  object: Pick<VersionedObject<Row>, "readPermission" | "find" | "objectType" | "historyLimit" | "param">,
) {
  return apiRoute({ permission: object.readPermission }, ({ actor, params }) => {
    const row = object.find(actor, params[object.param]);
    return NextResponse.json(
      listAuditEvents({ objectType: object.objectType, objectId: String(row.id), limit: object.historyLimit }),
    );
  });
}

/** GET …/{object}/yaml: the object as an importable YAML document, offered as a download. */
export function yamlRoute<Row extends { id: number }>(
  object: Pick<VersionedObject<Row>, "readPermission" | "find" | "param" | "yaml">,
) {
  return apiRoute({ permission: object.readPermission }, ({ actor, params }) => {
    const row = object.find(actor, params[object.param]);
    return new Response(object.yaml.text(row), {
      headers: {
        "Content-Type": "application/yaml; charset=utf-8",
        "Content-Disposition": `attachment; filename="${object.yaml.filename(row)}"`,
      },
    });
  });
}

/** POST …/{object}/restore `{ auditEventId, … }`: saves that version again as the newest one. */
export function restoreRoute<S extends z.ZodType>(
  object: Pick<VersionedObject<{ id: number }, S>, "managePermission" | "param" | "restore">,
) {
  return apiRoute({ permission: object.managePermission }, async ({ actor, params, request }) =>
    respondWithMutation(
      object.restore,
      { ...(await readJsonBody(request)), [object.param]: params[object.param] },
      actor,
    ),
  );
}

/** POST …/import `{ yaml }`: 200 with the created or updated object. */
export function importRoute<S extends z.ZodType>(
  object: Pick<VersionedObject<{ id: number }, z.ZodType, S>, "managePermission" | "importPermission" | "import">,
) {
  return apiRoute({ permission: object.importPermission ?? object.managePermission }, async ({ actor, request }) =>
    respondWithMutation(object.import, await readJsonBody(request), actor),
  );
}
