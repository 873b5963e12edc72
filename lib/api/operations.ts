import { z } from "zod";
import { auditEventViewSchema, auditQuerySchema } from "@/lib/audit/schema";
import { cleanupBodySchema, cleanupResultSchema, clusterDetailSchema, clusterViewSchema, createClusterBodySchema, restoreClusterBodySchema, setClusterGrantsBodySchema, updateClusterBodySchema } from "@/lib/clusters/schema";
import { createDockerHostBodySchema, dockerHostDetailSchema, dockerHostViewSchema, dockerHostWithStatusSchema, dockerHostLevelSchema, setDockerHostGrantsBodySchema, updateDockerHostBodySchema } from "@/lib/docker-hosts/schema";
import { codeEnvViewSchema, createCodeEnvSchema, importCodeEnvSchema, queuedBuildSchema, restoreCodeEnvSchema } from "@/lib/code-envs/schema";
import { patchCodeEnvBodySchema } from "@/lib/code-envs/schema";
import { executionPreviewRequestSchema } from "@/lib/execution-configs/preview-request";
import { createExecutionConfigSchema, executionConfigViewSchema, importExecutionConfigSchema, patchExecutionConfigBodySchema, restoreExecutionConfigSchema } from "@/lib/execution-configs/schema";
import { createGroupSchema, groupViewSchema, setGroupMembersSchema, updateGroupSchema } from "@/lib/groups/schema";
import { applyOutcomeSchema, applyPolicySchema, createPolicySchema, driftReportSchema, importPolicySchema, policyViewSchema, restorePolicySchema, updatePolicySchema } from "@/lib/namespace-policies/schema";
import { createSparkConfigSchema, importSparkConfigSchema, patchSparkConfigBodySchema, previewRunSchema, restoreSparkConfigSchema, sparkConfigViewSchema, sparkPreviewSchema } from "@/lib/spark-configs/schema";
import type { Permission } from "@/lib/permissions";
import { createProjectSchema, effectiveConfigQuerySchema, effectiveConfigViewSchema, importProjectSchema, overrideViewSchema, projectViewSchema, putOverrideSchema, restoreProjectSchema, setProjectMembersSchema, updateProjectSchema } from "@/lib/projects/schema";
import { settingsViewSchema, updateSettingsSchema } from "@/lib/settings/schema";
import { createTokenSchema, createdTokenSchema, tokenViewSchema } from "@/lib/tokens/schema";
import { createUserSchema, resetPasswordSchema, updateUserSchema, userViewSchema } from "@/lib/users/schema";
import { listRunsQuerySchema, runViewSchema, submitRunSchema } from "@/lib/runs/schema";
import { waitingRunSchema } from "@/lib/runs/queue-schema";
import { meSchema } from "./me";
import {
  baseImageViewSchema,
  buildSettingsViewSchema,
  buildViewSchema,
  clusterFitsSchema,
  clusterGrantsSchema,
  clusterPodSchema,
  deletedOverrideSchema,
  deletedPodSchema,
  deletedProjectSchema,
  deletedSchema,
  executionConfigTestSchema,
  executionPreviewSchema,
  dockerExecutionPreviewSchema,
  gpuUtilizationSchema,
  openApiDocumentSchema,
  passwordResetSchema,
  podDescriptionSchema,
  revokedTokenSchema,
} from "./responses";
import { registryCredentialsFields } from "@/lib/images/credentials";
import { baseImageSchema, patchBaseImageBodySchema } from "@/lib/images/schema";
import { dashboardQuerySchema, dashboardQuotaPageSchema, dashboardQuotasQuerySchema, dashboardSnapshotSchema, gpuHoursQuerySchema, gpuHoursViewSchema, utilizationQuerySchema } from "@/lib/dashboard/schema";
import { readinessSchema } from "@/lib/health/schema";

/** One REST operation: the route handlers use these schemas, and the OpenAPI document is made from them. */
export interface ApiOperation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  /** Stable camelCase verbNoun name of the operation: generated clients name their methods after it. */
  operationId: string;
  summary: string;
  tag: string;
  permission?: Permission;
  /** Body schema; fields named in the path are taken from the path and left out of the body. */
  body?: z.ZodObject;
  /** The body may be left out (default: required when `body` is given). */
  bodyOptional?: boolean;
  /** A typical request body, shown in the document (and tried by the fuzzer's examples phase). */
  requestExample?: { name: string; summary: string; value: Record<string, unknown> };
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  /** A second success status with the same body (e.g. 200 when there was nothing to do). */
  alsoStatus?: number;
  /** A 503 answer with the success body, and what it means (a probe saying "not now"). */
  unavailable?: string;
  /** Media type of a text success body, documented beside the JSON one when `response` is set too. */
  text?: "text/plain" | "text/csv" | "application/yaml";
  auth?: false;
}

const dockerHostGrantsSchema = z.array(z.object({ group: z.string(), level: dockerHostLevelSchema }));

const withoutPathFields = (schema: z.ZodObject, ...fields: string[]) =>
  schema.omit(Object.fromEntries(fields.map((field) => [field, true])) as never);

/** Example kubeconfig for the create-cluster example: inline credentials, an https server, as `kubectl config view --raw --flatten` writes it. */
const EXAMPLE_KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "clusters:",
  "- name: gpu-prod",
  "  cluster:",
  "    server: https://10.0.0.1:6443",
  "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=",
  "users:",
  "- name: berth",
  "  user:",
  "    token: <the token of Berth's service account>",
  "contexts:",
  "- name: gpu-prod",
  "  context: { cluster: gpu-prod, user: berth }",
  "current-context: gpu-prod",
  "",
].join("\n");

