import "server-only";

import { and, eq, inArray } from "drizzle-orm";

import type { Tx } from "@/db";
import { groupMembers, groups, users, type Group } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { findUser } from "@/lib/auth/actor";

import { findGroup, memberNames, toGroupView } from "./queries";
import {
  createGroupSchema,
  deleteGroupSchema,
  groupMemberSchema,
  setGroupMembersSchema,
  updateGroupSchema,
} from "./schema";

function requireGroup(tx: Tx, ref: string | number): Group {
  const group = findGroup(ref, tx);
  if (!group) throw notFound(`Group "${ref}"`);
  return group;
}

function groupAudit(group: Group) {
  return { objectType: "group", objectId: group.id, objectName: group.name };
}

export const createGroup = defineMutation({
  name: "group.create",
  permission: "groups.manage",
  schema: createGroupSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      // By name only: a name made of digits would be looked up as an id.
      if (tx.select({ id: groups.id }).from(groups).where(eq(groups.name, input.name)).get())
        throw conflict("name", `A group named "${input.name}" already exists`);
      const group = tx.insert(groups).values({ name: input.name, description: input.description }).returning().get();
      return {
        result: toGroupView(group, []),
        audit: { ...groupAudit(group), after: { name: group.name, description: group.description } },
      };
    });
  },
});

export const updateGroup = defineMutation({
  name: "group.update",
  permission: "groups.manage",
  schema: updateGroupSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requireGroup(tx, input.group);
      const after = tx
        .update(groups)
        .set({ description: input.description, updatedAt: new Date() })
        .where(eq(groups.id, before.id))
        .returning()
        .get();
      return {
        result: toGroupView(after, memberNames(after.id, tx)),
        audit: {
          ...groupAudit(after),
          before: { description: before.description },
          after: { description: after.description },
        },
      };
    });
  },
});

export const deleteGroup = defineMutation({
  name: "group.delete",
  permission: "groups.manage",
  schema: deleteGroupSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const group = requireGroup(tx, input.group);
      const members = memberNames(group.id, tx);
      tx.delete(groups).where(eq(groups.id, group.id)).run();
      return {
        result: { id: group.id, name: group.name },
        audit: { ...groupAudit(group), before: { name: group.name, description: group.description, members } },
      };
    });
  },
});

/** Replaces the member list; every username must exist. */
export const setGroupMembers = defineMutation({
  name: "group.set-members",
  permission: "groups.manage",
  schema: setGroupMembersSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const group = requireGroup(tx, input.group);
      const wanted = [...new Set(input.usernames)];
      const found = wanted.length ? tx.select().from(users).where(inArray(users.username, wanted)).all() : [];
      const missing = wanted.filter((name) => !found.some((user) => user.username === name));
      if (missing.length)
        throw new DomainError(422, "Unknown users", { usernames: missing.map((name) => `No user named "${name}"`) });
      const before = memberNames(group.id, tx);
      tx.delete(groupMembers).where(eq(groupMembers.groupId, group.id)).run();
      for (const user of found) tx.insert(groupMembers).values({ groupId: group.id, userId: user.id }).run();
      const after = memberNames(group.id, tx);
      return {
        result: toGroupView(group, after),
        audit: { ...groupAudit(group), before: { members: before }, after: { members: after } },
      };
    });
  },
});

export const addGroupMember = defineMutation({
  name: "group.add-member",
  permission: "groups.manage",
  schema: groupMemberSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const group = requireGroup(tx, input.group);
      const user = findUser(input.username, tx);
      if (!user) throw new DomainError(422, "Unknown user", { username: [`No user named "${input.username}"`] });
      const before = memberNames(group.id, tx);
      if (before.includes(user.username))
        throw conflict("username", `${user.username} is already a member of ${group.name}`);
      tx.insert(groupMembers).values({ groupId: group.id, userId: user.id }).run();
      const after = memberNames(group.id, tx);
      return {
        result: toGroupView(group, after),
        audit: { ...groupAudit(group), before: { members: before }, after: { members: after } },
      };
    });
  },
});

export const removeGroupMember = defineMutation({
  name: "group.remove-member",
  permission: "groups.manage",
  schema: groupMemberSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const group = requireGroup(tx, input.group);
      const user = findUser(input.username, tx);
      const before = memberNames(group.id, tx);
      if (!user || !before.includes(user.username)) throw notFound(`Member "${input.username}" of ${group.name}`);
      tx.delete(groupMembers)
        .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, user.id)))
        .run();
      const after = memberNames(group.id, tx);
      return {
        result: toGroupView(group, after),
        audit: { ...groupAudit(group), before: { members: before }, after: { members: after } },
      };
    });
  },
});
