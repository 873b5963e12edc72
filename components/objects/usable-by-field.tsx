"use client";

import { useId, useState } from "react";

import { CheckboxGroup, useFieldErrors } from "@/components/ui/form";

/**
 * Who may use a config, the same control on every config form: two radios (everyone or selected
 * groups; both choices in sight, one click) and the groups' checkboxes. `modeName` submits "all"
 * or "groups", `groupsName` every checked group; errors of `errorField` show under it.
 */
export function UsableByField({
  modeName,
  groupsName,
  errorField = modeName,
  initialMode,
  initialGroups,
  groups,
}: {
  modeName: string;
  groupsName: string;
  errorField?: string;
  initialMode: "all" | "groups";
  initialGroups: string[];
  groups: string[];
}) {
  const [mode, setMode] = useState(initialMode);
  const errors = useFieldErrors(errorField);
  const id = useId();
  return (
    <fieldset aria-describedby={errors ? `${id}-errors` : undefined}>
      <legend className="text-sm font-medium text-slate-800">Usable by</legend>
      <div className="mt-1 flex gap-4 text-sm text-slate-700">
        {(["all", "groups"] as const).map((value) => (
          <label key={value} className="flex items-center gap-1.5">
            <input
              type="radio"
              name={modeName}
              value={value}
              checked={mode === value}
              onChange={() => setMode(value)}
            />
            {value === "all" ? "Everyone" : "Selected groups"}
          </label>
        ))}
      </div>
      {mode === "groups" && (
        <div className="mt-2">
          <CheckboxGroup
            name={groupsName}
            label="Groups that may use it"
            options={groups}
            defaultChecked={initialGroups}
          />
        </div>
      )}
      {errors && (
        <ul id={`${id}-errors`} className="mt-1 space-y-0.5 text-xs text-red-700">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
