import "server-only";

import { asc, eq, inArray } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import {
  clusterGrants,
  clusters,
  dockerHostGrants,
  dockerHosts,
  groupMembers,
  groups,
  projectMembers,
  users,
  type User,
} from "@/db/schema";
import {
  CLUSTER_LEVELS,
  higher,
  PROJECT_ROLES,
  type Actor,
  type ClusterLevel,
  type ProjectRole,
} from "@/lib/permissions";

// Who is acting, read from the user, group and grant tables. It sits in lib/auth, below lib/users,
// because the users area's own mutations go through the action wrapper, which needs the actor first.

type Reader = ReturnType<typeof getDb> | Tx;

/** Finds a user by numeric id or by username. */
export function findUser(ref: string | number, db: Reader = getDb()): User | undefined {
  const byId = typeof ref === "number" || /^\d+$/.test(ref);
  return db
    .select()
    .from(users)
    .where(byId ? eq(users.id, Number(ref)) : eq(users.username, String(ref)))
    .get();
}

/** Group names per user id, for the given users. */
export function groupNamesByUser(userIds: number[], db: Reader = getDb()): Map<number, string[]> {
  const result = new Map<number, string[]>();
  if (userIds.length === 0) return result;
  const rows = db
    .select({ userId: groupMembers.userId, name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(inArray(groupMembers.userId, userIds))
    .orderBy(asc(groups.name))
    .all();
  for (const row of rows) result.set(row.userId, [...(result.get(row.userId) ?? []), row.name]);
  return result;
}

/** The actor for a user id with their groups' grants, or null when the user is gone or disabled. */
export function actorForUser(userId: number): Actor | null {
  const db = getDb();
  const user = findUser(userId, db);
  if (!user || user.disabled) return null;
  const groupIds = db
    .select({ id: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.userId, user.id))
    .all()
    .map((row) => row.id);
  const clusterLevels: Record<number, ClusterLevel> = {};
  const projectRoles: Record<number, ProjectRole> = {};
  const dockerHostLevels: Record<number, ClusterLevel> = {};
  for (const host of db.select({ id: dockerHosts.id }).from(dockerHosts).where(eq(dockerHosts.usableByAll, true)).all())
    dockerHostLevels[host.id] = "use";
  // A cluster usable by everyone grants "use" without a group (a group may still grant more).
  for (const cluster of db.select({ id: clusters.id }).from(clusters).where(eq(clusters.usableByAll, true)).all())
    clusterLevels[cluster.id] = "use";
  if (groupIds.length) {
    for (const grant of db.select().from(clusterGrants).where(inArray(clusterGrants.groupId, groupIds)).all()) {
      clusterLevels[grant.clusterId] = higher(CLUSTER_LEVELS, clusterLevels[grant.clusterId], grant.level);
    }
    for (const grant of db.select().from(dockerHostGrants).where(inArray(dockerHostGrants.groupId, groupIds)).all()) {
      dockerHostLevels[grant.dockerHostId] = higher(CLUSTER_LEVELS, dockerHostLevels[grant.dockerHostId], grant.level);
    }
    for (const member of db.select().from(projectMembers).where(inArray(projectMembers.groupId, groupIds)).all()) {
      projectRoles[member.projectId] = higher(PROJECT_ROLES, projectRoles[member.projectId], member.role);
    }
  }
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    groups: groupNamesByUser([user.id], db).get(user.id) ?? [],
    clusterLevels,
    dockerHostLevels,
    projectRoles,
  };
}
