"use client";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField } from "@/components/ui/form";
import { PROJECT_ROLES } from "@/lib/permissions";
import type { ProjectView } from "@/lib/projects/schema";
import { ACTIVITY_LABELS, ACTIVITY_TYPES } from "@/lib/resolution/activities";

import {
  deleteOverrideAction,
  deleteProjectAction,
  putOverrideAction,
  putProjectMemberAction,
  removeProjectMemberAction,
  updateProjectAction,
} from "../actions";

export interface Choices {
  executionConfigs: string[];
  sparkConfigs: string[];
  clusters: string[];
}

const choose = (inheritLabel: string, names: string[]) => [
  { value: "", label: inheritLabel },
  ...names.map((name) => ({ value: name, label: name })),
];
const inheritFrom = (what: string, value: string | null) => `Inherit (${what}: ${value ?? "none"})`;

/** The instance defaults a project inherits, shown in its "Inherit" options. */
export interface InheritedDefaults {
  executionConfig: string | null;
  visualRecipeExecutionConfig: string | null;
  sparkConfig: string | null;
  cluster: string | null;
}

export function ProjectSettingsForm({
  project,
  choices,
  inherited,
  groups,
}: {
  project: ProjectView;
  choices: Choices;
  inherited: InheritedDefaults;
  groups: string[];
}) {
  const [action, conflict] = useConflictAwareAction(updateProjectAction);
  return (
    <div className="space-y-4">
      <ConflictNotice current={conflict} />
      <ActionForm
        action={action}
        label="Project settings"
        submitLabel="Save settings"
        resetOnSuccess={false}
        success={() => "Settings saved."}
      >
        <input type="hidden" name="project" value={project.id} />
        <input type="hidden" name="version" value={project.version} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field name="name" label="Name" defaultValue={project.name} autoComplete="off" />
          <SelectField
            name="ownerGroup"
            label="Owner group"
            options={[{ value: "", label: "— none —" }, ...groups.map((name) => ({ value: name, label: name }))]}
            defaultValue={project.ownerGroup ?? ""}
          />
        </div>
        <Field name="description" label="Description" defaultValue={project.description} autoComplete="off" />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="executionConfig"
            label="Execution config (user code)"
            options={choose(inheritFrom("instance default", inherited.executionConfig), choices.executionConfigs)}
            defaultValue={project.executionConfig ?? ""}
          />
          <SelectField
            name="visualRecipeExecutionConfig"
            label="Execution config (visual recipes)"
            options={choose(
              inheritFrom("instance default", inherited.visualRecipeExecutionConfig),
              choices.executionConfigs,
            )}
            defaultValue={project.visualRecipeExecutionConfig ?? ""}
          />
          <SelectField
            name="sparkConfig"
            label="Spark config"
            options={choose(inheritFrom("instance default", inherited.sparkConfig), choices.sparkConfigs)}
            defaultValue={project.sparkConfig ?? ""}
          />
          <SelectField
            name="cluster"
            label="Cluster"
            options={choose(inheritFrom("instance default", inherited.cluster), choices.clusters)}
            defaultValue={project.cluster ?? ""}
          />
        </div>
      </ActionForm>
    </div>
  );
}

export function PutMemberForm({ projectId, groups }: { projectId: number; groups: string[] }) {
  if (groups.length === 0) return <p className="text-sm text-slate-500">Create a group first.</p>;
  return (
    <ActionForm
      action={putProjectMemberAction}
      label="Add member group"
      submitLabel="Save member"
      className="flex flex-wrap items-end gap-3"
    >
      <input type="hidden" name="project" value={projectId} />
      <div className="min-w-40 flex-1">
        <SelectField name="group" label="Group" options={groups.map((name) => ({ value: name, label: name }))} />
      </div>
      <div className="min-w-32">
        <SelectField
          name="role"
          label="Role"
          options={[...PROJECT_ROLES].reverse().map((role) => ({ value: role, label: role }))}
          defaultValue="contributor"
        />
      </div>
    </ActionForm>
  );
}

export function RemoveMemberButton({
  projectId,
  projectKey,
  group,
}: {
  projectId: number;
  projectKey: string;
  group: string;
}) {
  return (
    <ConfirmButton
      label="Remove"
      title={`Remove ${group} from ${projectKey}?`}
      confirmLabel="Remove"
      onConfirm={() => removeProjectMemberAction(projectId, group)}
    >
      Members of {group} lose what their role in this project allows, unless another of their groups is a member.
    </ConfirmButton>
  );
}

export function OverrideForm({ projectId, choices }: { projectId: number; choices: Choices }) {
  return (
    <ActionForm
      action={putOverrideAction}
      label="Save override"
      submitLabel="Save override"
      success={() => "Override saved."}
    >
      <input type="hidden" name="project" value={projectId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="objectId"
          label="Object id"
          autoComplete="off"
          hint="The recipe, notebook or ML task, e.g. compute_churn_scores. Saving an existing id replaces its override."
        />
        <SelectField
          name="activityType"
          label="Activity type"
          options={ACTIVITY_TYPES.map((type) => ({ value: type, label: ACTIVITY_LABELS[type] }))}
        />
        <SelectField
          name="executionConfig"
          label="Execution config"
          options={choose("Inherit from project", choices.executionConfigs)}
        />
        <SelectField
          name="sparkConfig"
          label="Spark config"
          options={choose("Inherit from project", choices.sparkConfigs)}
        />
        <SelectField name="cluster" label="Cluster" options={choose("Inherit from project", choices.clusters)} />
      </div>
    </ActionForm>
  );
}

export function DeleteOverrideButton({ projectId, objectId }: { projectId: number; objectId: string }) {
  return (
    <ConfirmButton
      label="Remove"
      title={`Remove the override of ${objectId}?`}
      confirmLabel="Remove"
      onConfirm={() => deleteOverrideAction(projectId, objectId)}
    >
      {objectId} then inherits the project&apos;s settings.
    </ConfirmButton>
  );
}

export function DeleteProjectButton({ projectId, projectKey }: { projectId: number; projectKey: string }) {
  return (
    <ConfirmButton
      label="Delete project"
      size="md"
      title={`Delete ${projectKey}?`}
      confirmLabel="Delete project"
      onConfirm={() => deleteProjectAction(projectId)}
    >
      Its members, settings and overrides go with it. This cannot be undone.
    </ConfirmButton>
  );
}
