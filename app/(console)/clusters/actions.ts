"use server";

import { redirect } from "next/navigation";

import { formAction } from "@/lib/actions/form-action";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import {
  cleanupCluster,
  createCluster,
  deleteCluster,
  deleteClusterPod,
  restoreCluster,
  setClusterGrants,
  updateCluster,
} from "@/lib/clusters/mutations";
import { CLUSTER_LEVELS, type ClusterLevel } from "@/lib/permissions";

import { nestGpuMetricLabels } from "./_components/form-input";

const CLUSTER_PAGES = ["/clusters"];

export const createClusterAction = formAction(createCluster, {
  revalidate: CLUSTER_PAGES,
  redirectTo: (cluster) => `/clusters/${cluster.id}`,
});

export const updateClusterAction = formAction(updateCluster, {
  revalidate: CLUSTER_PAGES,
  read: (formData) => ({ input: nestGpuMetricLabels(formInput(formData)) }),
});

export async function restoreClusterAction(cluster: number, auditEventId: number) {
  return runServerAction(restoreCluster, { cluster, auditEventId }, CLUSTER_PAGES);
}

export async function deleteClusterAction(cluster: number) {
  const result = await runServerAction(deleteCluster, { cluster }, CLUSTER_PAGES);
  if (!result.ok) return result;
  redirect("/clusters");
}

/** The grants form has one select per group, named `level:<group>`; an empty choice means no grant. */
function readGrantsForm(formData: FormData) {
  const grants: { group: string; level: ClusterLevel }[] = [];
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("level:") && CLUSTER_LEVELS.includes(value as ClusterLevel))
      grants.push({ group: key.slice("level:".length), level: value as ClusterLevel });
  }
  return {
    input: { cluster: String(formData.get("cluster") ?? ""), grants, everyone: formData.get("everyone") === "on" },
  };
}

export const setClusterGrantsAction = formAction(setClusterGrants, { revalidate: CLUSTER_PAGES, read: readGrantsForm });

/** Cleanup runs twice from the page: first as a dry run (the form), then for real after confirming. */
export const cleanupClusterAction = formAction(cleanupCluster, {
  revalidate: CLUSTER_PAGES,
  read: (formData) => ({ input: { ...formInput(formData), dryRun: true } }),
});

export async function cleanupClusterNowAction(input: Record<string, unknown>) {
  return runServerAction(cleanupCluster, { ...input, dryRun: false }, CLUSTER_PAGES);
}

export async function deleteClusterPodAction(cluster: number, namespace: string, pod: string, returnTo?: string) {
  const result = await runServerAction(deleteClusterPod, { cluster, namespace, pod }, CLUSTER_PAGES);
  if (!result.ok || !returnTo) return result;
  redirect(returnTo);
}
