import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listGroups } from "@/lib/groups/queries";
import { can } from "@/lib/permissions";
import { listUsers } from "@/lib/users/queries";

import { CreateUserForm } from "./_components/create-user-form";
import { UsersTable } from "./_components/users-table";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requirePermission("users.read");
  const users = listUsers();
  return (
    <>
      <PageHeader
        title="Users"
        description="Local accounts and accounts created by single sign-on. Admins can do everything; other rights come from groups."
      />
      <div className="space-y-6">
        <UsersTable users={users} />
        {can(actor, "users.manage") && (
          <Card title="New user" description="The user signs in with this username and password.">
            <CreateUserForm groupNames={listGroups().map((group) => group.name)} />
          </Card>
        )}
      </div>
    </>
  );
}
