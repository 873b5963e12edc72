/**
 * Update validation the apiserver's strategies do for the kinds served here: most of a Pod's spec
 * and a Job's template/selector/completions are immutable. Controllers' internal writes (the
 * scheduler setting spec.nodeName) are not checked, as upstream binds through pods/binding.
 */
import type { KubeObject, ResourceType } from "../contract";
import { invalid } from "./errors";
import { cloneObject, deepEqual } from "./objects";

const POD_UPDATE_RULE =
  "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

interface Container {
  name?: string;
  image?: string;
}

/** The new spec with every field a pod update may change put back to its old value. */
function podSpecWithoutMutableFields(
  oldSpec: Record<string, unknown>,
  newSpec: Record<string, unknown>,
): Record<string, unknown> {
  const masked = cloneObject(newSpec);
  for (const list of ["containers", "initContainers"]) {
    const before = (oldSpec[list] as Container[] | undefined) ?? [];
    const after = masked[list] as Container[] | undefined;
    after?.forEach((c, i) => {
      if (before[i]) c.image = before[i].image;
    });
  }
  const oldDeadline = oldSpec.activeDeadlineSeconds as number | undefined;
  const newDeadline = masked.activeDeadlineSeconds as number | undefined;
  if (newDeadline !== undefined && (oldDeadline === undefined || newDeadline <= oldDeadline))
    masked.activeDeadlineSeconds = oldDeadline;
  const oldTolerations = (oldSpec.tolerations as unknown[] | undefined) ?? [];
  const newTolerations = (masked.tolerations as unknown[] | undefined) ?? [];
  if (oldTolerations.every((t) => newTolerations.some((n) => deepEqual(n, t))))
    masked.tolerations = oldSpec.tolerations;
  if (
    ((oldSpec.terminationGracePeriodSeconds as number | undefined) ?? 0) < 0 &&
    masked.terminationGracePeriodSeconds === 1
  ) {
    masked.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  const gates = masked.schedulingGates as unknown[] | undefined;
  if (!gates?.length) masked.schedulingGates = oldSpec.schedulingGates; // gates may only be removed
  for (const key of Object.keys(masked)) if (masked[key] === undefined) delete masked[key];
  return masked;
}

const immutable = (field: string, value: unknown) => ({
  reason: "FieldValueInvalid",
  field,
  message: `Invalid value: ${JSON.stringify(value)}: field is immutable`,
});

export function validateUpdate(type: ResourceType, oldObject: KubeObject, newObject: KubeObject): void {
  if (type.key === "pods") {
    if (!deepEqual(oldObject.spec ?? {}, podSpecWithoutMutableFields(oldObject.spec ?? {}, newObject.spec ?? {}))) {
      throw invalid("Pod", "", newObject.metadata.name!, [
        { reason: "FieldValueForbidden", field: "spec", message: POD_UPDATE_RULE },
      ]);
    }
  } else if (type.key === "jobs.batch") {
    const causes = [];
    const before = oldObject.spec ?? {};
    const after = newObject.spec ?? {};
    if (!deepEqual(before.selector, after.selector)) causes.push(immutable("spec.selector", after.selector));
    if (!deepEqual(before.template, after.template)) causes.push(immutable("spec.template", after.template));
    if (before.completions !== after.completions && before.completionMode !== "Indexed")
      causes.push(immutable("spec.completions", after.completions));
    if ((before.completionMode ?? "NonIndexed") !== (after.completionMode ?? "NonIndexed"))
      causes.push(immutable("spec.completionMode", after.completionMode));
    if (causes.length) throw invalid("Job", "batch", newObject.metadata.name!, causes);
  }
}
