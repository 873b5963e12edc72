import type { Metadata } from "next";
import Link from "next/link";

import { YamlImportForm } from "@/components/objects/yaml-import-form";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listPolicies } from "@/lib/namespace-policies/queries";
import { can } from "@/lib/permissions";

import { importPolicyAction } from "./actions";

export const metadata: Metadata = { title: "Namespace policies" };

export default async function NamespacePoliciesPage() {
  const actor = await requirePermission("policies.read");
  const manage = can(actor, "policies.manage");
  const policies = listPolicies();
  return (
    <>
      <PageHeader
        title="Namespace policies"
        description="A namespace name pattern → ResourceQuota and LimitRange templates, applied by server-side apply whenever Berth creates a namespace and on “Apply now”. When several match, the lowest priority wins."
        actions={
          manage ? (
            <Link href="/namespace-policies/new" className={buttonClasses("primary")}>
              New policy
            </Link>
          ) : undefined
        }
      />
      <div className="space-y-6">
        {policies.length === 0 ? (
          <EmptyState title="No namespace policies yet">
            {manage ? "Create one, or import a YAML document below." : "An administrator has not defined any."}
          </EmptyState>
        ) : (
          <Table label="Namespace policies">
            <thead>
              <tr>
                <Th>Priority</Th>
                <Th>Name</Th>
                <Th>Pattern</Th>
                <Th>Quota</Th>
                <Th>Limits</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {policies.map((policy) => (
                <tr key={policy.id}>
                  <Td>{policy.priority}</Td>
                  <Td>
                    <Link
                      href={`/namespace-policies/${encodeURIComponent(policy.name)}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      {policy.name}
                    </Link>
                    {policy.description && <p className="text-xs text-slate-500">{policy.description}</p>}
                  </Td>
                  <Td className="font-mono text-xs">{policy.pattern}</Td>
                  <Td className="text-xs">
                    {policy.resourceQuota ? (
                      Object.entries(policy.resourceQuota.hard)
                        .map(([key, value]) => `${key}=${value}`)
                        .join(", ")
                    ) : (
                      <span className="text-slate-400">none</span>
                    )}
                  </Td>
                  <Td className="text-xs">
                    {policy.limitRange ? (
                      policy.limitRange.limits.map((item) => item.type).join(", ")
                    ) : (
                      <span className="text-slate-400">none</span>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {manage && (
          <Card
            title="Import YAML"
            description="A NamespacePolicy document (as exported from a policy's page) creates the policy, or saves a new version of the one with its name."
          >
            <YamlImportForm action={importPolicyAction} successMessage="Namespace policy imported." />
          </Card>
        )}
      </div>
    </>
  );
}