/** Request examples of the main operations; a test parses each through its operation's body schema. */
const EXAMPLES = {
  createDockerHost: {
    name: "localSocket",
    summary: "The container engine on Berth's own host, reached through its socket",
    value: { name: "local-engine", description: "podman on the Berth host", endpoint: "unix:///run/podman/podman.sock" },
  },
  submitRun: {
    name: "pythonScript",
    summary: "A Python recipe run from a script, with one environment variable",
    value: { project: "churn", activity: "python-recipe", object: "train_model", script: "import os\nprint('training on', os.environ['DATASET'])\n", env: { DATASET: "customers_2026" } },
  },
  createExecutionConfig: {
    name: "gpuTraining",
    summary: "One A100 GPU, 4 CPUs and 16 GiB for training jobs in the ml-jobs namespace",
    value: {
      name: "gpu-training",
      description: "Training jobs with one GPU",
      image: "registry.internal/ds/python-cuda:3.11",
      namespace: "ml-jobs",
      resources: { requests: { cpu: "4", memory: "16Gi" }, limits: { cpu: "4", memory: "16Gi" } },
      gpu: { count: 1, type: "NVIDIA-A100-SXM4-80GB" },
    },
  },
  createCluster: {
    name: "kubeconfig",
    summary: "Attach a cluster from a kubeconfig with a service-account token",
    value: { name: "gpu-prod", description: "GPU nodes in the main data centre", kubeconfig: EXAMPLE_KUBECONFIG },
  },
} satisfies Record<string, ApiOperation["requestExample"]>;

