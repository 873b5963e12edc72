import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import type { UserView } from "@/lib/users/schema";

export function UsersTable({ users }: { users: UserView[] }) {
  return (
    <Table label="Users">
      <thead>
        <tr>
          <Th>Username</Th>
          <Th>Name</Th>
          <Th>Role</Th>
          <Th>Groups</Th>
          <Th>Status</Th>
          <Th>Last sign-in</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {users.map((user) => (
          <tr key={user.id}>
            <Td>
              <Link href={`/users/${user.id}`} className="font-medium text-brand-600 hover:underline">
                {user.username}
              </Link>
              {user.authSource === "oidc" && <span className="ml-2 text-xs text-slate-400">SSO</span>}
            </Td>
            <Td>{user.displayName ?? "—"}</Td>
            <Td>
              <Badge tone={user.role === "admin" ? "blue" : "gray"}>{user.role}</Badge>
            </Td>
            <Td>{user.groups.length ? user.groups.join(", ") : <span className="text-slate-400">none</span>}</Td>
            <Td>{user.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}</Td>
            <Td className="whitespace-nowrap text-slate-500">
              {user.lastSignInAt ? formatDateTime(user.lastSignInAt) : "never"}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
