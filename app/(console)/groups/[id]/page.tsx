import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { getGroupView } from "@/lib/groups/queries";
import { can } from "@/lib/permissions";
import { listUsers } from "@/lib/users/queries";

import { AddMemberForm, DeleteGroupButton, GroupDescriptionForm, RemoveMemberButton } from "../_components/group-forms";

export const metadata: Metadata = { title: "Group" };

export default async function GroupPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("groups.read");
  const group = getGroupView(decodeURIComponent((await params).id));
  if (!group) notFound();
  const manage = can(actor, "groups.manage");
  const candidates = manage
    ? listUsers()
        .map((user) => user.username)
        .filter((name) => !group.members.includes(name))
    : [];
  return (
    <>
      <PageHeader
        title={group.name}
        description={group.description || (group.source === "oidc" ? "From the identity provider" : undefined)}
        actions={
          manage ? (
            <DeleteGroupButton groupId={group.id} groupName={group.name} memberCount={group.members.length} />
          ) : undefined
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={`Members (${group.members.length})`}>
          {group.members.length === 0 ? (
            <p className="text-sm text-slate-500">No members yet.</p>
          ) : (
            <ul aria-label="Members" className="divide-y divide-slate-100">
              {group.members.map((username) => (
                <li key={username} className="flex items-center justify-between py-2">
                  <Link
                    href={`/users/${encodeURIComponent(username)}`}
                    className="text-sm text-brand-600 hover:underline"
                  >
                    {username}
                  </Link>
                  {manage && <RemoveMemberButton groupId={group.id} groupName={group.name} username={username} />}
                </li>
              ))}
            </ul>
          )}
          {manage && (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <AddMemberForm groupId={group.id} candidates={candidates} />
            </div>
          )}
        </Card>
        {manage && (
          <Card title="Details">
            <GroupDescriptionForm groupId={group.id} description={group.description} />
          </Card>
        )}
      </div>
    </>
  );
}
