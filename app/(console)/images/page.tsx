import type { Metadata } from "next";
import Link from "next/link";

import { YamlImportForm } from "@/components/objects/yaml-import-form";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listBaseImages } from "@/lib/images/queries";
import { can } from "@/lib/permissions";

import { BuildStatusBadge, RevisionBadge } from "./_components/build-status";
import { importBaseImageAction } from "./actions";

export const metadata: Metadata = { title: "Base images" };

export default async function ImagesPage() {
  const actor = await requirePermission("images.read");
  const manage = can(actor, "images.manage");
  const images = listBaseImages();
  return (
    <>
      <PageHeader
        title="Base images"
        description="The images containerized work starts from: Python, R and CUDA support, extra packages and Dockerfile fragments, built inside a cluster with Kaniko."
        actions={
          <>
            <Link href="/image-builds" className={buttonClasses("secondary")}>
              All builds
            </Link>
            {manage && (
              <Link href="/images/new" className={buttonClasses()}>
                New base image
              </Link>
            )}
          </>
        }
      />
      <div className="space-y-6">
        {images.length === 0 ? (
          <EmptyState title="No base images yet">
            {manage
              ? "Create one, or import a YAML document exported from another Berth."
              : "An administrator defines base images."}
          </EmptyState>
        ) : (
          <Table label="Base images">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Contents</Th>
                <Th>Current revision</Th>
                <Th>Latest build</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {images.map((image) => (
                <tr key={image.id}>
                  <Td>
                    <Link
                      href={`/images/${encodeURIComponent(image.name)}`}
                      className="whitespace-nowrap font-medium text-brand-600 hover:underline"
                    >
                      {image.name}
                    </Link>
                    {image.description && <p className="text-xs text-slate-500">{image.description}</p>}
                  </Td>
                  <Td className="text-xs">
                    {[
                      `Python ${image.pythonVersions.join(", ") || "default"}`,
                      image.r ? "R" : null,
                      image.cuda ? `CUDA ${image.cuda.version}` : null,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </Td>
                  <Td>
                    <div className="flex flex-col items-start gap-1">
                      <RevisionBadge state={image.revisionState} />
                      {image.currentBuild && (
                        <span className="font-mono text-xs text-slate-600">{image.currentBuild.image}</span>
                      )}
                    </div>
                  </Td>
                  <Td>
                    {image.latestBuild ? (
                      <Link
                        href={`/image-builds/${image.latestBuild.id}`}
                        className="inline-flex items-center gap-2 text-sm text-brand-600 hover:underline"
                      >
                        #{image.latestBuild.id} <BuildStatusBadge status={image.latestBuild.status} />
                      </Link>
                    ) : (
                      <span className="text-slate-400">—</span>
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
            description="A document exported from a base image (kind: BaseImage). An existing base image of that name gets it as its next version. Registry credentials are never in it."
          >
            <YamlImportForm action={importBaseImageAction} label="Import base image" />
          </Card>
        )}
      </div>
    </>
  );
}
