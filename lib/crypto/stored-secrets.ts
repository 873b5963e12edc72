import "server-only";
import { getDb } from "@/db";
import { baseImages, clusters } from "@/db/schema";
import { decryptSecret, secretKeySource, UnreadableSecretError } from "./secret-box";

/** Every secret Berth stores, named as an admin knows it, with the sealed value. */
function storedSecrets(): { what: string; sealed: string }[] {
  const db = getDb();
  const kubeconfigs = db.select({ name: clusters.name, sealed: clusters.kubeconfigEncrypted }).from(clusters).all();
  const credentials = db.select({ name: baseImages.name, sealed: baseImages.registryCredentialsEncrypted }).from(baseImages).all();
  return [
    ...kubeconfigs.map((row) => ({ what: `the kubeconfig of cluster "${row.name}"`, sealed: row.sealed })),
    ...credentials.filter((row) => row.sealed !== null).map((row) => ({ what: `the registry credentials of base image "${row.name}"`, sealed: row.sealed! })),
  ];
}

/** The stored secrets this instance's key cannot open, named (empty when all can). */
export function unreadableStoredSecrets(): string[] {
  return storedSecrets().flatMap(({ what, sealed }) => {
    try {
      decryptSecret(sealed);
      return [];
    } catch (error) {
      if (error instanceof UnreadableSecretError) return [what];
      throw error;
    }
  });
}

/**
 * Checked at start: a secret key that changed (BERTH_SECRET_KEY set, unset or edited; the data dir's
 * key file replaced) would otherwise show up later as clusters failing one by one. Nothing is
 * re-encrypted or replaced: the operator restarts with the right key, or re-enters what is named.
 */
export function reportUnreadableStoredSecrets(): string[] {
  const unreadable = unreadableStoredSecrets();
  if (unreadable.length) {
    console.error(
      `Berth cannot decrypt ${unreadable.join(", ")}: they were encrypted with another secret key than ${secretKeySource()}. ` +
        "Restart Berth with the key they were saved with, or enter them again (a cluster's kubeconfig on its page, a base image's registry credentials on its page).",
    );
  }
  return unreadable;
}
