import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { can } from "@/lib/permissions";
import { getUserView } from "@/lib/users/queries";

import { ProfileForm, ResetPasswordForm, UserStatusButton } from "../_components/user-forms";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("users.read");
  const { id } = await params;
  const user = getUserView(id);
  if (!user) notFound();
  const manage = can(actor, "users.manage");
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {user.username}
            <Badge tone={user.role === "admin" ? "blue" : "gray"}>{user.role}</Badge>
            {user.disabled && <Badge tone="red">disabled</Badge>}
          </span>
        }
        description={`Created ${formatDateTime(user.createdAt)} · ${user.authSource === "oidc" ? "signs in through single sign-on" : "local account"} · last sign-in ${user.lastSignInAt ? formatDateTime(user.lastSignInAt) : "never"}`}
        actions={
          manage && user.id !== actor.id ? (
            <UserStatusButton userId={user.id} username={user.username} disabled={user.disabled} />
          ) : undefined
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Groups">
          {user.groups.length ? (
            <ul className="flex flex-wrap gap-2">
              {user.groups.map((group) => (
                <li key={group}>
                  <Link
                    href={`/groups/${encodeURIComponent(group)}`}
                    className="text-sm text-brand-600 hover:underline"
                  >
                    {group}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">Not in any group.</p>
          )}
        </Card>
        {manage && (
          <Card title="Profile">
            <ProfileForm user={user} isSelf={user.id === actor.id} />
          </Card>
        )}
        {manage && user.authSource === "local" && (
          <Card title="Reset password" description="The user signs in with the new password from now on.">
            <ResetPasswordForm userId={user.id} />
          </Card>
        )}
      </div>
    </>
  );
}
