"use client";

import { ActionForm, SelectField, type FormAction } from "@/components/ui/form";
import { CLUSTER_LEVELS } from "@/lib/permissions";

const LEVEL_OPTIONS = [
  { value: "", label: "No access" },
  ...CLUSTER_LEVELS.map((level) => ({ value: level, label: level })),
];

/**
 * One level per group on a place work runs (a cluster, a Docker host): use (run on it) < operate
 * (edit) < manage (permissions, connection, delete), and whether everyone may use it. The form
 * sends `level:<group>` fields and `everyone`, with the object's id under `idField`.
 */
export function GrantsForm({
  action,
  label,
  idField,
  everyoneLabel,
  groups,
  grants,
  everyone,
}: {
  action: FormAction;
  label: string;
  idField: { name: string; value: number };
  everyoneLabel: string;
  groups: string[];
  grants: { group: string; level: string }[];
  everyone: boolean;
}) {
  return (
    <ActionForm
      action={action}
      label={label}
      submitLabel="Save permissions"
      resetOnSuccess={false}
      success={() => "Permissions saved."}
    >
      <input type="hidden" name={idField.name} value={idField.value} />
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" name="everyone" defaultChecked={everyone} className="h-4 w-4 rounded border-slate-300" />
        {everyoneLabel}
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
