import * as k8s from "@kubernetes/client-node";

import type { KubeClients } from "./client";
import { mayNotMessage } from "./errors";

/** One permission Berth needs on a cluster, and the feature that needs it. */
export interface RequiredPermission {
  verb: string;
  /** The API group, "" for the core group. */
  group: string;
  /** The plural resource, with its subresource after a slash (pods/log). */
  resource: string;
  /** Whether the resource lives in namespaces (Berth needs it in all of them: it creates its namespaces). */
  namespaced: boolean;
  feature: string;
}

const rules = (
  verbs: string[],
  group: string,
  resources: string[],
  namespaced: boolean,
  feature: string,
): RequiredPermission[] =>
  resources.flatMap((resource) => verbs.map((verb) => ({ verb, group, resource, namespaced, feature })));

/**
 * Everything Berth does on a cluster, as RBAC sees it. `deploy/rbac/clusterrole.yaml` grants exactly
 * this (a unit test compares the two), and Berth checks it on every status probe.
 */
export const BERTH_PERMISSIONS: readonly RequiredPermission[] = [
  ...rules(["list", "watch"], "", ["nodes"], false, "cluster page and dashboard: nodes and their capacity"),
  ...rules(
    ["get", "list", "watch", "create", "patch"],
    "",
    ["namespaces"],
    false,
    "namespaces of runs and namespace policies (Pod Security labels)",
  ),
  ...rules(
    ["get", "list", "watch", "create", "delete", "deletecollection"],
    "",
    ["pods"],
    true,
    "runs: submit, follow, abort and clean up; pod tests; cluster cleanup",
  ),
  // Spark per-job Roles grant the driver this, and RBAC lets Berth grant only what it holds.
  ...rules(["patch"], "", ["pods"], true, "Spark drivers' per-job Role"),
  ...rules(["get"], "", ["pods/log"], true, "run and image build logs"),
  ...rules(["list", "watch"], "", ["events"], true, "events of runs, pods and clusters"),
  ...rules(
    ["get", "list", "watch", "create", "patch", "delete"],
    "",
    ["resourcequotas"],
    true,
    "namespace policies' quota, quota figures",
  ),
  ...rules(["get", "create", "patch", "delete"], "", ["limitranges"], true, "namespace policies' limit ranges"),
  ...rules(
    ["create", "delete"],
    "",
    ["configmaps", "secrets"],
    true,
    "run scripts, image build contexts and registry secrets",
  ),
  ...rules(["list", "deletecollection"], "", ["configmaps"], true, "Spark drivers' per-job Role"),
  ...rules(
    ["create", "list", "delete", "deletecollection"],
    "",
    ["persistentvolumeclaims"],
    true,
    "Spark drivers' per-job Role",
  ),
  ...rules(["list", "delete", "deletecollection"], "", ["services"], true, "Spark drivers' per-job Role"),
  ...rules(
    ["get", "list", "create", "delete"],
    "batch",
    ["jobs"],
    true,
    "image builds, the workloads page and cleanup",
  ),
  ...rules(["create", "delete"], "", ["serviceaccounts"], true, "Spark: a service account per job"),
  ...rules(
    ["create", "delete"],
    "rbac.authorization.k8s.io",
    ["roles", "rolebindings"],
    true,
    "Spark: a service account per job",
  ),
  ...rules(
    ["create", "delete"],
    "sparkoperator.k8s.io",
    ["sparkapplications"],
    true,
    "Spark runs on clusters with the spark-operator",
  ),
  ...rules(
    ["list", "watch"],
    "sparkoperator.k8s.io",
    ["sparkapplications"],
    true,
    "Spark runs: the spark-operator's state of each application",
  ),
];

/** A permission Berth lacks, as the API shows it (no namespace: it is needed across the cluster). */
export interface MissingPermission {
  verb: string;
  resource: string;
  group: string;
  namespace?: string;
  feature: string;
  /** "Berth's account may not …", for people. */
  message: string;
}

export interface PermissionCheck {
  ok: boolean;
  missing: MissingPermission[];
}

/**
 * Asks the cluster, one SelfSubjectAccessReview per permission in parallel, whether Berth's
 * account holds each of `BERTH_PERMISSIONS` across the cluster. Throws what the client throws
 * when a review cannot be asked (unreachable cluster).
 */
export async function checkPermissions(
  clients: Pick<KubeClients, "config">,
  required: readonly RequiredPermission[] = BERTH_PERMISSIONS,
): Promise<PermissionCheck> {
  const authorization = clients.config.makeApiClient(k8s.AuthorizationV1Api);
  const answers = await Promise.all(
    required.map(async (permission) => {
      const [resource, subresource] = permission.resource.split("/");
      const review = await authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { verb: permission.verb, group: permission.group, resource, subresource } },
        },
      });
      return { permission, allowed: review.status?.allowed === true };
    }),
  );
  const missing = answers
    .filter((answer) => !answer.allowed)
    .map(({ permission: { verb, resource, group, feature } }) => ({
      verb,
      resource,
      group,
      feature,
      message: mayNotMessage({ verb, resource, group }),
    }));
  return { ok: missing.length === 0, missing };
}
