import "server-only";

import { and, count, eq, inArray, ne } from "drizzle-orm";

import type { Tx } from "@/db";
import { groupMembers, groups, users, type User } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { findUser, groupNamesByUser } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";

import { toUserView } from "./queries";
import { createUserSchema, resetPasswordSchema, updateUserSchema } from "./schema";

function auditView(user: User, groupNames: string[]) {
  const { id, username, displayName, role, disabled } = user;
  return { id, username, displayName, role, disabled, groups: groupNames };
}

function requireUser(tx: Tx, ref: string | number): User {
  const user = findUser(ref, tx);
  if (!user) throw notFound(`User "${ref}"`);
  return user;
}

/** Refuses a change that would leave no enabled admin. */
function assertAnotherAdminRemains(tx: Tx, user: User) {
  const others = tx
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.disabled, false), ne(users.id, user.id)))
    .get();
  if (!others?.n) throw new DomainError(409, "Berth needs at least one enabled admin");
}

export const createUser = defineMutation({
  name: "user.create",
  permission: "users.manage",
  schema: createUserSchema,
  async run(input, ctx) {
    const passwordHash = await hashPassword(input.password);
    return ctx.write((tx) => {
      // By name only: a username made of digits would be looked up as an id.
      if (tx.select({ id: users.id }).from(users).where(eq(users.username, input.username)).get())
        throw conflict("username", `A user named "${input.username}" already exists`);
      const groupRows = input.groups.length
        ? tx.select().from(groups).where(inArray(groups.name, input.groups)).all()
        : [];
      const missing = input.groups.filter((name) => !groupRows.some((group) => group.name === name));
      if (missing.length)
        throw new DomainError(422, "Unknown groups", { groups: missing.map((name) => `No group named "${name}"`) });
      const user = tx
        .insert(users)
        .values({ username: input.username, passwordHash, role: input.role, displayName: input.displayName || null })
        .returning()
        .get();
      for (const group of groupRows) tx.insert(groupMembers).values({ groupId: group.id, userId: user.id }).run();
      const groupNames = groupRows.map((group) => group.name).sort();
      return {
        result: toUserView(user, groupNames),
        audit: { objectType: "user", objectId: user.id, objectName: user.username, after: auditView(user, groupNames) },
      };
    });
  },
});

export const updateUser = defineMutation({
  name: "user.update",
  permission: "users.manage",
  schema: updateUserSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requireUser(tx, input.user);
      const demotes = input.role === "user" && before.role === "admin";
      const disables = input.disabled === true && !before.disabled;
      if (before.id === ctx.actor.id && (demotes || disables)) {
        throw new DomainError(409, "You cannot disable yourself or remove your own admin role");
      }
      if (before.role === "admin" && (demotes || disables)) assertAnotherAdminRemains(tx, before);
      const after = tx
        .update(users)
        .set({
          role: input.role ?? before.role,
          disabled: input.disabled ?? before.disabled,
          displayName: input.displayName === undefined ? before.displayName : input.displayName || null,
          updatedAt: new Date(),
        })
        .where(eq(users.id, before.id))
        .returning()
        .get();
      const groupNames = groupNamesByUser([after.id], tx).get(after.id) ?? [];
      return {
        result: toUserView(after, groupNames),
        audit: {
          action: disables ? "user.disable" : input.disabled === false && before.disabled ? "user.enable" : undefined,
          objectType: "user",
          objectId: after.id,
          objectName: after.username,
          before: auditView(before, groupNames),
          after: auditView(after, groupNames),
        },
      };
    });
  },
});

export const resetPassword = defineMutation({
  name: "user.reset-password",
  permission: "users.manage",
  schema: resetPasswordSchema,
  async run(input, ctx) {
    const passwordHash = await hashPassword(input.password);
    return ctx.write((tx) => {
      const user = requireUser(tx, input.user);
      if (user.authSource === "oidc")
        throw new DomainError(409, "This user signs in through single sign-on and has no Berth password");
      tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id)).run();
      return {
        result: { id: user.id, username: user.username },
        audit: { objectType: "user", objectId: user.id, objectName: user.username, after: { password: "changed" } },
      };
    });
  },
});
