"use client";

import { useId, useState, useTransition } from "react";
import YAML from "yaml";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { TextareaField } from "@/components/objects/textarea-field";
import type { ObjectActionResult } from "@/components/objects/types";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField } from "@/components/ui/form";
import { Table, Td, Th } from "@/components/ui/table";
import { quantityLines } from "@/lib/namespace-policies/form";
import type { ApplyOutcome, NamespaceResult, PolicyView } from "@/lib/namespace-policies/schema";

import { applyPolicyAction, deletePolicyAction } from "../actions";
import { DriftItems } from "./drift-items";
import { PatternPreview } from "./pattern-preview";

const LIMITS_PLACEHOLDER = `- type: Container
  default: { cpu: "1", memory: 2Gi }
  defaultRequest: { cpu: 500m, memory: 1Gi }
  max: { cpu: "8", nvidia.com/gpu: "4" }`;

/** Create (no policy) or edit a namespace policy; `clusters` feed the live preview of the pattern. */
export function PolicyForm({
  policy,
  action,
  clusters = [],
}: {
  policy?: PolicyView;
  action: (previous: unknown, formData: FormData) => Promise<ObjectActionResult>;
  clusters?: string[];
}) {
  const [conflictAware, conflict] = useConflictAwareAction(action);
  const [pattern, setPattern] = useState(policy?.pattern ?? "");
  return (
    <div className="space-y-4">
      <ConflictNotice current={conflict} />
      <ActionForm
        action={conflictAware}
        label={policy ? "Edit namespace policy" : "New namespace policy"}
        submitLabel={policy ? "Save changes" : "Create policy"}
        resetOnSuccess={false}
        success={() => "Saved."}
      >
        {policy && (
          <>
            <input type="hidden" name="policy" value={policy.id} />
            <input type="hidden" name="version" value={policy.version} />
          </>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          {!policy && <Field name="name" label="Name" autoComplete="off" hint="Lowercase letters, digits and '-'." />}
          <Field name="description" label="Description" defaultValue={policy?.description} autoComplete="off" />
          <Field
            name="pattern"
            label="Namespace pattern"
            defaultValue={policy?.pattern}
            onChange={(event) => setPattern(event.target.value)}
            autoComplete="off"
            placeholder="berth-*"
            hint="Matched against whole namespace names: * is any characters, ? one character. For a regular expression write re: first (re:^ml-(a|b)$)."
          />
          <Field
            name="priority"
            label="Priority"
            type="number"
            min={0}
            defaultValue={policy?.priority ?? 100}
            hint="When several policies match, the lowest number wins."
          />
          <SelectField
            name="podSecurity"
            label="Pod security"
            defaultValue={policy?.podSecurity ?? "baseline"}
            options={[
              { value: "baseline", label: "Baseline (default): no privileged pods, host paths or host network" },
              { value: "restricted", label: "Restricted: also non-root, no privilege escalation" },
              { value: "privileged", label: "Privileged: no restrictions" },
            ]}
            hint="Enforced by the cluster's Pod Security Admission (label pod-security.kubernetes.io/enforce) in every namespace the policy governs."
          />
        </div>
        <PatternPreview pattern={pattern} clusters={clusters} />
        <TextareaField
          name="resourceQuota"
          label="ResourceQuota (hard)"
          rows={6}
          defaultValue={policy?.resourceQuota ? quantityLines(policy.resourceQuota.hard) : ""}
          placeholder={
            "requests.nvidia.com/gpu=8\nrequests.cpu=32\nrequests.memory=128Gi\npods=50\ncount/jobs.batch=20"
          }
          hint="One resource=quantity per line; applied as the ResourceQuota berth-quota. Empty: no quota."
        />
        <TextareaField
          name="limitRange"
          label="LimitRange (limits YAML)"
          rows={6}
          defaultValue={policy?.limitRange ? limitsText(policy.limitRange.limits) : ""}
          placeholder={LIMITS_PLACEHOLDER}
          hint="A list of limits (type Container or Pod; default, defaultRequest, min, max); applied as the LimitRange berth-limits. Empty: none."
        />
      </ActionForm>
    </div>
  );
}

const limitsText = (limits: unknown[]) => YAML.stringify(limits);

const STATUS_TONE: Record<NamespaceResult["status"], "green" | "amber" | "gray" | "red" | "blue"> = {
  applied: "green",
  unchanged: "gray",
  "would-change": "amber",
  failed: "red",
  skipped: "gray",
};

function ResultsTable({ outcome }: { outcome: ApplyOutcome }) {
  if (outcome.results.length === 0)
    return <p className="text-sm text-slate-500">No namespace of {outcome.cluster} matches the pattern.</p>;
  return (
    <Table label={outcome.dryRun ? "Dry run" : "Applied"}>
      <thead>
        <tr>
          <Th>Namespace</Th>
          <Th>Result</Th>
          <Th>Changes</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {outcome.results.map((result) => (
          <tr key={result.namespace}>
            <Td className="font-mono">{result.namespace}</Td>
            <Td>
              <Badge tone={STATUS_TONE[result.status]}>{result.status}</Badge>
              {result.created && (
                <span className="ml-2 text-xs text-slate-500">{outcome.dryRun ? "to be created" : "created"}</span>
              )}
            </Td>
            <Td>
              {result.error ? (
                <span className="text-red-700">{result.error}</span>
              ) : (
                <DriftItems items={result.changes} empty="in step with the policy" />
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** "Apply now": choose a cluster (and namespaces), see the dry run, then apply the same selection. */
export function ApplyNow({
  policyId,
  clusters,
  defaultCluster,
}: {
  policyId: number;
  clusters: string[];
  defaultCluster: string | undefined;
}) {
  const [cluster, setCluster] = useState(defaultCluster ?? clusters[0] ?? "");
  const [namespaces, setNamespaces] = useState("");
  const [create, setCreate] = useState(false);
  const [outcome, setOutcome] = useState<ApplyOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const ids = { cluster: useId(), namespaces: useId(), create: useId() };

  function run(dryRun: boolean) {
    const listed = namespaces
      .split(/[\s,]+/)
      .map((name) => name.trim())
      .filter(Boolean);
    startTransition(async () => {
      const result = await applyPolicyAction(policyId, {
        cluster,
        namespaces: listed.length ? listed : undefined,
        create,
        dryRun,
      });
      if (result.ok) {
        setOutcome(result.data);
        setError(null);
      } else {
        setOutcome(null);
        setError(
          [
            result.error,
            ...Object.entries(result.fieldErrors ?? {}).flatMap(([field, messages]) =>
              messages.map((message) => `${field}: ${message}`),
            ),
          ].join(" — "),
        );
      }
    });
  }

  const changed = (draft: () => void) => {
    draft();
    setOutcome(null);
  };

  if (clusters.length === 0) return <p className="text-sm text-slate-500">Attach a cluster first.</p>;
  return (
    <section aria-label="Apply now" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={ids.cluster} className="block text-sm font-medium text-slate-800">
            Cluster
          </label>
          <select
            id={ids.cluster}
            value={cluster}
            onChange={(event) => changed(() => setCluster(event.target.value))}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
          >
            {clusters.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.namespaces} className="block text-sm font-medium text-slate-800">
            Namespaces
          </label>
          <input
            id={ids.namespaces}
            value={namespaces}
            onChange={(event) => changed(() => setNamespaces(event.target.value))}
            placeholder="all matching namespaces"
            autoComplete="off"
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
          />
          <p className="mt-1 text-xs text-slate-500">
            Empty: every namespace of the cluster the pattern matches. Separate names with spaces or commas.
          </p>
        </div>
      </div>
      <label htmlFor={ids.create} className="flex items-center gap-2 text-sm text-slate-800">
        <input
          id={ids.create}
          type="checkbox"
          checked={create}
          onChange={(event) => changed(() => setCreate(event.target.checked))}
          className="rounded border-slate-300"
        />
        Create listed namespaces that do not exist
      </label>
      <div className="flex gap-3">
        <Button variant="secondary" disabled={pending} onClick={() => run(true)}>
          {pending ? "Working…" : "Dry run"}
        </Button>
        {outcome?.dryRun && outcome.results.some((result) => result.status === "would-change") && (
          <Button disabled={pending} onClick={() => run(false)}>
            Apply to {outcome.results.filter((result) => result.status === "would-change").length} namespace(s)
          </Button>
        )}
      </div>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      {outcome && (
        <div className="space-y-2">
          <p role="status" className="text-sm text-slate-700">
            {outcome.dryRun
              ? `Dry run on ${outcome.cluster}: nothing was changed.`
              : `Applied on ${outcome.cluster} (server-side apply, field manager berth).`}
          </p>
          <ResultsTable outcome={outcome} />
        </div>
      )}
    </section>
  );
}

export function DeletePolicyButton({ policyId, name }: { policyId: number; name: string }) {
  return (
    <ConfirmButton
      label="Delete"
      size="md"
      title={`Delete ${name}?`}
      confirmLabel="Delete policy"
      onConfirm={() => deletePolicyAction(policyId)}
    >
      Namespaces Berth creates from now on no longer get its quota and limits. Objects already applied stay in the
      clusters.
    </ConfirmButton>
  );
}
