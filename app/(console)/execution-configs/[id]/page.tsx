import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { Suspense, type ReactNode } from "react";
import YAML from "yaml";

import { ObjectHistory } from "@/components/objects/object-history";
import { YamlExport } from "@/components/objects/yaml-export";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Facts, none } from "@/components/ui/facts";
import { PageHeader } from "@/components/ui/page-header";
import { DomainError } from "@/lib/actions/result";
import { requirePermission } from "@/lib/auth/session";
import { codeEnvNames } from "@/lib/code-envs/queries";
import { formatToleration } from "@/lib/execution-configs/form";
import { configGpuCount } from "@/lib/execution-configs/gpu";
import { previewExecutionConfig, type ExecutionPreview } from "@/lib/execution-configs/preview";
import {
  EXECUTION_CONFIG_OBJECT_TYPE,
  executionConfigYaml,
  findExecutionConfig,
  toExecutionConfigView,
} from "@/lib/execution-configs/queries";
import type { ExecutionConfigView } from "@/lib/execution-configs/schema";
import { formatDateTime } from "@/lib/format";
import { can, mayUse } from "@/lib/permissions";
import { previewDockerExecutionConfig } from "@/lib/runs/docker-preview";

import { DeleteExecutionConfigButton } from "../_components/config-buttons";
import { FitsLine } from "../_components/fits-line";
import { PreviewCodeEnvPicker } from "../_components/preview-code-env-picker";
import { TestConfig } from "../_components/test-config";
import { restoreExecutionConfigAction, testExecutionConfigAction } from "../actions";

export const metadata: Metadata = { title: "Execution config" };

const list = (record: Record<string, string>) =>
  Object.keys(record).length ? (
    <span className="font-mono text-xs">
      {Object.entries(record)
        .map(([key, value]) => `${key}=${value}`)
        .join(", ")}
    </span>
  ) : (
    none
  );

/** "2 × NVIDIA-A100-SXM4-40GB, tolerates nvidia.com/gpu": the GPU field, or GPUs asked in resources. */
function gpuWords(config: ExecutionConfigView) {
  const count = configGpuCount(config);
  if (!count) return none;
  const type = config.gpu.count && config.gpu.type ? ` × ${config.gpu.type}` : "";
  const source = config.gpu.count ? "" : " (in resources)";
  const toleration = config.gpu.tolerationKey ? `, tolerates taint ${config.gpu.tolerationKey}` : ", no GPU toleration";
  return `${count}${type}${source}${toleration}`;
}

