import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { listClusters } from "@/lib/clusters/queries";
import { baseImageToForm } from "@/lib/images/form";
import { baseImageSpec, findBaseImage } from "@/lib/images/queries";

import { BaseImageForm } from "../../_components/base-image-form";
import { updateBaseImageAction } from "../../actions";

export const metadata: Metadata = { title: "Edit base image" };

export default async function EditBaseImagePage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("images.manage");
  const row = findBaseImage(decodeURIComponent((await params).id));
  if (!row) notFound();
  return (
    <>
      <PageHeader
        title={`Edit ${row.name}`}
        description={`Version ${row.version}. Saving makes version ${row.version + 1}; if someone saves first, you see their change instead of overwriting it.`}
        actions={
          <Link
            href={`/images/${encodeURIComponent(row.name)}`}
            className="text-sm font-medium text-brand-600 hover:underline"
          >
            Back to {row.name}
          </Link>
        }
      />
      <Card>
        {/* Keyed by version: after "reload" the form starts again from the version now saved. */}
        <BaseImageForm
          key={row.version}
          action={updateBaseImageAction}
          values={baseImageToForm(baseImageSpec(row))}
          clusterNames={listClusters().map((cluster) => cluster.name)}
          baseImageId={row.id}
          version={row.version}
        />
      </Card>
    </>
  );
}
