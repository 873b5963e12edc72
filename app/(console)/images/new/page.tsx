import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listClusters } from "@/lib/clusters/queries";

import { BaseImageForm } from "../_components/base-image-form";
import { createBaseImageAction } from "../actions";

export const metadata: Metadata = { title: "New base image" };

export default async function NewBaseImagePage() {
  await requirePermission("images.manage");
  return (
    <>
      <PageHeader
        title="New base image"
        description="Berth generates the Dockerfile from these choices; its detail page shows the exact text before you build."
      />
      <Card>
        <BaseImageForm
          action={createBaseImageAction}
          values={{ r: false, cuda: false }}
          clusterNames={listClusters().map((cluster) => cluster.name)}
        />
      </Card>
    </>
  );
}
