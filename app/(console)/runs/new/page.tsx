import type { Metadata } from "next";
import Link from "next/link";

import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/session";
import { listClusters } from "@/lib/clusters/queries";
import { codeEnvNames } from "@/lib/code-envs/queries";
import { can, mayUse } from "@/lib/permissions";
import { projectObjectIds } from "@/lib/projects/objects";
import { findProject, listProjectsFor, resolutionContext } from "@/lib/projects/queries";
import { ACTIVITY_TYPES, isActivityType } from "@/lib/resolution/activities";
import { blockingError, describeOrigin, type EffectiveValue } from "@/lib/resolution/resolve";
import { cannotStartHelp } from "@/lib/runs/cannot-start";
import { findVisibleRun } from "@/lib/runs/queries";
import { runFormInitial } from "@/lib/runs/rerun";

import { NewRunForm, type RunDefaults, type RunFormInitial } from "../_components/new-run-form";
import { submitRunAction } from "../actions";

export const metadata: Metadata = { title: "New run" };

/** "gpu-ml — from project setting", or why the default cannot be used. */
function defaultText(effective: EffectiveValue): string {
  if (effective.error) return effective.value ? `${effective.value}: ${effective.error}` : effective.error;
  return effective.value ? `${effective.value} — ${describeOrigin(effective)}` : "none";
}

export default async function NewRunPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  const query = await searchParams;
  // Only projects where the user may run work; runs-core checks it again on submit.
  const projects = listProjectsFor(actor).filter((project) =>
    can(actor, "projects.contribute", { project: project.id }),
  );
  if (projects.length === 0) {
    return (
      <>
        <PageHeader title="New run" />
        <EmptyState
          title="No project to run in"
          action={
            <Link href="/projects" className="text-sm font-medium text-brand-600 hover:underline">
              Projects
            </Link>
          }
        >
          Runs belong to a project, and none of your groups is a contributor of one. Ask a project administrator to add
          your group.
        </EmptyState>
      </>
    );
  }
  // What each activity would run with if the form leaves the choices empty, per project.
  const defaults: RunDefaults = {};
  const objects: Record<string, string[]> = {};
  let catalog: ReturnType<typeof resolutionContext>["catalog"] | undefined;
  for (const view of projects) {
    const project = findProject(view.id);
    if (!project) continue;
    const context = resolutionContext(project);
    catalog ??= context.catalog;
    objects[view.key] = projectObjectIds(project, context);
    const perActivity = (objectId?: string) =>
      Object.fromEntries(
        ACTIVITY_TYPES.map((activity) => {
          const resolution = context.resolve(actor, activity, objectId);
          const blocking = blockingError(resolution, activity);
          return [
            activity,
            {
              executionConfig: defaultText(resolution.executionConfig),
              sparkConfig: defaultText(resolution.sparkConfig),
              cluster: defaultText(resolution.cluster),
              ...(blocking ? { blocked: { reason: blocking, ...cannotStartHelp(blocking, project, actor) } } : {}),
            },
          ];
        }),
      );
    defaults[view.key] = {
      project: perActivity(),
      objects: Object.fromEntries([...context.overrides.keys()].map((objectId) => [objectId, perActivity(objectId)])),
    };
  }
  const choices = {
    projects: projects.map((project) => ({
      value: project.key,
      label: project.name === project.key ? project.key : `${project.name} (${project.key})`,
    })),
    executionConfigs: (catalog?.executionConfigs ?? [])
      .filter((config) => mayUse(actor, config.usableBy))
      .map((config) => config.name),
    sparkConfigs: (catalog?.sparkConfigs ?? [])
      .filter((config) => mayUse(actor, config.usableBy))
      .map((config) => config.name),
    clusters: (catalog?.clusters ?? [])
      .filter((cluster) => can(actor, "clusters.use", { cluster: cluster.id }))
      .map((cluster) => cluster.name),
    codeEnvs: codeEnvNames(),
    simulated: listClusters().some(
      (cluster) => cluster.embedded && can(actor, "clusters.use", { cluster: cluster.id }),
    ),
  };
  // "Run again" copies a run the user may see; a project page's "Run" names the object.
  const source = query.from ? findVisibleRun(actor, query.from) : undefined;
  const asked: RunFormInitial = source
    ? runFormInitial(source)
    : {
        project: query.project,
        activity: query.activity && isActivityType(query.activity) ? query.activity : undefined,
        object: query.object,
      };
  const project =
    projects.find((candidate) => candidate.key.toLowerCase() === asked.project?.toLowerCase())?.key ?? projects[0].key;
  const initial = { ...asked, project };
  return (
    <>
      <PageHeader
        title={source ? `Run again: ${source.name ?? source.id}` : "New run"}
        description="Runs an activity of a project in a container on the cluster, with the execution config the project resolves for you. Choices left empty come from the object, the project or the instance."
      />
      <Card>
        <NewRunForm
          action={submitRunAction}
          choices={choices}
          defaults={defaults}
          objects={objects}
          initial={initial}
        />
      </Card>
    </>
  );
}
