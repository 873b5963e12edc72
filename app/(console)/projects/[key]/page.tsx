import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ObjectHistory } from "@/components/objects/object-history";
import { YamlExport } from "@/components/objects/yaml-export";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th, ThActions } from "@/components/ui/table";
import { requireActor } from "@/lib/auth/session";
import { listGroups } from "@/lib/groups/queries";
import { can } from "@/lib/permissions";
import { listProjectObjects } from "@/lib/projects/objects";
import { findVisibleProject, resolutionContext, toProjectView } from "@/lib/projects/queries";
import { projectYaml } from "@/lib/projects/yaml";
import { ACTIVITY_LABELS, ACTIVITY_TYPES } from "@/lib/resolution/activities";
import { blockingError } from "@/lib/resolution/resolve";
import { cannotStartHelp } from "@/lib/runs/cannot-start";
import { getSettingsView } from "@/lib/settings/queries";

import { EffectiveValueText } from "../_components/effective-value";
import {
  DeleteOverrideButton,
  DeleteProjectButton,
  OverrideForm,
  ProjectSettingsForm,
  PutMemberForm,
  RemoveMemberButton,
} from "../_components/project-forms";
import { restoreProjectAction } from "../actions";

export const metadata: Metadata = { title: "Project" };

/** Every project change but a deletion records the whole project, so each can be restored. */
const savesProjectVersion = (action: string) => action !== "project.delete";

