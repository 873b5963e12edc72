import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { clusterChoices } from "@/lib/namespace-policies/queries";

import { PolicyForm } from "../_components/policy-forms";
import { createPolicyAction } from "../actions";

export const metadata: Metadata = { title: "New namespace policy" };

export default async function NewPolicyPage() {
  await requirePermission("policies.manage");
  return (
    <>
      <PageHeader
        title="New namespace policy"
        description="After saving, apply it to the matching namespaces of a cluster from the policy's page (dry run first)."
      />
      <Card>
        <PolicyForm action={createPolicyAction} clusters={clusterChoices().map((cluster) => cluster.name)} />
      </Card>
    </>
  );
}
