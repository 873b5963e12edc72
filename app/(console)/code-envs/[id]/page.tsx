import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ObjectHistory } from "@/components/objects/object-history";
import { YamlExport } from "@/components/objects/yaml-export";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { none } from "@/components/ui/facts";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import type { PlannedImage, PlannerBuild } from "@/lib/code-envs/planner";
import { CODE_ENV_OBJECT_TYPE, codeEnvBody, codeEnvYaml, findCodeEnv, planCodeEnv } from "@/lib/code-envs/queries";
import type { BuildFor } from "@/lib/code-envs/schema";
import { listReadableDockerHosts } from "@/lib/docker-hosts/reads";
import { formatDateTime } from "@/lib/format";
import { can } from "@/lib/permissions";

import { BuildButton, DeleteCodeEnvButton, RefreshWhileBuilding } from "../_components/code-env-buttons";
import { ImageStatusBadge } from "../_components/image-status";
import { buildCodeEnvAction, restoreCodeEnvAction } from "../actions";

export const metadata: Metadata = { title: "Code env" };

const targetText = (value: BuildFor["executionConfigs"]) =>
  Array.isArray(value) ? value.join(", ") : value === "all" ? "all" : "none";

function BuildLink({ build, label }: { build: PlannerBuild | null; label: string }) {
  if (!build) return null;
  return (
    <Link href={`/image-builds/${build.id}`} className="text-brand-600 hover:underline">
      {label} #{build.id}
    </Link>
  );
}

function ImageRow({ image }: { image: PlannedImage }) {
  const shown = image.current?.image ?? image.image;
  return (
    <tr>
      <Td className="font-mono text-xs">
        {image.baseRef}
        <p className="mt-0.5 font-sans text-slate-500">
          {image.configs.map((config) => (config.kind === "spark" ? `${config.name} (Spark)` : config.name)).join(", ")}
        </p>
      </Td>
      <Td className="font-mono text-xs break-all">
        {shown || <span className="font-sans text-slate-500">no registry to push to</span>}
        {image.current && image.status === "stale" && image.image && (
          <p className="mt-0.5 font-sans text-slate-500">next: {image.image}</p>
        )}
      </Td>
      <Td>
        <ImageStatusBadge image={image} />
        {(image.reason || image.problem) && (
          <p className="mt-1 text-xs text-slate-500">{image.problem ?? image.reason}</p>
        )}
      </Td>
      <Td className="space-y-0.5 text-xs">
        <p>
          <BuildLink build={image.current} label="Pushed" />
        </p>
        {image.building && (
          <p>
            <BuildLink build={image.building} label={image.building.status === "running" ? "Running" : "Queued"} />
          </p>
        )}
        {image.latest && image.latest !== image.current && image.latest !== image.building && (
          <p>
            <BuildLink build={image.latest} label={`Last (${image.latest.status})`} />
          </p>
        )}
        {!image.latest && none}
      </Td>
    </tr>
  );
}

export default async function CodeEnvPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("images.read");
  const row = findCodeEnv(decodeURIComponent((await params).id));
  if (!row) notFound();
  const manage = can(actor, "images.manage");
  const env = codeEnvBody(row);
  const plan = planCodeEnv(row);
  const href = `/code-envs/${encodeURIComponent(row.name)}`;
  const fragments = (
    ["dockerfileStart", "dockerfileBeforePackages", "dockerfileAfterPackages", "dockerfileEnd"] as const
  ).filter((name) => env[name]);

  return (
    <>
      <PageHeader
        title={env.name}
        description={env.description || undefined}
        actions={
          manage ? (
            <>
              {plan.images.length > 0 && (
                <BuildButton
                  label="Build what is stale"
                  action={buildCodeEnvAction.bind(null, row.id)}
                  dockerHosts={listReadableDockerHosts(actor).map((host) => host.name)}
                />
              )}
              <Link href={`${href}/edit`} className={buttonClasses("secondary")}>
                Edit
              </Link>
              <DeleteCodeEnvButton codeEnv={row.id} name={row.name} />
            </>
          ) : undefined
        }
      />
      <RefreshWhileBuilding active={plan.images.some((image) => image.building)} />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          title="Images"
          description="One per base image of the configs it is built for, pushed to the registry of that base image when Berth built it, else to the configs' registry. Pods use the last pushed image; stale means the code env or its base changed since."
          className="lg:col-span-3"
        >
          {plan.unknownConfigs.length > 0 && (
            <p className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Built for configs that no longer exist:{" "}
              {plan.unknownConfigs
                .map((config) => `${config.name}${config.kind === "spark" ? " (Spark)" : ""}`)
                .join(", ")}
              . Edit the code env to drop them.
            </p>
          )}
          {plan.images.length === 0 ? (
            <p className="text-sm text-slate-600">
              Built for no config: choose execution or Spark configs under &ldquo;build for&rdquo; to get images.
            </p>
          ) : (
            <Table label="Images">
              <thead>
                <tr>
                  <Th>Base image</Th>
                  <Th>Pushed to</Th>
                  <Th>Status</Th>
                  <Th>Builds</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {plan.images.map((image) => (
                  <ImageRow key={image.baseRef} image={image} />
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        <Card
          title="Settings"
          description={`Version ${row.version}, saved ${formatDateTime(row.updatedAt.toISOString())}`}
          className={plan.images.length ? "" : "lg:col-span-3"}
        >
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
            <dt className="text-slate-500">Language</dt>
            <dd>
              {env.language === "python"
                ? `Python${env.pythonVersion ? ` ${env.pythonVersion}` : " (the base image's python3)"}`
                : "R"}
            </dd>
            <dt className="text-slate-500">Packages</dt>
            <dd>
              {env.packages.length ? (
                <ul className="font-mono text-xs">
                  {env.packages.map((pkg) => (
                    <li key={pkg}>{pkg}</li>
                  ))}
                </ul>
              ) : (
                none
              )}
            </dd>
            <dt className="text-slate-500">Execution configs</dt>
            <dd>{targetText(env.buildFor.executionConfigs)}</dd>
            <dt className="text-slate-500">Spark configs</dt>
            <dd>{targetText(env.buildFor.sparkConfigs)}</dd>
            <dt className="text-slate-500">Fragments</dt>
            <dd>{fragments.length ? fragments.join(", ") : none}</dd>
          </dl>
        </Card>
        {plan.images.length > 0 && (
          <Card
            title="Dockerfiles"
            description="Exactly what the in-cluster builder receives for the current settings, one per base image."
            className="lg:col-span-2"
          >
            <div className="space-y-2">
              {plan.images.map((image) => (
                <details key={image.baseRef} open={plan.images.length === 1}>
                  <summary className="cursor-pointer font-mono text-xs text-slate-700">{image.baseRef}</summary>
                  <pre
                    aria-label={`Dockerfile on ${image.baseRef}`}
                    className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
                  >
                    {image.dockerfile || image.problem}
                  </pre>
                </details>
              ))}
            </div>
          </Card>
        )}
        <Card
          title="YAML"
          description="Export to keep it in Git or copy it to another Berth; import it on the code environments page."
          className="lg:col-span-3"
        >
          <YamlExport yaml={codeEnvYaml(row)} href={`/api/v1${href}/yaml`} filename={`${row.name}.yaml`} />
        </Card>
        <Card
          title="History"
          description="Every saved version and build request, newest first."
          className="lg:col-span-3"
        >
          <ObjectHistory
            objectType={CODE_ENV_OBJECT_TYPE}
            objectId={row.id}
            restore={manage ? restoreCodeEnvAction.bind(null, row.id) : undefined}
          />
        </Card>
      </div>
    </>
  );
}
