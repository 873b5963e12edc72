import "server-only";

import { getSqlite } from "@/db";
import { unreadableSecrets } from "@/db/maintenance.mjs";

import { decryptSecret, secretKeySource, UnreadableSecretError } from "./secret-box";

/** The stored secrets this instance's key cannot open, named (empty when all can); restore names them the same way. */
export function unreadableStoredSecrets(): string[] {
  return unreadableSecrets(getSqlite(), (sealed) => {
    try {
      decryptSecret(sealed);
      return true;
    } catch (error) {
      if (error instanceof UnreadableSecretError) return false;
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
