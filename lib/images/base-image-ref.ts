/**
 * An execution config may name a base image built in Berth instead of an image reference:
 * `berth:base-image/<name>`. It is not a valid image reference (a registry host "berth:base-image"
 * would need a numeric port), so it can never be mistaken for an image on a registry. At run time
 * it becomes the base image's current revision, pinned by digest.
 */
export const BASE_IMAGE_PREFIX = "berth:base-image/";

/** The image field's value that names a Berth base image. */
export const baseImageImage = (name: string) => `${BASE_IMAGE_PREFIX}${name}`;

/** The Berth base image an image field names, or null for an ordinary image reference. */
export function baseImageNameOf(image: string): string | null {
  return image.startsWith(BASE_IMAGE_PREFIX) ? image.slice(BASE_IMAGE_PREFIX.length) : null;
}

/** `registry.example.com/team/base@sha256:…` from the pushed tag reference and its digest. */
export function pinnedByDigest(pushedRef: string, digest: string): string {
  const at = pushedRef.indexOf("@");
  const withoutDigest = at >= 0 ? pushedRef.slice(0, at) : pushedRef;
  const colon = withoutDigest.lastIndexOf(":");
  const repository = colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
  return `${repository}@${digest}`;
}