export default async function ProjectPage({ params }: { params: Promise<{ key: string }> }) {
  const actor = await requireActor();
  const project = findVisibleProject(actor, decodeURIComponent((await params).key));
  if (!project) notFound();
  const context = resolutionContext(project);
  const { catalog } = context;
  const view = toProjectView(project, undefined, catalog);
  const objects = listProjectObjects(actor, project, context);
  const defaults = getSettingsView(undefined, catalog);
  const manage = can(actor, "projects.manage", { project: project.id });
  const contribute = can(actor, "projects.contribute", { project: project.id });
  const groups = manage ? listGroups().map((group) => group.name) : [];
  const choices = {
    executionConfigs: catalog.executionConfigs.map((config) => config.name),
    sparkConfigs: catalog.sparkConfigs.map((config) => config.name),
    clusters: catalog.clusters.map((cluster) => cluster.name),
  };
  const role = actor.role === "admin" ? "Berth admin" : actor.projectRoles?.[project.id];
  // What keeps runs of this project from starting (e.g. no Spark config yet), per reason, with who fixes it where.
  const blockedBy = new Map<string, string[]>();
  for (const activity of ACTIVITY_TYPES) {
    const error = blockingError(context.resolve(actor, activity), activity);
    if (error && !error.startsWith("no usage permission"))
      blockedBy.set(error, [...(blockedBy.get(error) ?? []), ACTIVITY_LABELS[activity]]);
  }
  const blocked = [...blockedBy].map(([reason, activities]) => ({
    reason,
    activities,
    help: cannotStartHelp(reason, project, actor),
  }));

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {view.name} <Badge>{view.key}</Badge>
          </span>
        }
        description={view.description || undefined}
        actions={manage ? <DeleteProjectButton projectId={project.id} projectKey={project.key} /> : undefined}
      />
      <div className="space-y-6">
        <Card
          title="Effective configuration"
          description={`What each kind of work in this project runs with for you (${actor.username}${role ? `, ${role}` : ""}), and where each value comes from.`}
        >
          <Table label="Effective configuration">
            <thead>
              <tr>
                <Th>Activity</Th>
                <Th>Execution config</Th>
                <Th>Spark config</Th>
                <Th>Cluster</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {ACTIVITY_TYPES.map((activity) => {
                const resolution = context.resolve(actor, activity);
                return (
                  <tr key={activity}>
                    <th
                      scope="row"
                      className="whitespace-nowrap px-4 py-2.5 text-left align-top font-medium text-slate-800"
                    >
                      {ACTIVITY_LABELS[activity]}
                    </th>
                    <Td>
                      <EffectiveValueText effective={resolution.executionConfig} />
                    </Td>
                    <Td>
                      <EffectiveValueText effective={resolution.sparkConfig} />
                    </Td>
                    <Td>
                      <EffectiveValueText effective={resolution.cluster} />
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
          {blocked.length > 0 && (
            <div
              role="note"
              aria-label="Why runs cannot start"
              className="mt-4 space-y-2 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
            >
              {blocked.map(({ reason, activities, help }) => (
                <div key={reason}>
                  <p>
                    {activities.join(", ")}: cannot start ({reason}). {help.advice}
                  </p>
                  {help.links.length > 0 && (
                    <p className="mt-1 flex flex-wrap gap-4">
                      {help.links.map((link) => (
                        <Link key={link.href} href={link.href} className="font-medium text-brand-700 underline">
                          {link.label}
                        </Link>
                      ))}
                    </p>
                  )}
                </div>
              ))}
            </div>
          )}
        </Card>

        <Card
          title="Objects"
          description="Recipes, notebooks and ML tasks: those with an override of their own and those runs named. What a run of each gets now, and where each value comes from; what an override leaves empty comes from the project."
        >
          {objects.length === 0 ? (
            <p className="text-sm text-slate-500">
              No object has an override or a run yet. A run names its object in the run form.
            </p>
          ) : (
            <Table label="Objects">
              <thead>
                <tr>
                  <Th>Object</Th>
                  <Th>Activity</Th>
                  <Th>Execution config</Th>
                  <Th>Spark config</Th>
                  <Th>Cluster</Th>
                  <Th>Runs</Th>
                  <Th className="sr-only">Actions</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {objects.map((object) => (
                  <tr key={object.objectId}>
                    <Td className="font-mono">
                      {object.objectId}
                      {object.hasOverride && <span className="ml-2 font-sans text-xs text-slate-500">override</span>}
                    </Td>
                    <Td className="whitespace-nowrap">{ACTIVITY_LABELS[object.activity]}</Td>
                    <Td>
                      <EffectiveValueText effective={object.resolution.executionConfig} />
                    </Td>
                    <Td>
                      <EffectiveValueText effective={object.resolution.sparkConfig} />
                    </Td>
                    <Td>
                      <EffectiveValueText effective={object.resolution.cluster} />
                    </Td>
                    <Td className="whitespace-nowrap">
                      {object.lastRun ? (
                        <span>
                          {object.runCount} ·{" "}
                          <Link href={`/runs/${object.lastRun.id}`} className="text-brand-600 hover:underline">
                            last {object.lastRun.status}
                          </Link>
                        </span>
                      ) : (
                        <span className="text-slate-400">none</span>
                      )}
                    </Td>
                    <Td className="whitespace-nowrap text-right">
                      <span className="inline-flex items-center gap-3">
                        {contribute && (
                          <Link
                            href={`/runs/new?${new URLSearchParams({ project: project.key, object: object.objectId, activity: object.activity })}`}
                            aria-label={`Run ${object.objectId}`}
                            className="font-medium text-brand-600 hover:underline"
                          >
                            Run
                          </Link>
                        )}
                        {manage && object.hasOverride && (
                          <DeleteOverrideButton projectId={project.id} objectId={object.objectId} />
                        )}
                      </span>
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {manage && (
            <div className="mt-5 border-t border-slate-100 pt-5">
              <OverrideForm projectId={project.id} choices={choices} />
            </div>
          )}
        </Card>

        <Card
          title="Project settings"
          description="Only project administrators change these, and only to configs and clusters their groups may use."
        >
          {manage ? (
            <ProjectSettingsForm
              project={view}
              choices={choices}
              groups={groups}
              inherited={{
                executionConfig: defaults.defaultExecutionConfig,
                visualRecipeExecutionConfig: defaults.defaultVisualRecipeExecutionConfig,
                sparkConfig: defaults.defaultSparkConfig,
                cluster: defaults.defaultCluster,
              }}
            />
          ) : (
            <dl aria-label="Project settings" className="grid gap-3 text-sm sm:grid-cols-2">
              {(
                [
                  ["Owner group", view.ownerGroup],
                  ["Execution config (user code)", view.executionConfig],
                  ["Execution config (visual recipes)", view.visualRecipeExecutionConfig],
                  ["Spark config", view.sparkConfig],
                  ["Cluster", view.cluster],
                ] as const
              ).map(([label, value]) => (
                <div key={label}>
                  <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
                  <dd className="mt-0.5">{value ?? <span className="text-slate-400">inherit</span>}</dd>
                </div>
              ))}
            </dl>
          )}
        </Card>

        <Card
          title={`Members (${view.members.length})`}
          description="Groups and their role: admin (settings, members, overrides), contributor (runs work), reader."
        >
          {view.members.length === 0 ? (
            <p className="text-sm text-slate-500">No member groups yet.</p>
          ) : (
            <Table label="Members">
              <thead>
                <tr>
                  <Th>Group</Th>
                  <Th>Role</Th>
                  {manage && <ThActions />}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {view.members.map((member) => (
                  <tr key={member.group}>
                    <Td>
                      {member.group}
                      {member.group === view.ownerGroup && <span className="ml-2 text-xs text-slate-500">owner</span>}
                    </Td>
                    <Td>
                      <Badge tone={member.role === "admin" ? "blue" : "gray"}>{member.role}</Badge>
                    </Td>
                    {manage && (
                      <Td className="text-right">
                        {member.group !== view.ownerGroup && (
                          <RemoveMemberButton projectId={project.id} projectKey={project.key} group={member.group} />
                        )}
                      </Td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          {manage && (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <PutMemberForm projectId={project.id} groups={groups} />
            </div>
          )}
        </Card>

        <Card title="History" description="Every saved version of the project's settings and members.">
          <ObjectHistory
            objectType="project"
            objectId={project.id}
            savesVersion={savesProjectVersion}
            restore={manage ? restoreProjectAction.bind(null, project.id) : undefined}
          />
        </Card>

        <Card title="YAML">
          <YamlExport
            yaml={projectYaml(view)}
            href={`/api/v1/projects/${encodeURIComponent(project.key)}/yaml`}
            filename={`project-${project.key}.yaml`}
          />
        </Card>
      </div>
    </>
  );
}