export default async function ExecutionConfigPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ codeEnv?: string }>;
}) {
  const actor = await requirePermission("configs.read");
  const row = findExecutionConfig(decodeURIComponent((await params).id));
  if (!row) notFound();
  const manage = can(actor, "configs.manage");
  if (!manage && !mayUse(actor, row.usableBy)) forbidden();
  const config = toExecutionConfigView(row, actor);

  const codeEnv = (await searchParams).codeEnv || undefined;
  const docker = row.engine === "docker";
  let preview:
    | { yaml: string; namespace?: ExecutionPreview["namespace"]; codeEnv?: ExecutionPreview["codeEnv"] }
    | { error: string };
  try {
    if (docker) {
      const result = previewDockerExecutionConfig(actor, row, { codeEnv });
      preview = { yaml: JSON.stringify(result.container, null, 2), codeEnv: result.codeEnv };
    } else {
      const result = previewExecutionConfig(actor, row, { codeEnv });
      preview = { yaml: YAML.stringify(result.pod), namespace: result.namespace, codeEnv: result.codeEnv };
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    preview = { error: error.message };
  }
  const restore = restoreExecutionConfigAction.bind(null, row.id);
  const test = testExecutionConfigAction.bind(null, row.id);
  const href = `/execution-configs/${encodeURIComponent(row.name)}`;

  return (
    <>
      <PageHeader
        title={config.name}
        description={config.description || undefined}
        actions={
          manage ? (
            <>
              <Link href={`${href}/edit`} className={buttonClasses("secondary")}>
                Edit
              </Link>
              <DeleteExecutionConfigButton configId={row.id} name={row.name} />
            </>
          ) : undefined
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="Configuration"
          description={`Version ${config.version}, saved ${formatDateTime(config.updatedAt)}`}
        >
          <Facts
            items={[
              [
                "Image",
                <span key="i" className="font-mono text-xs">
                  {config.image}
                </span>,
              ],
              ["Registry", config.registry || none],
              [
                "Pull policy / secret",
                `${config.imagePullPolicy}${config.imagePullSecret ? ` / ${config.imagePullSecret}` : ""}`,
              ],
              ["Engine", docker ? "Docker" : "Kubernetes"],
              ...(docker
                ? ([
                    [
                      "Docker host",
                      config.dockerHost ? (
                        <Link
                          key="h"
                          href={`/docker-hosts/${encodeURIComponent(config.dockerHost)}`}
                          className="text-brand-600 hover:underline"
                        >
                          {config.dockerHost}
                        </Link>
                      ) : (
                        none
                      ),
                    ],
                    [
                      "Working dir",
                      config.workingDir ? (
                        <span key="w" className="font-mono text-xs">
                          {config.workingDir}
                        </span>
                      ) : (
                        none
                      ),
                    ],
                  ] as [string, ReactNode][])
                : ([
                    ["Cluster", config.cluster ?? "instance default"],
                    [
                      "Namespace",
                      <span key="n">
                        <span className="font-mono text-xs">{config.namespace}</span>
                        {config.createNamespace ? " (created if missing)" : ""}
                      </span>,
                    ],
                  ] as [string, ReactNode][])),
              ["Requests", list(config.resources.requests)],
              ["Limits", list(config.resources.limits)],
              ["GPUs", gpuWords(config)],
              ["/dev/shm", config.shmSize || none],
              ["Node selector", list(config.nodeSelector)],
              [
                "Tolerations",
                config.tolerations.length ? (
                  <span className="font-mono text-xs">{config.tolerations.map(formatToleration).join(", ")}</span>
                ) : (
                  none
                ),
              ],
              ["Affinity", Object.keys(config.affinity).length ? Object.keys(config.affinity).join(", ") : none],
              [
                "Environment",
                config.env.length ? (
                  <span className="font-mono text-xs">{config.env.map((variable) => variable.name).join(", ")}</span>
                ) : (
                  none
                ),
              ],
              ["Service account", config.serviceAccount || none],
              ["Workload type", config.workloadType],
              [
                "Usable by",
                <span key="u" className="flex flex-wrap items-center gap-2">
                  {config.usableBy === "all" ? "everyone" : config.usableBy.groups.join(", ")}
                  <Badge tone={config.mayUse ? "green" : "amber"}>
                    {config.mayUse ? "you may use it" : "you may not use it"}
                  </Badge>
                </span>,
              ],
            ]}
          />
        </Card>
        {!docker && (
          <div className="space-y-6">
            <Card
              title="Fits"
              description="How many such containers fit now on free capacity and under the namespace quota."
            >
              <Suspense fallback={<p className="text-sm text-slate-500">Reading the cluster…</p>}>
                <FitsLine row={row} actor={actor} />
              </Suspense>
            </Card>
            {manage && (
              <Card
                title="Test"
                description="Starts a short pod with this config and reports scheduled / pulled / ran / exit code, or why not. The pod is deleted afterwards."
              >
                <TestConfig test={test} />
              </Card>
            )}
          </div>
        )}
        <Card
          title="Preview"
          description={
            docker
              ? `The exact Docker Engine API container create body for a sample run: you (${actor.username}), project "sample", activity python-recipe.`
              : `The exact Pod for a sample run: you (${actor.username}), project "sample", activity python-recipe.`
          }
          className="lg:col-span-2"
        >
          <PreviewCodeEnvPicker names={codeEnvNames()} selected={codeEnv} />
          {"yaml" in preview && preview.codeEnv && (
            <p className="mb-2 text-sm text-slate-700">
              Runs the image of code env{" "}
              <Link
                href={`/code-envs/${encodeURIComponent(preview.codeEnv.name)}`}
                className="font-medium text-brand-600 hover:underline"
              >
                {preview.codeEnv.name}
              </Link>{" "}
              built for this config
              {preview.codeEnv.stale ? (
                <>
                  {" "}
                  <Badge tone="amber">stale: the code env changed since</Badge>
                </>
              ) : null}
              .
            </p>
          )}
          {"yaml" in preview && preview.namespace && (
            <p className="mb-2 text-sm text-slate-700">
              Namespace for this run: <span className="font-mono text-xs">{preview.namespace.namespace}</span>
              {preview.namespace.disambiguated
                ? ` (a hash suffix keeps it apart from other runs' namespaces: ${preview.namespace.disambiguated})`
                : null}
            </p>
          )}
          {"yaml" in preview ? (
            <pre
              aria-label={docker ? "Container preview" : "Pod preview"}
              className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
            >
              {preview.yaml}
            </pre>
          ) : (
            <p className="text-sm text-red-700">{preview.error}</p>
          )}
        </Card>
        <Card
          title="YAML"
          description="Export to keep it in Git or copy it to another Berth; import it on the execution configs page."
          className="lg:col-span-2"
        >
          <YamlExport yaml={executionConfigYaml(row)} href={`/api/v1${href}/yaml`} filename={`${row.name}.yaml`} />
        </Card>
        <Card title="History" description="Every saved version and test, newest first." className="lg:col-span-2">
          <ObjectHistory
            objectType={EXECUTION_CONFIG_OBJECT_TYPE}
            objectId={row.id}
            restore={manage ? restore : undefined}
          />
        </Card>
      </div>
    </>
  );
}
