import type { Metadata } from "next";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { listTokens } from "@/lib/tokens/queries";

import { CreateTokenForm, RevokeTokenButton } from "./_components/token-forms";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const actor = await requirePermission("tokens.own");
  const tokens = listTokens(actor.id);
  return (
    <>
      <PageHeader
        title="Your account"
        description={`${actor.username} · ${actor.role}${actor.groups.length ? ` · groups: ${actor.groups.join(", ")}` : " · in no group"}`}
      />
      <div className="space-y-6">
        <Card
          title="API tokens"
          description="Personal tokens for the REST API. They act as you, with your permissions."
        >
          {tokens.length === 0 ? (
            <p className="text-sm text-slate-500">You have no tokens.</p>
          ) : (
            <Table label="API tokens">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>Starts with</Th>
                  <Th>Created</Th>
                  <Th>Last used</Th>
                  <Th>Status</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((token) => (
                  <tr key={token.id}>
                    <Td className="font-medium">{token.name}</Td>
                    <Td>
                      <code className="text-xs">{token.prefix}…</code>
                    </Td>
                    <Td className="whitespace-nowrap">{formatDateTime(token.createdAt)}</Td>
                    <Td className="whitespace-nowrap">
                      {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "never"}
                    </Td>
                    <Td>{token.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}</Td>
                    <Td className="text-right">
                      {!token.revokedAt && <RevokeTokenButton id={token.id} name={token.name} />}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        <Card title="New token">
          <CreateTokenForm />
        </Card>
      </div>
    </>
  );
}
