"use client";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { GrantsForm } from "@/components/objects/grants-form";
import { TextareaField } from "@/components/objects/textarea-field";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField } from "@/components/ui/form";
import type { KubeconfigContext } from "@/lib/clusters/kubeconfig";
import type { ClusterView } from "@/lib/clusters/schema";

import { deleteClusterAction, deleteClusterPodAction, setClusterGrantsAction, updateClusterAction } from "../actions";

/** The GPU label fields' values: empty for "auto". */
function labelsOf(cluster: ClusterView): { pod: string; namespace: string; container: string } {
  const labels = cluster.gpuMetricLabels;
  return labels === "auto"
    ? { pod: "", namespace: "", container: "" }
    : { pod: labels.pod, namespace: labels.namespace, container: labels.container ?? "" };
}

/** Edit name, description, context, Prometheus URL, GPU metric labels, or replace the kubeconfig; a stale revision gets a conflict. */
/** `manage`: may replace the kubeconfig or switch its context (operators may change the rest). */
export function EditClusterForm({
  cluster,
  contexts,
  manage,
}: {
  cluster: ClusterView;
  contexts: KubeconfigContext[];
  manage: boolean;
}) {
  const [action, conflict] = useConflictAwareAction(updateClusterAction);
  return (
    <ActionForm
      action={action}
      label="Cluster settings"
      submitLabel="Save"
      resetOnSuccess={false}
      success={() => "Saved."}
    >
      <ConflictNotice current={conflict} />
      <input type="hidden" name="cluster" value={cluster.id} />
      <input type="hidden" name="version" value={cluster.revision} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" defaultValue={cluster.name} autoComplete="off" />
        <Field name="description" label="Description" defaultValue={cluster.description} autoComplete="off" />
        <SelectField
          name="context"
          label="Context"
          defaultValue={cluster.context}
          disabled={!manage}
          hint={manage ? undefined : "Switching the context needs manage on this cluster."}
          options={(contexts.length ? contexts : [{ name: cluster.context, server: cluster.server }]).map(
            (context) => ({ value: context.name, label: `${context.name} — ${context.server ?? "no server"}` }),
          )}
        />
        <Field
          name="prometheusUrl"
          label="Prometheus URL"
          type="url"
          defaultValue={cluster.prometheusUrl ?? ""}
          autoComplete="off"
        />
        <Field
          name="sparkJobNamespaces"
          label="Spark operator job namespaces"
          placeholder="all namespaces"
          defaultValue={(cluster.sparkJobNamespaces ?? []).join(", ")}
          hint="Where the cluster's spark-operator acts (its Helm value spark.jobNamespaces). Spark runs elsewhere are refused; empty: all, or not known."
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">GPU metric labels</legend>
        <p className="text-xs text-slate-500">
          The labels of dcgm-exporter&apos;s series that name the pod holding a GPU. Leave all empty for auto:
          exported_pod and exported_namespace when present (Prometheus scraping through a ServiceMonitor), else pod and
          namespace.
        </p>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field
            name="gpuMetricLabels.pod"
            label="Pod label"
            placeholder="auto"
            defaultValue={labelsOf(cluster).pod}
            autoComplete="off"
            spellCheck={false}
          />
          <Field
            name="gpuMetricLabels.namespace"
            label="Namespace label"
            placeholder="auto"
            defaultValue={labelsOf(cluster).namespace}
            autoComplete="off"
            spellCheck={false}
          />
          <Field
            name="gpuMetricLabels.container"
            label="Container label (optional)"
            placeholder="auto"
            defaultValue={labelsOf(cluster).container}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      </fieldset>
      {manage && (
        <TextareaField
          name="kubeconfig"
          label="Replace the kubeconfig (optional)"
          rows={6}
          hint="Leave empty to keep the stored one; the context above is then looked up in the new one. Only inline credentials (token, client certificate and key data) and https servers are accepted."
        />
      )}
    </ActionForm>
  );
}

export function DeleteClusterButton({ cluster }: { cluster: ClusterView }) {
  return (
    <ConfirmButton
      label="Delete cluster"
      size="md"
      title={`Delete ${cluster.name}?`}
      confirmLabel="Delete cluster"
      onConfirm={() => deleteClusterAction(cluster.id)}
    >
      Berth forgets this cluster and its kubeconfig. Nothing on the cluster itself is removed.
    </ConfirmButton>
  );
}

/** One level per group: use (run on it) < operate (edit, cleanup) < manage (permissions, delete). */
export function ClusterGrantsForm({
  clusterId,
  groups,
  grants,
  everyone,
}: {
  clusterId: number;
  groups: string[];
  grants: { group: string; level: string }[];
  everyone: boolean;
}) {
  return (
    <GrantsForm
      action={setClusterGrantsAction}
      label="Cluster permissions"
      idField={{ name: "cluster", value: clusterId }}
      everyoneLabel="Everyone may run work on it (use), whatever their groups"
      groups={groups}
      grants={grants}
      everyone={everyone}
    />
  );
}

export function DeletePodButton({
  clusterId,
  namespace,
  pod,
  returnTo,
}: {
  clusterId: number;
  namespace: string;
  pod: string;
  returnTo?: string;
}) {
  return (
    <ConfirmButton
      label="Delete pod"
      title={`Delete pod ${namespace}/${pod}?`}
      confirmLabel="Delete pod"
      onConfirm={() => deleteClusterPodAction(clusterId, namespace, pod, returnTo)}
    >
      Its containers are stopped. A pod owned by a Job or another controller may be replaced.
    </ConfirmButton>
  );
}
