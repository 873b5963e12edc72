import "server-only";

import { asc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { groupMembers, groups, users, type Group } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";

import type { GroupView } from "./schema";

type Reader = ReturnType<typeof getDb> | Tx;

/** Finds a group by numeric id or by name. */
export function findGroup(ref: string | number, db: Reader = getDb()): Group | undefined {
  const byId = typeof ref === "number" || /^\d+$/.test(ref);
  return db
    .select()
    .from(groups)
    .where(byId ? eq(groups.id, Number(ref)) : eq(groups.name, String(ref)))
    .get();
}

export function memberNames(groupId: number, db: Reader = getDb()): string[] {
  return db
    .select({ username: users.username })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(eq(groupMembers.groupId, groupId))
    .orderBy(asc(users.username))
    .all()
    .map((row) => row.username);
}

export function toGroupView(group: Group, members: string[]): GroupView {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    source: group.source,
    members,
    createdAt: group.createdAt.toISOString(),
  };
}

export function listGroups(): GroupView[] {
  const db = getDb();
  const rows = db.select().from(groups).orderBy(asc(groups.name)).all();
  const memberships = db
    .select({ groupId: groupMembers.groupId, username: users.username })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .orderBy(asc(users.username))
    .all();
  return rows.map((group) =>
    toGroupView(
      group,
      memberships.filter((row) => row.groupId === group.id).map((row) => row.username),
    ),
  );
}

export function getGroupView(ref: string | number): GroupView | undefined {
  const group = findGroup(ref);
  return group && toGroupView(group, memberNames(group.id));
}

/**
 * The groups a list of grants names, in its order. An unknown group is a 422 at its own field
 * (`grants.N.group`), all of them at once, before anything is saved.
 */
export function requireGrantGroups(grants: { group: string }[], tx: Tx): Group[] {
  const found = grants.map((grant) => tx.select().from(groups).where(eq(groups.name, grant.group)).get());
  const fieldErrors: Record<string, string[]> = {};
  grants.forEach((grant, index) => {
    if (!found[index]) fieldErrors[`grants.${index}.group`] = [`No group named "${grant.group}"`];
  });
  if (Object.keys(fieldErrors).length) throw new DomainError(422, "Unknown groups", fieldErrors);
  return found as Group[];
}
