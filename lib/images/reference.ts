/**
 * Image references as registries read them (the grammar of github.com/distribution/reference,
 * reference.go): pure, shared by the image, code-env and config schemas.
 */
const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
/** A registry host with an optional port. */
export const REGISTRY_DOMAIN = new RegExp(`^${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
/** A repository path: lowercase components separated by '/'. */
export const REPOSITORY_PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
/** A tag: word characters, '.' and '-', at most 128, not starting with '.' or '-'. */
export const DOCKER_TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface ImageReference {
  /** Registry host[:port], or "" for Docker Hub. */
  domain: string;
  /** Repository path, e.g. "library/python" is written "python". */
  path: string;
  tag: string | null;
  digest: string | null;
}

/** Splits an image reference into registry, path, tag and digest; a string says why it is invalid. */
export function parseImageReference(reference: string): ImageReference | string {
  if (reference === "") return "is required";
  if (/\s/.test(reference)) return "must not contain spaces";
  let rest = reference;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return "has an invalid digest: write @sha256: followed by 64 lowercase hex digits";
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!DOCKER_TAG.test(tag))
      return `has an invalid tag "${tag}": use letters, digits, '_', '.' or '-' (at most 128, not starting with '.' or '-')`;
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const domain = hasDomain ? first : "";
  const path = hasDomain ? rest.slice(slash + 1) : rest;
  if (hasDomain && !REGISTRY_DOMAIN.test(domain)) return `has an invalid registry host "${domain}"`;
  if (path !== path.toLowerCase()) return "must be lowercase before the tag (only the tag may use capitals)";
  if (!REPOSITORY_PATH.test(path))
    return "must be an image reference such as python:3.12-slim or registry.example.com/team/image:1.0";
  if (rest.length > 255) return "must have a name (before the tag) of at most 255 characters";
  return { domain, path, tag, digest };
}

/** Why an image reference is invalid, or undefined. */
export function imageReferenceProblem(reference: string): string | undefined {
  const parsed = parseImageReference(reference);
  return typeof parsed === "string" ? parsed : undefined;
}

/** The CUDA version an `nvidia/cuda:<x.y.z>-…` image provides, or null for any other image. */
export function nvidiaCudaImageVersion(reference: string): string | null {
  const parsed = parseImageReference(reference);
  if (typeof parsed === "string" || !parsed.tag) return null;
  const official =
    parsed.path === "nvidia/cuda" && ["", "docker.io", "index.docker.io", "nvcr.io"].includes(parsed.domain);
  return official ? (/^(\d+\.\d+(?:\.\d+)?)-/.exec(parsed.tag)?.[1] ?? null) : null;
}

/** The Python major.minor an official `python:<x.y>…` image provides, or null when unknown. */
export function officialPythonImageVersion(reference: string): string | null {
  const parsed = parseImageReference(reference);
  if (typeof parsed === "string" || !parsed.tag) return null;
  const official =
    ["python", "library/python"].includes(parsed.path) && ["", "docker.io", "index.docker.io"].includes(parsed.domain);
  return official ? (/^(3\.\d+)(?:\.\d+)?(?:-|$)/.exec(parsed.tag)?.[1] ?? null) : null;
}
