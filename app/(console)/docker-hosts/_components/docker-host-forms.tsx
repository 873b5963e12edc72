"use client";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { TextareaField } from "@/components/objects/textarea-field";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField, useFieldErrors } from "@/components/ui/form";
import type { DockerHostView } from "@/lib/docker-hosts/schema";
import { CLUSTER_LEVELS } from "@/lib/permissions";

import {
  createDockerHostAction,
  deleteDockerHostAction,
  setDockerHostGrantsAction,
  updateDockerHostAction,
} from "../actions";

const ENDPOINT_HINT =
  "unix:///path/to/docker.sock for an engine on Berth's host, or tcp://host:port with TLS. ssh:// and plain http are refused.";

function TlsFields({ required }: { required: boolean }) {
  // Whether TLS fits the endpoint's scheme is said of the three fields together.
  const errors = useFieldErrors("tls") ?? [];
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-800">
        TLS client certificate {required ? "(for tcp:// endpoints)" : "(to replace it, with the endpoint)"}
      </legend>
      <p className="text-xs text-slate-500">
        Paste the PEM text, not file paths: Berth never reads files on its server. Stored encrypted and never shown
        again. Leave all three empty for a unix:// socket.
      </p>
      {errors.length > 0 && (
        <ul className="space-y-0.5 text-xs text-red-700">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <TextareaField name="tls.ca" label="CA certificate" rows={4} placeholder="-----BEGIN CERTIFICATE-----" />
      <TextareaField name="tls.cert" label="Client certificate" rows={4} placeholder="-----BEGIN CERTIFICATE-----" />
      <TextareaField name="tls.key" label="Client key" rows={4} placeholder="-----BEGIN PRIVATE KEY-----" />
    </fieldset>
  );
}

/** Name, endpoint and, for tcp://, the TLS client certificate; every refused part is shown at its field. */
export function AttachDockerHostForm() {
  return (
    <ActionForm action={createDockerHostAction} label="Attach Docker host" submitLabel="Attach Docker host">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" autoComplete="off" hint="Lowercase letters, digits and '-', e.g. gpu-box-1." />
        <Field name="description" label="Description" autoComplete="off" />
      </div>
      <Field
        name="endpoint"
        label="Endpoint"
        autoComplete="off"
        spellCheck={false}
        placeholder="unix:///run/docker.sock"
        hint={ENDPOINT_HINT}
      />
      <TlsFields required />
    </ActionForm>
  );
}

/** `manage`: may change the endpoint and TLS material (operators may change the name and description). */
export function EditDockerHostForm({ host, manage }: { host: DockerHostView; manage: boolean }) {
  const [action, conflict] = useConflictAwareAction(updateDockerHostAction);
  return (
    <ActionForm
      action={action}
      label="Docker host settings"
      submitLabel="Save"
      resetOnSuccess={false}
      success={() => "Saved."}
    >
      <ConflictNotice current={conflict} />
      <input type="hidden" name="dockerHost" value={host.id} />
      <input type="hidden" name="version" value={host.revision} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" defaultValue={host.name} autoComplete="off" />
        <Field name="description" label="Description" defaultValue={host.description} autoComplete="off" />
      </div>
      {manage && (
        <>
          <Field
            name="endpoint"
            label="Endpoint"
            defaultValue={host.endpoint}
            autoComplete="off"
            spellCheck={false}
            hint={ENDPOINT_HINT}
          />
          <TlsFields required={false} />
        </>
      )}
    </ActionForm>
  );
}

export function DeleteDockerHostButton({ host }: { host: DockerHostView }) {
  return (
    <ConfirmButton
      label="Delete Docker host"
      size="md"
      title={`Delete ${host.name}?`}
      confirmLabel="Delete Docker host"
      onConfirm={() => deleteDockerHostAction(host.id)}
    >
      Berth forgets this engine and its TLS material. Containers already on it are not removed.
    </ConfirmButton>
  );
}

const LEVEL_OPTIONS = [
  { value: "", label: "No access" },
  ...CLUSTER_LEVELS.map((level) => ({ value: level, label: level })),
];

/** One level per group: use (run on it) < operate (edit) < manage (permissions, connection, delete). */
export function DockerHostGrantsForm({
  hostId,
  groups,
  grants,
  everyone,
}: {
  hostId: number;
  groups: string[];
  grants: { group: string; level: string }[];
  everyone: boolean;
}) {
  return (
    <ActionForm
      action={setDockerHostGrantsAction}
      label="Docker host permissions"
      submitLabel="Save permissions"
      resetOnSuccess={false}
      success={() => "Permissions saved."}
    >
      <input type="hidden" name="dockerHost" value={hostId} />
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" name="everyone" defaultChecked={everyone} className="h-4 w-4 rounded border-slate-300" />
        Everyone may run containers on it (use), whatever their groups
      </label>
      {groups.length === 0 ? (
        <p className="text-sm text-slate-500">
          There are no groups yet: create one under Groups to give a group more than that.
        </p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-3">
          {groups.map((group) => (
            <SelectField
              key={group}
              name={`level:${group}`}
              label={group}
              defaultValue={grants.find((grant) => grant.group === group)?.level ?? ""}
              options={LEVEL_OPTIONS}
            />
          ))}
        </div>
      )}
    </ActionForm>
  );
}
