import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { codeEnvBody, findCodeEnv, planContext } from "@/lib/code-envs/queries";

import { CodeEnvForm } from "../../_components/code-env-form";
import { updateCodeEnvAction } from "../../actions";

export const metadata: Metadata = { title: "Edit code env" };

export default async function EditCodeEnvPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("images.manage");
  const row = findCodeEnv(decodeURIComponent((await params).id));
  if (!row) notFound();
  const context = planContext();
  return (
    <>
      <PageHeader
        title={`Edit ${row.name}`}
        description={`Version ${row.version}. Saving makes version ${row.version + 1}; changing packages or fragments makes its images stale until rebuilt.`}
        actions={
          <Link
            href={`/code-envs/${encodeURIComponent(row.name)}`}
            className="text-sm font-medium text-brand-600 hover:underline"
          >
            Back to {row.name}
          </Link>
        }
      />
      <Card>
        {/* Keyed by version: after "reload" the form starts again from the version now saved. */}
        <CodeEnvForm
          key={row.version}
          codeEnv={row.id}
          version={row.version}
          values={codeEnvBody(row)}
          action={updateCodeEnvAction}
          executionConfigs={context.executionConfigs.map((config) => config.name)}
          sparkConfigs={context.sparkConfigs.map((config) => config.name)}
        />
      </Card>
    </>
  );
}
