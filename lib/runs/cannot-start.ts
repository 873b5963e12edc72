import "server-only";

import { and, asc, eq } from "drizzle-orm";

import { getDb } from "@/db";
import { users, type Project } from "@/db/schema";
import type { Actor } from "@/lib/permissions";
import { projectMemberList } from "@/lib/projects/queries";

/** A page where the missing setting is made, with what to do there. */
export interface FixLink {
  href: string;
  label: string;
}

/** What stops a run, who can fix it and where: shown by the form beside the refusal, and told by the API in words. */
export interface CannotStartHelp {
  /** For an admin: what to set; for anyone else: whom to ask. Pages show the links beside it. */
  advice: string;
  /** Where an admin fixes it (empty for users who cannot). */
  links: FixLink[];
}

/** The setting a blocking resolution error is about, in words ("a cluster", "an execution config"). */
function missingWhat(blocking: string): string {
  if (/cluster/.test(blocking)) return "a cluster";
  if (/Spark config/.test(blocking)) return "a Spark config";
  return "an execution config";
}

/** Berth admins by username (who may change instance defaults), for "ask …" messages. */
function adminNames(): string[] {
  return getDb()
    .select({ username: users.username })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.disabled, false)))
    .orderBy(asc(users.username))
    .all()
    .map((row) => row.username);
}

/**
 * For a run refused with `blocking` ("no cluster selected", "config not found: …"): an admin is
 * told what to set and where (instance default or the project's setting); anyone else whom to ask:
 * the Berth admins and the project's administrator groups.
 */
export function cannotStartHelp(blocking: string, project: Project, actor: Actor): CannotStartHelp {
  const what = missingWhat(blocking);
  const projectHref = `/projects/${encodeURIComponent(project.key)}`;
  if (actor.role === "admin") {
    return {
      advice: `Set ${what} as an instance default in Settings, or for project ${project.key} on its page.`,
      links: [
        { href: "/settings", label: "Set the instance defaults" },
        { href: projectHref, label: `Set project ${project.key}'s settings` },
      ],
    };
  }
  const admins = adminNames();
  const projectAdmins = projectMemberList(project.id)
    .filter((member) => member.role === "admin")
    .map((member) => member.group);
  const who = [
    admins.length ? `a Berth admin (${admins.join(", ")})` : "a Berth admin",
    ...(projectAdmins.length
      ? [
          `an administrator of project ${project.key} (${projectAdmins.length === 1 ? "group" : "groups"} ${projectAdmins.join(", ")})`,
        ]
      : []),
  ];
  return { advice: `Ask ${who.join(" or ")} to set ${what} for this project.`, links: [] };
}

/** The advice with where to go, for messages without links (the API): "… on its page: /settings or /projects/churn." */
export function cannotStartWords(help: CannotStartHelp): string {
  if (!help.links.length) return help.advice;
  return `${help.advice.replace(/\.$/, "")}: ${help.links.map((link) => link.href).join(" or ")}.`;
}
