/** Every permission Berth checks, with what it allows. Grants are data: roles, cluster grants, project roles. */
export const PERMISSIONS = {
  "users.read": "See users and their groups",
  "users.manage": "Create and disable users, reset passwords, change roles",
  "groups.read": "See groups and their members",
  "groups.manage": "Create and delete groups, change members",
  "audit.read": "Read the audit log",
  "tokens.own": "Create and revoke one's own API tokens",
  "clusters.read": "See clusters and their status",
  "clusters.create": "Attach new clusters",
  "clusters.use": "Run work on a cluster (scoped to a cluster)",
  "clusters.operate": "Edit a cluster, delete pods, run cleanups (scoped to a cluster)",
  "clusters.manage": "Change who may use, operate or manage a cluster, and remove it (scoped to a cluster)",
  "dockerHosts.read": "See Docker hosts and their status",
  "dockerHosts.create": "Attach new Docker hosts",
  "dockerHosts.use": "Run containers on a Docker host (scoped to a Docker host)",
  "dockerHosts.operate": "Edit a Docker host (scoped to a Docker host)",
  "dockerHosts.manage":
    "Change who may use, operate or manage a Docker host, replace its connection, and remove it (scoped to a Docker host)",
  "configs.read": "See execution and Spark configs",
  "configs.manage": "Create, change and delete execution and Spark configs",
  "policies.read": "See namespace policies",
  "policies.manage": "Create, change, delete and apply namespace policies",
  "settings.manage": "Change the instance defaults",
  "projects.create": "Create projects",
  "projects.read": "See a project and its effective settings (scoped to a project)",
  "projects.contribute": "Run work in a project (scoped to a project)",
  "projects.manage": "Change a project's settings, members and overrides (scoped to a project)",
  "images.read": "See base images, code environments and their builds",
  "images.manage": "Create, change, delete and build base images and code environments",
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES = ["admin", "user"] as const;
export type Role = (typeof ROLES)[number];

export const CLUSTER_LEVELS = ["use", "operate", "manage"] as const;
export type ClusterLevel = (typeof CLUSTER_LEVELS)[number];

export const PROJECT_ROLES = ["reader", "contributor", "admin"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/** Who is acting: a signed-in user or the holder of an API token, with the grants of their groups. */
export interface Actor {
  id: number;
  username: string;
  role: Role;
  groups: string[];
  /** The highest level any of the actor's groups holds, per cluster id. */
  clusterLevels?: Record<number, ClusterLevel>;
  /** The highest level any of the actor's groups holds, per Docker host id (the same levels as clusters). */
  dockerHostLevels?: Record<number, ClusterLevel>;
  /** The highest role any of the actor's groups holds, per project id. */
  projectRoles?: Record<number, ProjectRole>;
}

export type Scope = { cluster: number } | { project: number } | { dockerHost: number };

/** Unscoped grants of each role; admin has every permission everywhere. */
const ROLE_GRANTS: Record<Role, readonly Permission[] | "all"> = {
  admin: "all",
  user: ["tokens.own", "clusters.read", "dockerHosts.read", "configs.read", "policies.read", "images.read"],
};

/** The least cluster level or project role that grants each scoped permission. */
const CLUSTER_PERMISSION_LEVEL: Partial<Record<Permission, ClusterLevel>> = {
  "clusters.use": "use",
  "clusters.operate": "operate",
  "clusters.manage": "manage",
};
const DOCKER_HOST_PERMISSION_LEVEL: Partial<Record<Permission, ClusterLevel>> = {
  "dockerHosts.use": "use",
  "dockerHosts.operate": "operate",
  "dockerHosts.manage": "manage",
};
const PROJECT_PERMISSION_ROLE: Partial<Record<Permission, ProjectRole>> = {
  "projects.read": "reader",
  "projects.contribute": "contributor",
  "projects.manage": "admin",
};

/** The higher of two ranked values (e.g. two groups' cluster levels). */
export function higher<T extends string>(ranking: readonly T[], a: T | undefined, b: T): T {
  return a && ranking.indexOf(a) >= ranking.indexOf(b) ? a : b;
}

/** The one permission check, used by the action wrapper, route handlers and pages. */
export function can(actor: Actor | null | undefined, permission: Permission, scope?: Scope): boolean {
  if (!actor) return false;
  const grants = ROLE_GRANTS[actor.role];
  if (grants === "all" || grants.includes(permission)) return true;
  if (scope && "cluster" in scope) {
    const needed = CLUSTER_PERMISSION_LEVEL[permission];
    const held = actor.clusterLevels?.[scope.cluster];
    return Boolean(needed && held && CLUSTER_LEVELS.indexOf(held) >= CLUSTER_LEVELS.indexOf(needed));
  }
  if (scope && "dockerHost" in scope) {
    const needed = DOCKER_HOST_PERMISSION_LEVEL[permission];
    const held = actor.dockerHostLevels?.[scope.dockerHost];
    return Boolean(needed && held && CLUSTER_LEVELS.indexOf(held) >= CLUSTER_LEVELS.indexOf(needed));
  }
  if (scope && "project" in scope) {
    const needed = PROJECT_PERMISSION_ROLE[permission];
    const held = actor.projectRoles?.[scope.project];
    return Boolean(needed && held && PROJECT_ROLES.indexOf(held) >= PROJECT_ROLES.indexOf(needed));
  }
  return false;
}

/** Whether a config's "usable by" lets this actor use it. Admins may use everything. */
export function mayUse(actor: Actor, usableBy: "all" | { groups: string[] }): boolean {
  return actor.role === "admin" || usableBy === "all" || usableBy.groups.some((group) => actor.groups.includes(group));
}
