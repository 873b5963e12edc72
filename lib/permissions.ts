/** Every permission Berth checks, with what it allows. Grants are data: roles below, groups later. */
export const PERMISSIONS = {
  "users.read": "See users and their groups",
  "users.manage": "Create and disable users, reset passwords, change roles",
  "groups.read": "See groups and their members",
  "groups.manage": "Create and delete groups, change members",
  "audit.read": "Read the audit log",
  "tokens.own": "Create and revoke one's own API tokens",
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES = ["admin", "user"] as const;
export type Role = (typeof ROLES)[number];

/** What each role grants; admin has every permission. */
const ROLE_GRANTS: Record<Role, readonly Permission[] | "all"> = {
  admin: "all",
  user: ["tokens.own"],
};

/** Who is acting: a signed-in user or the holder of an API token. */
export interface Actor {
  id: number;
  username: string;
  role: Role;
  groups: string[];
}

/** The one permission check, used by the action wrapper, route handlers and pages. */
export function can(actor: Actor | null | undefined, permission: Permission): boolean {
  if (!actor) return false;
  const grants = ROLE_GRANTS[actor.role];
  return grants === "all" || grants.includes(permission);
}
