/** Object name validation as the apiserver applies it per kind (422 Invalid with causes). */
import type { AdmissionPlugin, ResourceKey } from "../contract";
import { invalid, type Cause } from "../server/errors";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

type NameRule = "label" | "subdomain" | "path-segment" | "none";

/** Namespaces are DNS labels; RBAC objects only need to be path segments; CRDs and events are checked elsewhere or not at all. */
function ruleFor(resource: ResourceKey): NameRule {
  if (resource === "namespaces") return "label";
  if (resource.endsWith(".rbac.authorization.k8s.io")) return "path-segment";
  if (resource === "events" || resource.endsWith(".apiextensions.k8s.io")) return "none";
  return "subdomain";
}

/** Field errors for a name under a rule; empty when valid. */
export function validateName(name: string, rule: NameRule): string[] {
  const errors: string[] = [];
  const quoted = JSON.stringify(name);
  if (rule === "label") {
    if (name.length > 63) errors.push(`Invalid value: ${quoted}: must be no more than 63 characters`);
    if (!DNS1123_LABEL.test(name)) errors.push(`Invalid value: ${quoted}: ${LABEL_MESSAGE}`);
  } else if (rule === "subdomain") {
    if (name.length > 253) errors.push(`Invalid value: ${quoted}: must be no more than 253 characters`);
    if (!DNS1123_SUBDOMAIN.test(name)) errors.push(`Invalid value: ${quoted}: ${SUBDOMAIN_MESSAGE}`);
  } else if (rule === "path-segment") {
    if (name === "." || name === "..") errors.push(`Invalid value: ${quoted}: may not be '${name}'`);
    for (const bad of ["/", "%"])
      if (name.includes(bad)) errors.push(`Invalid value: ${quoted}: may not contain '${bad}'`);
  }
  return errors;
}

export const nameValidationPlugin: AdmissionPlugin = {
  name: "NameValidation",
  admit(attrs, store) {
    if (attrs.operation !== "CREATE" || attrs.subresource || !attrs.object) return;
    const name = attrs.object.metadata.name ?? "";
    const errors = validateName(name, ruleFor(attrs.resource));
    if (errors.length === 0) return;
    const type = store.type(attrs.resource);
    const causes: Cause[] = errors.map((message) => ({ reason: "FieldValueInvalid", message, field: "metadata.name" }));
    throw invalid(type?.kind ?? attrs.object.kind, type?.group ?? "", name, causes);
  },
};
