import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";

import { AttachClusterForm } from "../_components/attach-cluster-form";

export const metadata: Metadata = { title: "Attach cluster" };

export default async function AttachClusterPage() {
  await requirePermission("clusters.create");
  return (
    <>
      <PageHeader
        title="Attach cluster"
        description="Paste or upload the kubeconfig Berth should use, then choose its context. Berth needs to list nodes and manage pods, jobs and namespaces."
      />
      <Card>
        <AttachClusterForm />
      </Card>
    </>
  );
}
