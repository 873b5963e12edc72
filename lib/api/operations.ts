import { z } from "zod";
import { auditEventViewSchema, auditQuerySchema } from "@/lib/audit/schema";
import { createGroupSchema, groupViewSchema, setGroupMembersSchema, updateGroupSchema } from "@/lib/groups/schema";
import type { Permission } from "@/lib/permissions";
import { createTokenSchema, createdTokenSchema, tokenViewSchema } from "@/lib/tokens/schema";
import { createUserSchema, resetPasswordSchema, updateUserSchema, userViewSchema } from "@/lib/users/schema";
import { meSchema } from "./me";

/** One REST operation: the route handlers use these schemas, and the OpenAPI document is made from them. */
export interface ApiOperation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  permission?: Permission;
  /** Body schema; fields named in the path are taken from the path and left out of the body. */
  body?: z.ZodObject;
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  auth?: false;
}

const withoutPathFields = (schema: z.ZodObject, ...fields: string[]) =>
  schema.omit(Object.fromEntries(fields.map((field) => [field, true])) as never);

export const API_OPERATIONS: ApiOperation[] = [
  { method: "get", path: "/api/health", summary: "Liveness check", tag: "system", auth: false, response: z.object({ status: z.literal("ok") }) },
  { method: "get", path: "/api/v1/openapi.json", summary: "This document", tag: "system", auth: false },
  { method: "get", path: "/api/v1/me", summary: "The caller", tag: "users", response: meSchema },
  { method: "get", path: "/api/v1/users", summary: "List users", tag: "users", permission: "users.read", response: z.array(userViewSchema) },
  { method: "post", path: "/api/v1/users", summary: "Create a user", tag: "users", permission: "users.manage", body: createUserSchema, response: userViewSchema, status: 201 },
  { method: "get", path: "/api/v1/users/{user}", summary: "One user, by id or username", tag: "users", permission: "users.read", response: userViewSchema },
  { method: "patch", path: "/api/v1/users/{user}", summary: "Change role, display name, or disable", tag: "users", permission: "users.manage", body: withoutPathFields(updateUserSchema, "user"), response: userViewSchema },
  { method: "put", path: "/api/v1/users/{user}/password", summary: "Reset a user's password", tag: "users", permission: "users.manage", body: withoutPathFields(resetPasswordSchema, "user") },
  { method: "get", path: "/api/v1/groups", summary: "List groups with members", tag: "groups", permission: "groups.read", response: z.array(groupViewSchema) },
  { method: "post", path: "/api/v1/groups", summary: "Create a group", tag: "groups", permission: "groups.manage", body: createGroupSchema, response: groupViewSchema, status: 201 },
  { method: "get", path: "/api/v1/groups/{group}", summary: "One group, by id or name", tag: "groups", permission: "groups.read", response: groupViewSchema },
  { method: "patch", path: "/api/v1/groups/{group}", summary: "Change a group's description", tag: "groups", permission: "groups.manage", body: withoutPathFields(updateGroupSchema, "group"), response: groupViewSchema },
  { method: "delete", path: "/api/v1/groups/{group}", summary: "Delete a group", tag: "groups", permission: "groups.manage" },
  { method: "put", path: "/api/v1/groups/{group}/members", summary: "Replace a group's members", tag: "groups", permission: "groups.manage", body: withoutPathFields(setGroupMembersSchema, "group"), response: groupViewSchema },
  { method: "get", path: "/api/v1/tokens", summary: "The caller's API tokens (never their values)", tag: "tokens", permission: "tokens.own", response: z.array(tokenViewSchema) },
  { method: "post", path: "/api/v1/tokens", summary: "Create an API token; its value is returned this once", tag: "tokens", permission: "tokens.own", body: createTokenSchema, response: createdTokenSchema, status: 201 },
  { method: "delete", path: "/api/v1/tokens/{id}", summary: "Revoke an API token", tag: "tokens", permission: "tokens.own" },
  { method: "get", path: "/api/v1/audit", summary: "Audit events, newest first", tag: "audit", permission: "audit.read", query: auditQuerySchema, response: z.array(auditEventViewSchema) },
];
