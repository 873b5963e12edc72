"use client";

import { ActionForm, SelectField } from "@/components/ui/form";

import { updateKubeconfigSwitchesAction } from "../actions";

const OFF_ON = [
  { value: "off", label: "Off (refused)" },
  { value: "on", label: "On" },
];

/** The two switches that widen what a kubeconfig may do, each with its risk (docs/security.md). */
export function KubeconfigSwitchesForm({
  current,
}: {
  current: { allowKubeconfigExecPlugins: boolean; allowInsecureKubeconfigTls: boolean };
}) {
  const value = (on: boolean) => (on ? "on" : "off");
  return (
    <ActionForm
      action={updateKubeconfigSwitchesAction}
      label="Kubeconfig safety"
      submitLabel="Save kubeconfig switches"
      resetOnSuccess={false}
      success={() => "Kubeconfig switches saved."}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          name="allowKubeconfigExecPlugins"
          label="Exec credential plugins"
          options={OFF_ON}
          defaultValue={value(current.allowKubeconfigExecPlugins)}
          hint="On: a kubeconfig's exec plugin runs as a program on the Berth server, with Berth's environment. Whoever may attach a cluster or replace a kubeconfig could then run anything here."
        />
        <SelectField
          name="allowInsecureKubeconfigTls"
          label="Skipping TLS verification"
          options={OFF_ON}
          defaultValue={value(current.allowInsecureKubeconfigTls)}
          hint="On: insecure-skip-tls-verify is accepted, so anyone between Berth and the cluster can read and reuse its credentials."
        />
      </div>
    </ActionForm>
  );
}
