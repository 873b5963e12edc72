import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import YAML from "yaml";

import { ObjectHistory } from "@/components/objects/object-history";
import { YamlExport } from "@/components/objects/yaml-export";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { DomainError } from "@/lib/actions/result";
import { requirePermission } from "@/lib/auth/session";
import { can } from "@/lib/permissions";
import { sparkConfigYaml, sparkPreview } from "@/lib/spark-configs/preview";
import {
  findVisibleSparkConfig,
  operatorNamespaceWarning,
  SPARK_CONFIG_OBJECT_TYPE,
  toSparkConfigView,
} from "@/lib/spark-configs/queries";
import { previewRunSchema } from "@/lib/spark-configs/schema";

import { DeleteSparkConfigButton } from "../_components/spark-config-form";
import { restoreSparkConfigAction } from "../actions";

export const metadata: Metadata = { title: "Spark config" };

const SAMPLE_RUN = previewRunSchema.parse({});

/** The argv as a shell command, one flag per line, quoting what the shell would split. */
function shellLines(argv: string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./[\]-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  const parts: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const next = argv[index + 1];
    if (arg.startsWith("--") && next !== undefined && !next.startsWith("--")) {
      parts.push(`${arg} ${quote(next)}`);
      index++;
    } else parts.push(quote(arg));
  }
  return parts.join(" \\\n  ");
}

function previewOf(row: Parameters<typeof sparkPreview>[0]) {
  try {
    return { ok: true as const, ...sparkPreview(row, SAMPLE_RUN) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false as const, error: error.message };
    throw error;
  }
}

export default async function SparkConfigPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("configs.read");
  const row = findVisibleSparkConfig(actor, decodeURIComponent((await params).id));
  if (!row) notFound();
  const config = toSparkConfigView(row, actor);
  const manage = can(actor, "configs.manage");
  const preview = previewOf(row);
  const operatorWarning = operatorNamespaceWarning(row);
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {config.name} {config.managed.enabled && <Badge tone="blue">managed</Badge>}{" "}
            <Badge>version {config.version}</Badge>
          </span>
        }
        description={config.description || undefined}
        actions={
          manage ? (
            <>
              <Link
                href={`/spark-configs/${encodeURIComponent(config.name)}/edit`}
                className={buttonClasses("secondary")}
              >
                Edit
              </Link>
              <DeleteSparkConfigButton configId={config.id} name={config.name} />
            </>
          ) : undefined
        }
      />
      <div className="space-y-6">
        {operatorWarning && (
          <p
            role="status"
            aria-label="Spark operator namespaces"
            className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          >
            {operatorWarning}
          </p>
        )}
        <Card
          title="Preview"
          description={`What a job produces with this config, for a sample run: user ${SAMPLE_RUN.user}, project ${SAMPLE_RUN.project}, group ${SAMPLE_RUN.group}, job ${SAMPLE_RUN.jobName}.`}
        >
          {preview.ok ? (
            <div className="space-y-4">
              <section aria-label="spark-submit">
                <h3 className="mb-1 text-sm font-medium text-slate-800">spark-submit</h3>
                <pre className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
                  {shellLines(preview.sparkSubmit)}
                </pre>
              </section>
              <section aria-label="SparkApplication">
                <h3 className="mb-1 text-sm font-medium text-slate-800">
                  SparkApplication (sparkoperator.k8s.io/v1beta2)
                </h3>
                <pre className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
                  {YAML.stringify(preview.sparkApplication, { aliasDuplicateObjects: false })}
                </pre>
              </section>
            </div>
          ) : (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {preview.error}
            </p>
          )}
        </Card>

        <Card title="History" description="Every saved version; restoring one saves it again as a new version.">
          <ObjectHistory
            objectType={SPARK_CONFIG_OBJECT_TYPE}
            objectId={config.id}
            restore={manage ? restoreSparkConfigAction.bind(null, config.id) : undefined}
          />
        </Card>

        <Card title="YAML">
          <YamlExport
            yaml={sparkConfigYaml(row)}
            href={`/api/v1/spark-configs/${encodeURIComponent(config.name)}/yaml`}
            filename={`spark-config-${config.name}.yaml`}
          />
        </Card>
      </div>
    </>
  );
}
