import "server-only";

import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";

import { can, type Actor, type Permission } from "@/lib/permissions";

import { actorForUser } from "./actor";
import { authOptions } from "./options";

/** The signed-in user, re-read from the database so a disabled user loses access at once. */
export async function currentActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions());
  const userId = (session as { userId?: number } | null)?.userId;
  return typeof userId === "number" ? actorForUser(userId) : null;
}

/** For pages: the actor, or a redirect to sign-in. */
export async function requireActor(): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  return actor;
}

/** For pages: the actor if they hold the permission, else the 403 page. */
export async function requirePermission(permission: Permission): Promise<Actor> {
  const actor = await requireActor();
  if (!can(actor, permission)) forbidden();
  return actor;
}
