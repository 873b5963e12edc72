import { env } from "@/lib/env";

/**
 * The client's address as far as Berth can trust it, or null when it cannot tell.
 *
 * Without a trusted proxy, X-Forwarded-For is whatever the client wrote (Next only fills it in
 * when the client sent none), so it is ignored. Behind `trustedHops` proxies that each append the
 * address they saw, the client is the entry the outermost one added: the trustedHops-th from the
 * right. Entries further left were written by the client.
 */
export function clientAddress(forwardedFor: string | string[] | null | undefined, trustedHops: number): string | null {
  if (trustedHops <= 0 || !forwardedFor) return null;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = entries[entries.length - trustedHops];
  return entry ? entry.slice(0, 64) : null;
}

/** The client address of a request as far as BERTH_TRUST_PROXY lets Berth trust it. */
export function trustedClientAddress(forwardedFor: string | string[] | null | undefined): string | null {
  return clientAddress(forwardedFor, env().BERTH_TRUST_PROXY);
}
