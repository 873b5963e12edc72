import type { Metadata } from "next";
import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listGroups } from "@/lib/groups/queries";
import { can } from "@/lib/permissions";

import { CreateGroupForm } from "./_components/group-forms";

export const metadata: Metadata = { title: "Groups" };

export default async function GroupsPage() {
  const actor = await requirePermission("groups.read");
  const groups = listGroups();
  return (
    <>
      <PageHeader
        title="Groups"
        description="Groups decide who may use which configs and clusters. Groups from single sign-on are kept in step with the provider at each sign-in."
      />
      <div className="space-y-6">
        {groups.length === 0 ? (
          <EmptyState title="No groups yet">Create one below, then add users to it.</EmptyState>
        ) : (
          <Table label="Groups">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Description</Th>
                <Th>Members</Th>
                <Th>Source</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {groups.map((group) => (
                <tr key={group.id}>
                  <Td>
                    <Link href={`/groups/${group.id}`} className="font-medium text-brand-600 hover:underline">
                      {group.name}
                    </Link>
                  </Td>
                  <Td>{group.description || <span className="text-slate-400">—</span>}</Td>
                  <Td>
                    {group.members.length ? group.members.join(", ") : <span className="text-slate-400">none</span>}
                  </Td>
                  <Td>
                    <Badge tone={group.source === "oidc" ? "blue" : "gray"}>
                      {group.source === "oidc" ? "SSO" : "local"}
                    </Badge>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {can(actor, "groups.manage") && (
          <Card title="New group">
            <CreateGroupForm />
          </Card>
        )}
      </div>
    </>
  );
}
