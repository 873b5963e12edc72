import type { Metadata } from "next";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { planContext } from "@/lib/code-envs/queries";

import { CodeEnvForm } from "../_components/code-env-form";
import { createCodeEnvAction } from "../actions";

export const metadata: Metadata = { title: "New code env" };

export default async function NewCodeEnvPage() {
  await requirePermission("images.manage");
  const context = planContext();
  return (
    <>
      <PageHeader
        title="New code env"
        description="After saving, its page lists the images it needs and builds them."
      />
      <Card>
        <CodeEnvForm
          action={createCodeEnvAction}
          executionConfigs={context.executionConfigs.map((config) => config.name)}
          sparkConfigs={context.sparkConfigs.map((config) => config.name)}
        />
      </Card>
    </>
  );
}
