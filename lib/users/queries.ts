import "server-only";

import { asc } from "drizzle-orm";

import { getDb } from "@/db";
import { users, type User } from "@/db/schema";
import { findUser, groupNamesByUser } from "@/lib/auth/actor";

import type { UserView } from "./schema";

export function toUserView(user: User, groupNames: string[]): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    authSource: user.authSource,
    disabled: user.disabled,
    groups: groupNames,
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}

export function listUsers(): UserView[] {
  const rows = getDb().select().from(users).orderBy(asc(users.username)).all();
  const names = groupNamesByUser(rows.map((row) => row.id));
  return rows.map((row) => toUserView(row, names.get(row.id) ?? []));
}

export function getUserView(ref: string | number): UserView | undefined {
  const user = findUser(ref);
  return user && toUserView(user, groupNamesByUser([user.id]).get(user.id) ?? []);
}
