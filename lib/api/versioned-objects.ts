import "server-only";

import type { z } from "zod";

import { notFound } from "@/lib/actions/result";
import { restoreCluster } from "@/lib/clusters/mutations";
import { importCodeEnv, restoreCodeEnv } from "@/lib/code-envs/mutations";
import { CODE_ENV_OBJECT_TYPE, codeEnvOr404, codeEnvYaml } from "@/lib/code-envs/queries";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { importExecutionConfig, restoreExecutionConfig } from "@/lib/execution-configs/mutations";
import { EXECUTION_CONFIG_OBJECT_TYPE, executionConfigYaml } from "@/lib/execution-configs/queries";
import { requireBaseImageRef } from "@/lib/images/access";
import { importBaseImage, restoreBaseImage } from "@/lib/images/mutations";
import { BASE_IMAGE_OBJECT_TYPE, baseImageYaml } from "@/lib/images/queries";
import { policyYaml } from "@/lib/namespace-policies/cluster-view";
import { importPolicy, POLICY_OBJECT_TYPE, restorePolicy } from "@/lib/namespace-policies/mutations";
import { findPolicy } from "@/lib/namespace-policies/queries";
import { importProject, restoreProject } from "@/lib/projects/mutations";
import { findVisibleProject, toProjectView } from "@/lib/projects/queries";
import { projectYaml } from "@/lib/projects/yaml";
import { importSparkConfig, restoreSparkConfig } from "@/lib/spark-configs/mutations";
import { sparkConfigYaml } from "@/lib/spark-configs/preview";
import { findVisibleSparkConfig, SPARK_CONFIG_OBJECT_TYPE } from "@/lib/spark-configs/queries";

import type { VersionedObject } from "./versioned-routes";

/**
 * Define a versioned object as `const x = versioned({ … })` so that its row, restore and import
 * types are inferred, while the shape is checked against VersionedObject.
 */
const versioned = <Row extends { id: number }, Restore extends z.ZodType, Import extends z.ZodType>(
  object: VersionedObject<Row, Restore, Import>,
) => object;

/** Lookups that answer "not visible" with undefined get the API's usual 404 from this. */
function found<Row>(row: Row | undefined, what: string): Row {
  if (!row) throw notFound(what);
  return row;
}

export const executionConfigObject = versioned({
  param: "config",
  readPermission: "configs.read",
  managePermission: "configs.manage",
  find: (actor, ref) => visibleExecutionConfig(ref, actor),
  objectType: EXECUTION_CONFIG_OBJECT_TYPE,
  historyLimit: 200,
  yaml: { text: executionConfigYaml, filename: (row) => `${row.name}.yaml` },
  restore: restoreExecutionConfig,
  import: importExecutionConfig,
});

export const sparkConfigObject = versioned({
  param: "config",
  readPermission: "configs.read",
  managePermission: "configs.manage",
  find: (actor, ref) => found(findVisibleSparkConfig(actor, ref), `Spark config "${ref}"`),
  objectType: SPARK_CONFIG_OBJECT_TYPE,
  historyLimit: 100,
  yaml: { text: sparkConfigYaml, filename: (row) => `spark-config-${row.name}.yaml` },
  restore: restoreSparkConfig,
  import: importSparkConfig,
});

export const namespacePolicyObject = versioned({
  param: "policy",
  readPermission: "policies.read",
  managePermission: "policies.manage",
  find: (_actor, ref) => found(findPolicy(ref), `Namespace policy "${ref}"`),
  objectType: POLICY_OBJECT_TYPE,
  historyLimit: 100,
  yaml: { text: policyYaml, filename: (row) => `namespace-policy-${row.name}.yaml` },
  restore: restorePolicy,
  import: importPolicy,
});

export const baseImageObject = versioned({
  param: "baseImage",
  readPermission: "images.read",
  managePermission: "images.manage",
  find: (_actor, ref) => requireBaseImageRef(ref),
  objectType: BASE_IMAGE_OBJECT_TYPE,
  historyLimit: 200,
  yaml: { text: baseImageYaml, filename: (row) => `${row.name}.yaml` },
  restore: restoreBaseImage,
  import: importBaseImage,
});

export const codeEnvObject = versioned({
  param: "codeEnv",
  readPermission: "images.read",
  managePermission: "images.manage",
  find: (_actor, ref) => codeEnvOr404(ref),
  objectType: CODE_ENV_OBJECT_TYPE,
  historyLimit: 200,
  yaml: { text: codeEnvYaml, filename: (row) => `${row.name}.yaml` },
  restore: restoreCodeEnv,
  import: importCodeEnv,
});

/** Projects are read and changed per project (membership grants), so the routes check no permission up front. */
export const projectObject = versioned({
  param: "project",
  importPermission: "projects.create",
  find: (actor, ref) => found(findVisibleProject(actor, ref), `Project "${ref}"`),
  objectType: "project",
  historyLimit: 100,
  yaml: {
    text: (project) => projectYaml(toProjectView(project)),
    filename: (project) => `project-${project.key}.yaml`,
  },
  restore: restoreProject,
  import: importProject,
});

/** Clusters have only a restore route; it is permitted per cluster by the mutation. */
export const clusterObject = { param: "cluster", restore: restoreCluster };