export const API_OPERATIONS: ApiOperation[] = [
  { method: "get", path: "/api/health", operationId: "getHealth", summary: "Liveness check", tag: "system", auth: false, response: z.object({ status: z.literal("ok") }) },
  {
    method: "get",
    path: "/api/ready",
    operationId: "getReadiness",
    summary: "Readiness check: database open and migrated, a cluster answering",
    tag: "system",
    auth: false,
    response: readinessSchema,
    unavailable: "Not ready (starting, stopping, database unusable, or no cluster has answered yet): the reason in plain words",
  },
  { method: "get", path: "/api/v1/openapi.json", operationId: "getOpenApiDocument", summary: "This document", tag: "system", auth: false, response: openApiDocumentSchema },
  { method: "get", path: "/api/v1/me", operationId: "getMe", summary: "The caller", tag: "users", response: meSchema },
  { method: "get", path: "/api/v1/users", operationId: "listUsers", summary: "List users", tag: "users", permission: "users.read", response: z.array(userViewSchema) },
  { method: "post", path: "/api/v1/users", operationId: "createUser", summary: "Create a user", tag: "users", permission: "users.manage", body: createUserSchema, response: userViewSchema, status: 201 },
  { method: "get", path: "/api/v1/users/{user}", operationId: "getUser", summary: "One user, by id or username", tag: "users", permission: "users.read", response: userViewSchema },
  { method: "patch", path: "/api/v1/users/{user}", operationId: "updateUser", summary: "Change role, display name, or disable", tag: "users", permission: "users.manage", body: withoutPathFields(updateUserSchema, "user"), response: userViewSchema },
  { method: "put", path: "/api/v1/users/{user}/password", operationId: "resetUserPassword", summary: "Reset a user's password", tag: "users", permission: "users.manage", body: withoutPathFields(resetPasswordSchema, "user"), response: passwordResetSchema },
  { method: "get", path: "/api/v1/groups", operationId: "listGroups", summary: "List groups with members", tag: "groups", permission: "groups.read", response: z.array(groupViewSchema) },
  { method: "post", path: "/api/v1/groups", operationId: "createGroup", summary: "Create a group", tag: "groups", permission: "groups.manage", body: createGroupSchema, response: groupViewSchema, status: 201 },
  { method: "get", path: "/api/v1/groups/{group}", operationId: "getGroup", summary: "One group, by id or name", tag: "groups", permission: "groups.read", response: groupViewSchema },
  { method: "patch", path: "/api/v1/groups/{group}", operationId: "updateGroup", summary: "Change a group's description", tag: "groups", permission: "groups.manage", body: withoutPathFields(updateGroupSchema, "group"), response: groupViewSchema },
  { method: "delete", path: "/api/v1/groups/{group}", operationId: "deleteGroup", summary: "Delete a group", tag: "groups", permission: "groups.manage", response: deletedSchema },
  { method: "put", path: "/api/v1/groups/{group}/members", operationId: "setGroupMembers", summary: "Replace a group's members", tag: "groups", permission: "groups.manage", body: withoutPathFields(setGroupMembersSchema, "group"), response: groupViewSchema },
  { method: "get", path: "/api/v1/tokens", operationId: "listTokens", summary: "The caller's API tokens (never their values)", tag: "tokens", permission: "tokens.own", response: z.array(tokenViewSchema) },
  { method: "post", path: "/api/v1/tokens", operationId: "createToken", summary: "Create an API token; its value is returned this once", tag: "tokens", permission: "tokens.own", body: createTokenSchema, response: createdTokenSchema, status: 201 },
  { method: "delete", path: "/api/v1/tokens/{id}", operationId: "revokeToken", summary: "Revoke an API token", tag: "tokens", permission: "tokens.own", response: revokedTokenSchema },
  { method: "get", path: "/api/v1/audit", operationId: "listAuditEvents", summary: "Audit events, newest first", tag: "audit", permission: "audit.read", query: auditQuerySchema, response: z.array(auditEventViewSchema) },
  // ---- Clusters. GET /clusters/{cluster}: `version` is the Kubernetes version string;
  // the saved configuration's row version is `revision`, sent back as `version` on PATCH. ----
  { method: "get", path: "/api/v1/clusters", operationId: "listClusters", summary: "List the clusters the caller may read: admins all, others those granted to their groups (never their kubeconfigs)", tag: "clusters", permission: "clusters.read", response: z.array(clusterViewSchema) },
  { method: "post", path: "/api/v1/clusters", operationId: "createCluster", summary: "Attach a cluster from a kubeconfig; it is stored encrypted and never returned. Only inline credentials and https servers: any other kubeconfig field is a field error naming it (docs/security.md)", tag: "clusters", permission: "clusters.create", body: createClusterBodySchema, requestExample: EXAMPLES.createCluster, response: clusterViewSchema, status: 201 },
  { method: "get", path: "/api/v1/clusters/{cluster}", operationId: "getCluster", summary: "One cluster by id or name, with live status: reachable, version, nodes, namespaces, and `permissions: {ok, missing: [{verb, resource, group, namespace?, feature, message}]}` (what Berth's account on the cluster lacks of what Berth needs, asked by SelfSubjectAccessReview; null while the cluster or its access reviews do not answer); 404 for a cluster the caller has no grant on", tag: "clusters", permission: "clusters.read", response: clusterDetailSchema },
  { method: "patch", path: "/api/v1/clusters/{cluster}", operationId: "updateCluster", summary: "Change name, description, Prometheus URL, GPU metric labels or Spark operator job namespaces (`sparkJobNamespaces`: where its spark-operator acts; Spark runs elsewhere are refused) (clusters.operate on it), context or kubeconfig (clusters.manage on it); `version` = the revision read", tag: "clusters", permission: "clusters.operate", body: updateClusterBodySchema, response: clusterViewSchema },
  { method: "delete", path: "/api/v1/clusters/{cluster}", operationId: "deleteCluster", summary: "Remove a cluster (clusters.manage on it); refused while configs, projects or settings use it", tag: "clusters", permission: "clusters.manage", response: deletedSchema },
  { method: "post", path: "/api/v1/clusters/{cluster}/restore", operationId: "restoreCluster", summary: "Save an older version (name, description, context, Prometheus URL) again `{ auditEventId }`; the kubeconfig stays", tag: "clusters", permission: "clusters.operate", body: restoreClusterBodySchema, response: clusterViewSchema },
  { method: "get", path: "/api/v1/clusters/{cluster}/grants", operationId: "getClusterGrants", summary: "The groups' levels on a cluster (404 without a grant on it)", tag: "clusters", permission: "clusters.read", response: clusterGrantsSchema },
  { method: "put", path: "/api/v1/clusters/{cluster}/grants", operationId: "setClusterGrants", summary: "Replace the groups' levels (use, operate, manage) on a cluster (clusters.manage on it); `everyone: true|false` sets whether every signed-in user may use it (absent: unchanged)", tag: "clusters", permission: "clusters.manage", body: setClusterGrantsBodySchema, response: clusterGrantsSchema },
  { method: "post", path: "/api/v1/clusters/{cluster}/cleanup", operationId: "cleanupCluster", summary: "Delete finished pods or jobs matching a label selector; dryRun lists them only (clusters.operate on it)", tag: "clusters", permission: "clusters.operate", body: cleanupBodySchema, response: cleanupResultSchema },
  { method: "get", path: "/api/v1/clusters/{cluster}/pods", operationId: "listClusterPods", summary: "Pods of a namespace (?namespace=) or of all namespaces (404 without a grant on the cluster); each with `run`: the Berth run it belongs to (its berth.dev/run label), or null", tag: "clusters", permission: "clusters.read", response: z.array(clusterPodSchema) },
  { method: "get", path: "/api/v1/clusters/{cluster}/namespaces/{namespace}/pods/{pod}", operationId: "getClusterPod", summary: "A describe-like view of a pod with its events (each counted and dated in either event style: `count`/`lastTimestamp` or `series`/`eventTime`); `containers` lists init containers first, marked `kind: init | sidecar`, then the pod's own", tag: "clusters", permission: "clusters.read", response: podDescriptionSchema },
  { method: "delete", path: "/api/v1/clusters/{cluster}/namespaces/{namespace}/pods/{pod}", operationId: "deleteClusterPod", summary: "Delete a pod (clusters.operate on it)", tag: "clusters", permission: "clusters.operate", response: deletedPodSchema },
  // ---- end of clusters ----
  // ---- Docker hosts, named by id or name. ----
  { method: "get", path: "/api/v1/docker-hosts", operationId: "listDockerHosts", summary: "List the Docker hosts the caller may read (admins all, others those granted to their groups or usable by everyone), each with its live `status`: engine version, CPUs, memory and running containers, or `reachable: false` with the reason in plain words; never their TLS material", tag: "docker-hosts", permission: "dockerHosts.read", response: z.array(dockerHostWithStatusSchema) },
  { method: "post", path: "/api/v1/docker-hosts", operationId: "createDockerHost", summary: "Attach a Docker host by its Docker API endpoint: `unix:///absolute/path` or `tcp://host:port` with `tls: {ca, cert, key}` as PEM text (stored encrypted, never returned). ssh://, http:// and file paths are refused as field errors", tag: "docker-hosts", permission: "dockerHosts.create", body: createDockerHostBodySchema, requestExample: EXAMPLES.createDockerHost, response: dockerHostViewSchema, status: 201 },
  { method: "get", path: "/api/v1/docker-hosts/{dockerHost}", operationId: "getDockerHost", summary: "One Docker host by id or name, with live status and grants; 404 for a host the caller has no grant on", tag: "docker-hosts", permission: "dockerHosts.read", response: dockerHostDetailSchema },
  { method: "patch", path: "/api/v1/docker-hosts/{dockerHost}", operationId: "updateDockerHost", summary: "Change name or description (dockerHosts.operate on it), or the endpoint and TLS material, given together (dockerHosts.manage on it); `version` = the revision read", tag: "docker-hosts", permission: "dockerHosts.operate", body: updateDockerHostBodySchema, response: dockerHostViewSchema },
  { method: "delete", path: "/api/v1/docker-hosts/{dockerHost}", operationId: "deleteDockerHost", summary: "Remove a Docker host (dockerHosts.manage on it); refused while execution configs use it", tag: "docker-hosts", permission: "dockerHosts.manage", response: deletedSchema },
  { method: "get", path: "/api/v1/docker-hosts/{dockerHost}/grants", operationId: "getDockerHostGrants", summary: "The groups' levels on a Docker host (404 without a grant on it)", tag: "docker-hosts", permission: "dockerHosts.read", response: dockerHostGrantsSchema },
  { method: "put", path: "/api/v1/docker-hosts/{dockerHost}/grants", operationId: "setDockerHostGrants", summary: "Replace the groups' levels (use, operate, manage) on a Docker host (dockerHosts.manage on it); `everyone: true|false` sets whether every signed-in user may use it (absent: unchanged)", tag: "docker-hosts", permission: "dockerHosts.manage", body: setDockerHostGrantsBodySchema, response: dockerHostGrantsSchema },
  // ---- end of Docker hosts ----
  // ---- Settings and projects. Projects are named by key or id; configs and clusters by name. ----
  { method: "get", path: "/api/v1/settings", operationId: "getSettings", summary: "The instance defaults, by name", tag: "settings", response: settingsViewSchema },
  { method: "patch", path: "/api/v1/settings", operationId: "updateSettings", summary: "Set instance defaults by name (null clears one) and the kubeconfig switches allowKubeconfigExecPlugins / allowInsecureKubeconfigTls", tag: "settings", permission: "settings.manage", body: updateSettingsSchema, response: settingsViewSchema },
  { method: "get", path: "/api/v1/projects", operationId: "listProjects", summary: "The projects the caller may see", tag: "projects", response: z.array(projectViewSchema) },
  { method: "post", path: "/api/v1/projects", operationId: "createProject", summary: "Create a project; the owner group becomes a project admin", tag: "projects", permission: "projects.create", body: createProjectSchema, response: projectViewSchema, status: 201 },
  { method: "post", path: "/api/v1/projects/import", operationId: "importProject", summary: "Create or update a project from its YAML document `{ yaml }`", tag: "projects", permission: "projects.create", body: importProjectSchema, response: projectViewSchema },
  { method: "get", path: "/api/v1/projects/{project}", operationId: "getProject", summary: "One project (projects.read on it; else 404)", tag: "projects", response: projectViewSchema },
  { method: "patch", path: "/api/v1/projects/{project}", operationId: "updateProject", summary: "Change settings (null = inherit), name, owner, members (projects.manage on it; only configs and clusters the caller may use); `version` = the version read", tag: "projects", permission: "projects.manage", body: withoutPathFields(updateProjectSchema, "project"), response: projectViewSchema },
  { method: "delete", path: "/api/v1/projects/{project}", operationId: "deleteProject", summary: "Delete a project with its members and overrides (projects.manage on it)", tag: "projects", permission: "projects.manage", response: deletedProjectSchema },
  { method: "put", path: "/api/v1/projects/{project}/members", operationId: "setProjectMembers", summary: "Replace the member groups and their roles (projects.manage on it)", tag: "projects", permission: "projects.manage", body: withoutPathFields(setProjectMembersSchema, "project"), response: projectViewSchema },
  { method: "get", path: "/api/v1/projects/{project}/overrides", operationId: "listProjectOverrides", summary: "The objects that override the project's settings", tag: "projects", response: z.array(overrideViewSchema) },
  { method: "get", path: "/api/v1/projects/{project}/overrides/{objectId}", operationId: "getProjectOverride", summary: "One object's override", tag: "projects", response: overrideViewSchema },
  { method: "put", path: "/api/v1/projects/{project}/overrides/{objectId}", operationId: "setProjectOverride", summary: "Set an object's override (absent or null = inherit the project's) (projects.manage on it)", tag: "projects", permission: "projects.manage", body: withoutPathFields(putOverrideSchema, "project", "objectId"), response: overrideViewSchema },
  { method: "delete", path: "/api/v1/projects/{project}/overrides/{objectId}", operationId: "deleteProjectOverride", summary: "Remove an object's override (projects.manage on it)", tag: "projects", permission: "projects.manage", response: deletedOverrideSchema },
  { method: "get", path: "/api/v1/projects/{project}/effective-config", operationId: "getEffectiveConfig", summary: "What an activity (of an object) runs with for the caller, with each value's origin; 403 when the caller may not use the config it runs with", tag: "projects", query: effectiveConfigQuerySchema, response: effectiveConfigViewSchema },
  { method: "get", path: "/api/v1/projects/{project}/history", operationId: "getProjectHistory", summary: "The project's changes, newest first (its audit events)", tag: "projects", response: z.array(auditEventViewSchema) },
  { method: "post", path: "/api/v1/projects/{project}/restore", operationId: "restoreProject", summary: "Save the version recorded by one of the project's audit events again `{ auditEventId, version? }`", tag: "projects", permission: "projects.manage", body: withoutPathFields(restoreProjectSchema, "project"), response: projectViewSchema },
  { method: "get", path: "/api/v1/projects/{project}/yaml", operationId: "getProjectYaml", summary: "The project as a YAML document (importable)", tag: "projects", text: "application/yaml" },
  // ---- end of settings and projects ----
  // ---- Spark configs and namespace policies. Named by id or name. ----
  { method: "get", path: "/api/v1/spark-configs", operationId: "listSparkConfigs", summary: "Spark configs: all for those who manage configs, else the ones the caller's groups may use", tag: "spark-configs", permission: "configs.read", response: z.array(sparkConfigViewSchema) },
  { method: "post", path: "/api/v1/spark-configs", operationId: "createSparkConfig", summary: "Create a Spark config", tag: "spark-configs", permission: "configs.manage", body: createSparkConfigSchema, response: sparkConfigViewSchema, status: 201 },
  { method: "post", path: "/api/v1/spark-configs/import", operationId: "importSparkConfig", summary: "Create or update a Spark config from its YAML document `{ yaml }`", tag: "spark-configs", permission: "configs.manage", body: importSparkConfigSchema, response: sparkConfigViewSchema },
  { method: "get", path: "/api/v1/spark-configs/{config}", operationId: "getSparkConfig", summary: "One Spark config", tag: "spark-configs", permission: "configs.read", response: sparkConfigViewSchema },
  { method: "patch", path: "/api/v1/spark-configs/{config}", operationId: "updateSparkConfig", summary: "Change any fields (merged over the saved config and validated whole); `version` = the version read", tag: "spark-configs", permission: "configs.manage", body: patchSparkConfigBodySchema, response: sparkConfigViewSchema },
  { method: "delete", path: "/api/v1/spark-configs/{config}", operationId: "deleteSparkConfig", summary: "Delete a Spark config; refused while projects, overrides or the default setting use it", tag: "spark-configs", permission: "configs.manage", response: deletedSchema },
  { method: "get", path: "/api/v1/spark-configs/{config}/preview", operationId: "getSparkConfigPreview", summary: "The spark-submit argv and SparkApplication for a sample run (query: user, project, group, jobName, mainApplicationFile)", tag: "spark-configs", permission: "configs.read", query: previewRunSchema, response: sparkPreviewSchema },
  { method: "post", path: "/api/v1/spark-configs/{config}/preview", operationId: "previewSparkConfig", summary: "The same preview with the sample run as a JSON body", tag: "spark-configs", permission: "configs.read", body: previewRunSchema, response: sparkPreviewSchema },
  { method: "get", path: "/api/v1/spark-configs/{config}/yaml", operationId: "getSparkConfigYaml", summary: "The Spark config as a YAML document (importable)", tag: "spark-configs", permission: "configs.read", text: "application/yaml" },
  { method: "get", path: "/api/v1/spark-configs/{config}/history", operationId: "getSparkConfigHistory", summary: "The config's changes, newest first (its audit events)", tag: "spark-configs", permission: "configs.read", response: z.array(auditEventViewSchema) },
  { method: "post", path: "/api/v1/spark-configs/{config}/restore", operationId: "restoreSparkConfig", summary: "Save the version recorded by one of the config's audit events again `{ auditEventId }`", tag: "spark-configs", permission: "configs.manage", body: withoutPathFields(restoreSparkConfigSchema, "config"), response: sparkConfigViewSchema },
  { method: "get", path: "/api/v1/namespace-policies", operationId: "listNamespacePolicies", summary: "Namespace policies, in the order they are tried (lowest priority first)", tag: "namespace-policies", permission: "policies.read", response: z.array(policyViewSchema) },
  { method: "post", path: "/api/v1/namespace-policies", operationId: "createNamespacePolicy", summary: "Create a namespace policy: pattern → ResourceQuota and LimitRange templates", tag: "namespace-policies", permission: "policies.manage", body: createPolicySchema, response: policyViewSchema, status: 201 },
  { method: "post", path: "/api/v1/namespace-policies/import", operationId: "importNamespacePolicy", summary: "Create or update a namespace policy from its YAML document `{ yaml }`", tag: "namespace-policies", permission: "policies.manage", body: importPolicySchema, response: policyViewSchema },
  { method: "get", path: "/api/v1/namespace-policies/{policy}", operationId: "getNamespacePolicy", summary: "One namespace policy", tag: "namespace-policies", permission: "policies.read", response: policyViewSchema },
  { method: "patch", path: "/api/v1/namespace-policies/{policy}", operationId: "updateNamespacePolicy", summary: "Change a policy; `version` = the version read", tag: "namespace-policies", permission: "policies.manage", body: withoutPathFields(updatePolicySchema, "policy"), response: policyViewSchema },
  { method: "delete", path: "/api/v1/namespace-policies/{policy}", operationId: "deleteNamespacePolicy", summary: "Delete a namespace policy (objects already applied stay in the cluster)", tag: "namespace-policies", permission: "policies.manage", response: deletedSchema },
  { method: "post", path: "/api/v1/namespace-policies/{policy}/apply", operationId: "applyNamespacePolicy", summary: "Apply now by server-side apply (fieldManager berth) to the cluster's matching namespaces or the listed ones (create: make missing ones); answers the namespaces it touched; dryRun lists the changes only", tag: "namespace-policies", permission: "policies.manage", body: withoutPathFields(applyPolicySchema, "policy"), response: applyOutcomeSchema },
  { method: "get", path: "/api/v1/namespace-policies/{policy}/diff", operationId: "getNamespacePolicyDrift", summary: "Drift between the templates and each matching namespace of a cluster (?cluster=name)", tag: "namespace-policies", permission: "policies.read", query: z.object({ cluster: z.string() }), response: driftReportSchema },
  { method: "get", path: "/api/v1/namespace-policies/{policy}/yaml", operationId: "getNamespacePolicyYaml", summary: "The policy as a YAML document (importable)", tag: "namespace-policies", permission: "policies.read", text: "application/yaml" },
  { method: "get", path: "/api/v1/namespace-policies/{policy}/history", operationId: "getNamespacePolicyHistory", summary: "The policy's changes and applies, newest first (its audit events)", tag: "namespace-policies", permission: "policies.read", response: z.array(auditEventViewSchema) },
  { method: "post", path: "/api/v1/namespace-policies/{policy}/restore", operationId: "restoreNamespacePolicy", summary: "Save the version recorded by one of the policy's audit events again `{ auditEventId }`", tag: "namespace-policies", permission: "policies.manage", body: withoutPathFields(restorePolicySchema, "policy"), response: policyViewSchema },
  // ---- end of Spark configs and namespace policies ----
  // ---- Execution configs. Named by id or name. ----
  { method: "get", path: "/api/v1/execution-configs", operationId: "listExecutionConfigs", summary: "Execution configs: all for those who manage configs, else the ones the caller's groups may use (with mayUse)", tag: "execution-configs", permission: "configs.read", response: z.array(executionConfigViewSchema) },
  { method: "post", path: "/api/v1/execution-configs", operationId: "createExecutionConfig", summary: "Create an execution config", tag: "execution-configs", permission: "configs.manage", body: createExecutionConfigSchema, requestExample: EXAMPLES.createExecutionConfig, response: executionConfigViewSchema, status: 201 },
  { method: "post", path: "/api/v1/execution-configs/import", operationId: "importExecutionConfig", summary: "Create or update an execution config from its YAML document `{ yaml }`", tag: "execution-configs", permission: "configs.manage", body: importExecutionConfigSchema, response: executionConfigViewSchema },
  { method: "get", path: "/api/v1/execution-configs/{config}", operationId: "getExecutionConfig", summary: "One execution config (403 when the caller's groups may not use it)", tag: "execution-configs", permission: "configs.read", response: executionConfigViewSchema },
  { method: "patch", path: "/api/v1/execution-configs/{config}", operationId: "updateExecutionConfig", summary: "Change any fields (merged over the saved config and validated whole); `version` = the version read, 409 with `current` when stale", tag: "execution-configs", permission: "configs.manage", body: patchExecutionConfigBodySchema, response: executionConfigViewSchema },
  { method: "delete", path: "/api/v1/execution-configs/{config}", operationId: "deleteExecutionConfig", summary: "Delete an execution config; refused (409) while projects, overrides or default settings use it", tag: "execution-configs", permission: "configs.manage", response: deletedSchema },
  { method: "get", path: "/api/v1/execution-configs/{config}/preview", operationId: "getExecutionConfigPreview", summary: "The Pod it produces for the sample run (the caller, project sample, activity python-recipe) `{ pod }`; `?codeEnv=NAME` runs that code env's image for this config (422 on codeEnv when it has none) `{ pod, codeEnv }`", tag: "execution-configs", permission: "configs.read", query: z.object({ codeEnv: z.string().optional() }), response: z.union([executionPreviewSchema, dockerExecutionPreviewSchema]) },
  { method: "post", path: "/api/v1/execution-configs/{config}/preview", operationId: "previewExecutionConfig", summary: "The Pod it produces for the run described in the body `{ pod }`; with `codeEnv`, the pod runs that code env's image. A docker config answers `{ engine: \"docker\", dockerHost, container }` instead: the exact Docker Engine API ContainerCreate body", tag: "execution-configs", permission: "configs.read", body: executionPreviewRequestSchema, response: z.union([executionPreviewSchema, dockerExecutionPreviewSchema]) },
  { method: "get", path: "/api/v1/execution-configs/{config}/fits", operationId: "getExecutionConfigFits", summary: "Per cluster it may run on: how many of its pods fit now on free capacity and under the namespace quota `[{ cluster, fits, reason }]`", tag: "execution-configs", permission: "configs.read", response: clusterFitsSchema },
  { method: "post", path: "/api/v1/execution-configs/{config}/test", operationId: "testExecutionConfig", summary: "Start a short pod with it and report `{ outcome, reason, steps, events }` (succeeded, failed, unschedulable, refused, pull-failed, timeout)", tag: "execution-configs", permission: "configs.manage", response: executionConfigTestSchema },
  { method: "get", path: "/api/v1/execution-configs/{config}/yaml", operationId: "getExecutionConfigYaml", summary: "The config as a YAML document (importable)", tag: "execution-configs", permission: "configs.read", text: "application/yaml" },
  { method: "get", path: "/api/v1/execution-configs/{config}/history", operationId: "getExecutionConfigHistory", summary: "The config's changes and tests, newest first (its audit events)", tag: "execution-configs", permission: "configs.read", response: z.array(auditEventViewSchema) },
  { method: "post", path: "/api/v1/execution-configs/{config}/restore", operationId: "restoreExecutionConfig", summary: "Save the version recorded by one of the config's audit events again `{ auditEventId }`", tag: "execution-configs", permission: "configs.manage", body: withoutPathFields(restoreExecutionConfigSchema, "config"), response: executionConfigViewSchema },
  // ---- end of execution configs ----
  // ---- Base images and image builds. Base images named by id or name; builds by id. ----
  { method: "get", path: "/api/v1/base-images", operationId: "listBaseImages", summary: "Base images, with the current revision, the latest build and `revisionState` (never-built, up-to-date, rebuild-needed)", tag: "images", permission: "images.read", response: z.array(baseImageViewSchema) },
  { method: "post", path: "/api/v1/base-images", operationId: "createBaseImage", summary: "Create a base image", tag: "images", permission: "images.manage", body: baseImageSchema, status: 201, response: baseImageViewSchema },
  { method: "post", path: "/api/v1/base-images/import", operationId: "importBaseImage", summary: "Create or update a base image from its YAML document `{ yaml }`", tag: "images", permission: "images.manage", body: z.object({ yaml: z.string() }), response: baseImageViewSchema },
  { method: "get", path: "/api/v1/base-images/{baseImage}", operationId: "getBaseImage", summary: "One base image (registry credentials only as `{ configured, usernames }`)", tag: "images", permission: "images.read", response: baseImageViewSchema },
  { method: "patch", path: "/api/v1/base-images/{baseImage}", operationId: "updateBaseImage", summary: "Change any fields (merged and validated whole); `version` = the version read, 409 with `current` when stale", tag: "images", permission: "images.manage", body: patchBaseImageBodySchema.extend({ version: z.number().int().positive().optional() }), response: baseImageViewSchema },
  { method: "delete", path: "/api/v1/base-images/{baseImage}", operationId: "deleteBaseImage", summary: "Delete a base image; refused (409) while one of its builds is queued or running", tag: "images", permission: "images.manage", response: deletedSchema },
  { method: "get", path: "/api/v1/base-images/{baseImage}/dockerfile", operationId: "getBaseImageDockerfile", summary: "The exact Dockerfile a build uses now (text/plain)", tag: "images", permission: "images.read", text: "text/plain" },
  { method: "get", path: "/api/v1/base-images/{baseImage}/builds", operationId: "listBaseImageBuilds", summary: "The base image's builds (revisions), newest first", tag: "images", permission: "images.read", response: z.array(buildViewSchema) },
  { method: "post", path: "/api/v1/base-images/{baseImage}/builds", operationId: "buildBaseImage", summary: "Queue a build of the base image as it is now `{ id, status, … }`; an optional body `{ dockerHost }` builds it on that Docker host's engine instead of its cluster", tag: "images", permission: "images.manage", status: 201, body: z.object({ dockerHost: z.string().optional() }), bodyOptional: true, response: buildViewSchema },
  { method: "put", path: "/api/v1/base-images/{baseImage}/current", operationId: "setBaseImageCurrentBuild", summary: "Make a pushed build `{ build }` the current revision", tag: "images", permission: "images.manage", body: z.object({ build: z.number().int().positive() }), response: baseImageViewSchema },
  { method: "put", path: "/api/v1/base-images/{baseImage}/registry-credentials", operationId: "setBaseImageRegistryCredentials", summary: "Store registry credentials `{ username, password }` or `{ dockerConfigJson }`, encrypted; never returned", tag: "images", permission: "images.manage", body: z.object(registryCredentialsFields), response: baseImageViewSchema },
  { method: "delete", path: "/api/v1/base-images/{baseImage}/registry-credentials", operationId: "deleteBaseImageRegistryCredentials", summary: "Remove the registry credentials", tag: "images", permission: "images.manage", response: baseImageViewSchema },
  { method: "get", path: "/api/v1/base-images/{baseImage}/yaml", operationId: "getBaseImageYaml", summary: "The base image as a YAML document (importable; no credentials)", tag: "images", permission: "images.read", text: "application/yaml" },
  { method: "get", path: "/api/v1/base-images/{baseImage}/history", operationId: "getBaseImageHistory", summary: "The base image's changes and builds started, newest first (its audit events)", tag: "images", permission: "images.read", response: z.array(auditEventViewSchema) },
  { method: "post", path: "/api/v1/base-images/{baseImage}/restore", operationId: "restoreBaseImage", summary: "Save the version recorded by one of its audit events again `{ auditEventId }`", tag: "images", permission: "images.manage", body: z.object({ auditEventId: z.number().int().positive() }), response: baseImageViewSchema },
  { method: "get", path: "/api/v1/image-builds", operationId: "listImageBuilds", summary: "Builds of base images and code envs, newest first (?status=&kind=base-image|code-env&image=substring)", tag: "images", permission: "images.read", query: z.object({ status: z.enum(["queued", "running", "pushed", "failed", "cancelled"]).optional(), kind: z.enum(["base-image", "code-env"]).optional(), image: z.string().optional() }), response: z.array(buildViewSchema) },
  { method: "get", path: "/api/v1/image-builds/{build}", operationId: "getImageBuild", summary: "One build `{ id, status, image, digest, reason, startedBy, durationMs, executor, namespace, … }`; a build whose pod the cluster refused (quota, Pod Security, service account) is `failed` with the refusal as `reason`", tag: "images", permission: "images.read", response: buildViewSchema },
  { method: "get", path: "/api/v1/image-builds/{build}/logs", operationId: "getImageBuildLogs", summary: "The build log (text/plain); `?follow=1` streams it until the build ends", tag: "images", permission: "images.read", query: z.object({ follow: z.string().optional() }), text: "text/plain" },
  { method: "post", path: "/api/v1/image-builds/{build}/cancel", operationId: "cancelImageBuild", summary: "Cancel a queued or running build (deletes its Job); 409 when it has ended", tag: "images", permission: "images.manage", response: buildViewSchema },
  { method: "get", path: "/api/v1/image-builds/settings", operationId: "getImageBuildSettings", summary: "`{ maxConcurrentBuilds, kanikoImage, executor, buildkitImage, namespace, resources: { requests: { cpu, memory }, limits: { cpu, memory } } }`: builds at once per cluster (default 2), the executor (`kaniko` default, or rootless `buildkit`) and their images, the namespace new builds run in (default berth-builds), the builder container's requests and limits (null: none)", tag: "images", permission: "images.read", response: buildSettingsViewSchema },
  {
    method: "put",
    path: "/api/v1/image-builds/settings",
    operationId: "updateImageBuildSettings",
    summary: "Change any of `maxConcurrentBuilds` (1–50), `executor`, `kanikoImage`, `buildkitImage`, `namespace` (null: the default) and `resources.{requests,limits}.{cpu,memory}` (a quantity; null or \"\": none)",
    tag: "images",
    permission: "settings.manage",
    body: z.object({
      maxConcurrentBuilds: z.number().int().optional(),
      kanikoImage: z.string().nullable().optional(),
      buildkitImage: z.string().nullable().optional(),
      executor: z.enum(["kaniko", "buildkit"]).nullable().optional(),
      namespace: z.string().nullable().optional(),
      resources: z
        .object({
          requests: z.object({ cpu: z.string().nullable().optional(), memory: z.string().nullable().optional() }).optional(),
          limits: z.object({ cpu: z.string().nullable().optional(), memory: z.string().nullable().optional() }).optional(),
        })
        .optional(),
    }),
    response: buildSettingsViewSchema,
  },
  // ---- end of base images and image builds ----
  // ---- Code environments. Named by id or name. ----
  { method: "get", path: "/api/v1/code-envs", operationId: "listCodeEnvs", summary: "Code envs, each with its images (one per base image of the configs it is built for) and their status", tag: "code-envs", permission: "images.read", response: z.array(codeEnvViewSchema) },
  { method: "post", path: "/api/v1/code-envs", operationId: "createCodeEnv", summary: "Create a code env `{name, language, packages, pythonVersion?, buildFor: {executionConfigs, sparkConfigs}, dockerfile* fragments}`", tag: "code-envs", permission: "images.manage", body: createCodeEnvSchema, response: codeEnvViewSchema, status: 201 },
  { method: "post", path: "/api/v1/code-envs/import", operationId: "importCodeEnv", summary: "Create or update a code env from its YAML document `{ yaml }`", tag: "code-envs", permission: "images.manage", body: importCodeEnvSchema, response: codeEnvViewSchema },
  { method: "post", path: "/api/v1/code-envs/rebuild-stale", operationId: "rebuildStaleCodeEnvs", summary: "Queue builds for every missing or stale image of every code env: 201 `[{codeEnv, id, status, baseRef, image}]`, or 200 `[]`", tag: "code-envs", permission: "images.manage", response: z.array(queuedBuildSchema.extend({ codeEnv: z.string() })), status: 201, alsoStatus: 200 },
  { method: "get", path: "/api/v1/code-envs/{codeEnv}", operationId: "getCodeEnv", summary: "One code env with its images and their status", tag: "code-envs", permission: "images.read", response: codeEnvViewSchema },
  { method: "patch", path: "/api/v1/code-envs/{codeEnv}", operationId: "updateCodeEnv", summary: "Change any fields (merged over the saved env and validated whole); `version` = the version read, 409 with `current` when stale", tag: "code-envs", permission: "images.manage", body: patchCodeEnvBodySchema.extend({ version: z.number().int().positive().optional() }), response: codeEnvViewSchema },
  { method: "delete", path: "/api/v1/code-envs/{codeEnv}", operationId: "deleteCodeEnv", summary: "Delete a code env; refused (409) while a build of it is queued or running", tag: "code-envs", permission: "images.manage", response: deletedSchema },
  { method: "get", path: "/api/v1/code-envs/{codeEnv}/builds", operationId: "listCodeEnvBuilds", summary: "The code env's builds, newest first", tag: "code-envs", permission: "images.read", response: z.array(buildViewSchema) },
  { method: "post", path: "/api/v1/code-envs/{codeEnv}/builds", operationId: "buildCodeEnv", summary: "Build what is missing or stale: 201 `[{id, status, baseRef, image}]`, or 200 `[]` with the reason in the X-Berth-Message header; an optional body `{ dockerHost }` builds on that Docker host's engine", tag: "code-envs", permission: "images.manage", body: z.object({ dockerHost: z.string().optional() }), bodyOptional: true, response: z.array(queuedBuildSchema), status: 201, alsoStatus: 200 },
  { method: "get", path: "/api/v1/code-envs/{codeEnv}/yaml", operationId: "getCodeEnvYaml", summary: "The code env as a YAML document (importable)", tag: "code-envs", permission: "images.read", text: "application/yaml" },
  { method: "get", path: "/api/v1/code-envs/{codeEnv}/history", operationId: "getCodeEnvHistory", summary: "The code env's changes and build requests, newest first (its audit events)", tag: "code-envs", permission: "images.read", response: z.array(auditEventViewSchema) },
  { method: "post", path: "/api/v1/code-envs/{codeEnv}/restore", operationId: "restoreCodeEnv", summary: "Save the version recorded by one of the code env's audit events again `{ auditEventId }`", tag: "code-envs", permission: "images.manage", body: withoutPathFields(restoreCodeEnvSchema, "codeEnv"), response: codeEnvViewSchema },
  // ---- end of code environments ----
  // ---- Runs. Runs are named by id (the pods' berth.dev/run label). ----
  { method: "get", path: "/api/v1/runs", operationId: "listRuns", summary: "The runs the caller may see (admins all; others their own and those of projects they may read), newest first", tag: "runs", query: listRunsQuerySchema, response: z.array(runViewSchema) },
  { method: "post", path: "/api/v1/runs", operationId: "submitRun", summary: "Submit a run: the project's resolved config (per-run choices within what the caller may use) → one Pod, or a SparkApplication / spark-submit driver pod, or (a config with engine `docker`) one container on the config's Docker host (`dockerHosts.use` needed), whose statuses, exit code and reason come from the engine. 403 `{error}` when the caller's groups may not use the config or cluster (nothing is created); 422 `fieldErrors` for bad input; a quota refusal leaves it `queued` with the numbers; a run that could never start (more than the namespace quota's hard limit, or than any node it may use has allocatable, taints and selectors counted) is a 422 with the numbers on `executionConfig`, unless the cluster could not be read. `object` names the recipe, notebook or ML task: its override in the project applies (origin `object`); `name` defaults to the object, else the script's file or first word. A run that resolves no config or cluster is a 422 saying what an admin sets where, or whom to ask. `annotations` is a test hook: only the simulator's `sim.berth.dev/*` pod annotations", tag: "runs", permission: "projects.contribute", body: submitRunSchema, requestExample: EXAMPLES.submitRun, response: runViewSchema, status: 201 },
  { method: "get", path: "/api/v1/runs/queue", operationId: "getRunQueue", summary: "The queue: queued and pending runs the caller may see, oldest first, each with its place among its cluster's waiting runs and why it waits", tag: "runs", response: z.array(waitingRunSchema) },
  { method: "get", path: "/api/v1/runs/{id}", operationId: "getRun", summary: "One run: name, object, status (queued pending running succeeded failed aborted lost), reason in plain words, executionConfig (name), pods (for a run on a Docker host: `dockerHost` and `containers`, the engine's container ids), times, resolution with origins (run, object, project, instance)", tag: "runs", response: runViewSchema },
  { method: "post", path: "/api/v1/runs/{id}/abort", operationId: "abortRun", summary: "Abort a run (its submitter or a project manager): deletes its pods, SparkApplication and per-job service account, or kills and removes its container on a Docker host (answered once the engine confirms it is gone); 409 when it has already finished", tag: "runs", response: runViewSchema },
  // ---- end of runs (runs-core) ----
  // ---- Runs live. Logs, streams and run settings. ----
  { method: "get", path: "/api/v1/runs/{id}/logs", operationId: "getRunLogs", summary: "The run's log as text/plain; `follow=1` streams it until the run's pods end; Spark runs merge driver and executors, each line prefixed `[pod-name] `, `pod=` narrows to one pod; `download=1` sets Content-Disposition. After the retention cleanup: the last `logTailKb` KB kept in the database", tag: "runs", query: z.object({ follow: z.enum(["0", "1", "true", "false"]).optional(), pod: z.string().optional(), download: z.enum(["0", "1"]).optional() }), text: "text/plain" },
  { method: "get", path: "/api/v1/runs/settings", operationId: "getRunSettings", summary: "`{ retentionSeconds, logTailKb }`: how long a finished run's pods stay on the cluster (default 3600) and how many KB of its log the run keeps (default 64)", tag: "runs", response: z.object({ retentionSeconds: z.number().int(), logTailKb: z.number().int() }) },
  { method: "put", path: "/api/v1/runs/settings", operationId: "updateRunSettings", summary: "Change `retentionSeconds` (0–604800) and/or `logTailKb` (1–1024); null restores the default", tag: "runs", permission: "settings.manage", body: z.object({ retentionSeconds: z.number().int().nullable().optional(), logTailKb: z.number().int().nullable().optional() }), response: z.object({ retentionSeconds: z.number().int(), logTailKb: z.number().int() }) },
  // ---- end of runs live ----
  // ---- Dashboard. `?cluster=` takes a cluster's id or name. ----
  { method: "get", path: "/api/v1/dashboard", operationId: "getDashboard", summary: "Per cluster the caller may read: `{name, stale, staleSince, runningPods, pendingPods, failedLastHour, pending[], breakdown, gpu: {allocatable, requested, nodes[], projects[]}, quotas: [{namespace, name, hard, used, pressure, policy, projects}], quotaCount, quotaWarnings}`; `quotas` holds the 12 most pressed (`?quotas=all`: every one; the rest a page at a time from /api/v1/dashboard/clusters/{cluster}/quotas); GPUs in whole nvidia.com/gpu, quota maps keyed as in the ResourceQuota", tag: "dashboard", permission: "clusters.read", query: dashboardQuerySchema, response: dashboardSnapshotSchema },
  { method: "get", path: "/api/v1/dashboard/clusters/{cluster}/quotas", operationId: "listDashboardQuotas", summary: "A cluster's ResourceQuotas as the dashboard shows them, most pressed first, `limit` (1–500, default 100) a page; `nextCursor` continues after the last one sent (null on the last page); 404 without a grant on the cluster", tag: "dashboard", permission: "clusters.read", query: dashboardQuotasQuerySchema, response: dashboardQuotaPageSchema },
  { method: "get", path: "/api/v1/dashboard/gpu-utilization", operationId: "getGpuUtilization", summary: "DCGM GPU utilization and memory from the cluster's Prometheus: the last hour's series, per pod (with project and user; `sharedGpus` of its GPUs are time-sliced) and idle GPUs (< 5 % for 30 min); `gpusHeld` counts each physical GPU once; pods named by the cluster's `gpuMetricLabels`; `status` unconfigured | unavailable | ok", tag: "dashboard", permission: "clusters.read", query: utilizationQuerySchema, response: gpuUtilizationSchema },
  { method: "get", path: "/api/v1/dashboard/gpu-hours", operationId: "getGpuHours", summary: "GPU-hours per project or group (the project's owner group) over a period, from run records and live pod lifetimes; `format=csv` for a CSV file", tag: "dashboard", permission: "clusters.read", query: gpuHoursQuerySchema, response: gpuHoursViewSchema, text: "text/csv" },
  // ---- end of dashboard ----
];
