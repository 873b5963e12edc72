/**
 * CustomResourceDefinitions: creating one registers its kind so it is served and discovered at
 * once (status Established); deleting one removes the kind and its objects. Also holds the
 * SparkApplication CRD the simulator installs at start.
 */
import type { AdmissionPlugin, KubeObject, ResourceType } from "../contract";
import { CRDS } from "./builtin-types";
import { invalid } from "./errors";
import { nowTimestamp } from "./objects";
import type { MemoryStore } from "./store";

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: object; scale?: object };
}

/** The ResourceType a CRD defines (its storage version, else the first served one). */
export function typeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = crd.spec ?? {};
  const versions: CrdVersion[] = spec.versions ?? [];
  const version = versions.find((v) => v.storage) ?? versions.find((v) => v.served !== false);
  if (!version || !spec.group || !spec.names?.plural || !spec.names?.kind) return undefined;
  const subresources = [
    ...(version.subresources?.status ? ["status"] : []),
    ...(version.subresources?.scale ? ["scale"] : []),
  ];
  return {
    key: `${spec.names.plural}.${spec.group}`,
    group: spec.group,
    version: version.name,
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    namespaced: spec.scope !== "Cluster",
    shortNames: spec.names.shortNames,
    categories: spec.names.categories,
    verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
    subresources,
  };
}

/** Refuses CRDs whose name is not `<plural>.<group>`, as the apiextensions validation does. */
export const crdNameAdmission: AdmissionPlugin = {
  name: "CustomResourceDefinitionValidation",
  admit(attrs) {
    if (attrs.resource !== CRDS || attrs.operation !== "CREATE" || !attrs.object) return;
    const crd = attrs.object;
    const expected = `${crd.spec?.names?.plural}.${crd.spec?.group}`;
    if (crd.metadata.name !== expected) {
      throw invalid("CustomResourceDefinition", "apiextensions.k8s.io", crd.metadata.name ?? "", [
        {
          reason: "FieldValueInvalid",
          field: "metadata.name",
          message: `Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group`,
        },
      ]);
    }
    if (!typeFromCrd(crd)) {
      throw invalid("CustomResourceDefinition", "apiextensions.k8s.io", crd.metadata.name ?? "", [
        {
          reason: "FieldValueRequired",
          field: "spec.versions",
          message: "Required value: must have exactly one version marked as storage version",
        },
      ]);
    }
  },
};

function establishedStatus(crd: KubeObject) {
  const now = nowTimestamp();
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    acceptedNames: crd.spec.names,
    storedVersions: (crd.spec.versions as CrdVersion[]).filter((v) => v.storage).map((v) => v.name),
  };
}

/** Keeps served kinds in step with stored CRDs. Returns the unsubscribe function. */
export function watchCrds(store: MemoryStore): () => void {
  for (const crd of store.list(CRDS)) {
    const type = typeFromCrd(crd);
    if (type) store.registerType(type);
  }
  return store.subscribe((event) => {
    if (event.resource !== CRDS) return;
    const crd = event.object;
    const type = typeFromCrd(crd);
    if (!type) return;
    if (event.type === "DELETED") {
      for (const object of store.list(type.key)) {
        try {
          store.delete(type.key, object.metadata.namespace, object.metadata.name!, { internal: true });
        } catch {
          // Deleted by someone else meanwhile.
        }
      }
      store.unregisterType(type.key);
      return;
    }
    store.registerType(type);
    const established = (crd.status?.conditions ?? []).some(
      (c: { type: string; status: string }) => c.type === "Established" && c.status === "True",
    );
    if (!established) store.updateStatus(CRDS, { ...crd, status: establishedStatus(crd) }, { internal: true });
  });
}

const column = (name: string, type: string, jsonPath: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  jsonPath,
  ...extra,
});

/** The Kubeflow spark-operator's SparkApplication CRD (schema left open: the operator's is huge). */
export const SPARK_APPLICATION_CRD: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "sparkapplications.sparkoperator.k8s.io", annotations: { "berth.dev/installed-by": "berth-sim" } },
  spec: {
    group: "sparkoperator.k8s.io",
    scope: "Namespaced",
    names: {
      kind: "SparkApplication",
      listKind: "SparkApplicationList",
      plural: "sparkapplications",
      singular: "sparkapplication",
      shortNames: ["sparkapp"],
    },
    versions: [
      {
        name: "v1beta2",
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          column("Status", "string", ".status.applicationState.state"),
          column("Attempts", "string", ".status.executionAttempts"),
          column("Start", "string", ".status.lastSubmissionAttemptTime"),
          column("Finish", "string", ".status.terminationTime"),
          column("Age", "date", ".metadata.creationTimestamp"),
        ],
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
              status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
            },
          },
        },
      },
    ],
  },
};
