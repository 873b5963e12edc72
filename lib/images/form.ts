import type { BaseImageSpec } from "./schema";

/** The form's field names: schema paths, so errors land beside the field that edits them. */
export const BASE_IMAGE_FORM_FIELDS = [
  "name",
  "description",
  "fromImage",
  "r",
  "cuda",
  "cuda.version",
  "pythonVersions",
  "systemPackages",
  "dockerfileStart",
  "dockerfileEnd",
  "buildArgs",
  "registry.url",
  "registry.repository",
  "registry",
  "tag",
  "cluster",
] as const;

export type BaseImageFormValues = Record<string, string | boolean>;

const words = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((word) => word.trim())
    .filter(Boolean);

/**
 * Turns the form's strings into a base image body. Lines of build arguments that are not
 * NAME=value come back as field errors (the schema would not see them otherwise).
 */
export function formToBaseImageInput(form: Record<string, unknown>): {
  input: Record<string, unknown>;
  fieldErrors: Record<string, string[]>;
} {
  const text = (key: string) => (typeof form[key] === "string" ? (form[key] as string) : "");
  const checked = (key: string) => form[key] === "on" || form[key] === "true" || form[key] === true;
  const fieldErrors: Record<string, string[]> = {};
  const buildArgs: Record<string, string> = {};
  text("buildArgs")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .forEach((line, index) => {
      if (!line || line.startsWith("#")) return;
      const equals = line.indexOf("=");
      if (equals <= 0) (fieldErrors.buildArgs ??= []).push(`Line ${index + 1}: write NAME=value`);
      else buildArgs[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
    });
  const input: Record<string, unknown> = {
    name: text("name").trim(),
    description: text("description"),
    fromImage: text("fromImage").trim() || null,
    r: checked("r"),
    cuda: checked("cuda") ? { version: text("cuda.version").trim() } : null,
    pythonVersions: words(text("pythonVersions")),
    systemPackages: words(text("systemPackages")),
    dockerfileStart: text("dockerfileStart"),
    dockerfileEnd: text("dockerfileEnd"),
    buildArgs,
    registry: { url: text("registry.url"), repository: text("registry.repository") },
    tag: text("tag").trim() || null,
    cluster: text("cluster").trim() || null,
  };
  return { input, fieldErrors };
}

/** A saved base image as the form's initial values. */
export function baseImageToForm(spec: BaseImageSpec): BaseImageFormValues {
  return {
    name: spec.name,
    description: spec.description,
    fromImage: spec.fromImage ?? "",
    r: spec.r,
    cuda: spec.cuda !== null,
    "cuda.version": spec.cuda?.version ?? "",
    pythonVersions: spec.pythonVersions.join(", "),
    systemPackages: spec.systemPackages.join("\n"),
    dockerfileStart: spec.dockerfileStart,
    dockerfileEnd: spec.dockerfileEnd,
    buildArgs: Object.entries(spec.buildArgs)
      .map(([name, value]) => `${name}=${value}`)
      .join("\n"),
    "registry.url": spec.registry.url,
    "registry.repository": spec.registry.repository,
    tag: spec.tag ?? "",
    cluster: spec.cluster ?? "",
  };
}
