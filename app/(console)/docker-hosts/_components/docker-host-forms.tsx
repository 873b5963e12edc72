"use client";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { GrantsForm } from "@/components/objects/grants-form";
import { TextareaField } from "@/components/objects/textarea-field";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, useFieldErrors } from "@/components/ui/form";
import type { DockerHostView } from "@/lib/docker-hosts/schema";

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
    <GrantsForm
      action={setDockerHostGrantsAction}
      label="Docker host permissions"
      idField={{ name: "dockerHost", value: hostId }}
      everyoneLabel="Everyone may run containers on it (use), whatever their groups"
      groups={groups}
      grants={grants}
      everyone={everyone}
    />
  );
}
