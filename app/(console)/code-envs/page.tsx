import type { Metadata } from "next";
import Link from "next/link";

import { YamlImportForm } from "@/components/objects/yaml-import-form";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { listCodeEnvs } from "@/lib/code-envs/queries";
import type { BuildFor } from "@/lib/code-envs/schema";
import { can } from "@/lib/permissions";

import { BuildButton, RefreshWhileBuilding } from "./_components/code-env-buttons";
import { ImageCounts } from "./_components/image-status";
import { importCodeEnvAction, rebuildStaleCodeEnvsAction } from "./actions";

export const metadata: Metadata = { title: "Code environments" };

const targetText = (value: BuildFor["executionConfigs"]) => (Array.isArray(value) ? value.join(", ") : value);

export default async function CodeEnvsPage() {
  const actor = await requirePermission("images.read");
  const manage = can(actor, "images.manage");
  const envs = listCodeEnvs();
  const outdated = envs.some((env) => env.counts.stale + env.counts.missing > 0);
  const building = envs.some((env) => env.images.some((image) => image.building));
  return (
    <>
      <PageHeader
        title="Code environments"
        description="Python and R package sets, built into one image per base image of the execution and Spark configs they are for. A run that names a code env runs its image."
        actions={
          manage ? (
            <>
              {outdated && (
                <BuildButton label="Rebuild all stale" variant="secondary" action={rebuildStaleCodeEnvsAction} />
              )}
              <Link href="/code-envs/new" className={buttonClasses("primary")}>
                New code env
              </Link>
            </>
          ) : undefined
        }
      />
      <RefreshWhileBuilding active={building} />
      <div className="space-y-6">
        {envs.length === 0 ? (
          <EmptyState title="No code environments yet">
            {manage ? "Create one, or import a YAML document below." : "An administrator defines them."}
          </EmptyState>
        ) : (
          <Table label="Code environments">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Language</Th>
                <Th>Packages</Th>
                <Th>Built for</Th>
                <Th>Images</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {envs.map((env) => (
                <tr key={env.id}>
                  <Td>
                    <Link
                      href={`/code-envs/${encodeURIComponent(env.name)}`}
                      className="font-medium text-brand-600 hover:underline"
                    >
                      {env.name}
                    </Link>
                    {env.description && <p className="text-xs text-slate-500">{env.description}</p>}
                  </Td>
                  <Td>
                    {env.language === "python" ? `Python${env.pythonVersion ? ` ${env.pythonVersion}` : ""}` : "R"}
                  </Td>
                  <Td>{env.packages.length}</Td>
                  <Td className="text-xs">
                    <p>Execution: {targetText(env.buildFor.executionConfigs)}</p>
                    <p>Spark: {targetText(env.buildFor.sparkConfigs)}</p>
                  </Td>
                  <Td>
                    <ImageCounts counts={env.counts} total={env.images.length} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {manage && (
          <Card
            title="Import YAML"
            description="A CodeEnv document (as exported from a code env's page) creates the code env, or saves a new version of the one with its name."
          >
            <YamlImportForm action={importCodeEnvAction} successMessage="Code env imported." />
          </Card>
        )}
      </div>
    </>
  );
}
