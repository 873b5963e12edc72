import { parse } from "yaml";

// The same allow-list the server applies, for the attach form to show refused fields while pasting.
export { SETTINGS_DECIDE_POLICY, vetKubeconfigText } from "@/lib/kube/kubeconfig-policy";

/** One context of a kubeconfig, with the server URL of its cluster (never its credentials). */
export interface KubeconfigContext {
  name: string;
  cluster: string;
  server: string | null;
}

export type KubeconfigSummary =
  { ok: true; contexts: KubeconfigContext[]; currentContext: string | null } | { ok: false; error: string };

interface NamedEntry {
  name?: unknown;
  cluster?: unknown;
  context?: unknown;
}

const entries = (value: unknown): NamedEntry[] =>
  Array.isArray(value) ? value.filter((entry): entry is NamedEntry => Boolean(entry) && typeof entry === "object") : [];
const text = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value.trim() : null);

/**
 * Reads the contexts of a kubeconfig text without touching its credentials. Pure, so the attach
 * form lists contexts as soon as one is pasted, and the shared schema reports field errors.
 */
export function summarizeKubeconfig(source: string): KubeconfigSummary {
  let document: unknown;
  try {
    document = parse(source);
  } catch (error) {
    const where = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    return { ok: false, error: `This is not valid YAML${where ? ` (line ${where})` : ""}` };
  }
  if (!document || typeof document !== "object" || Array.isArray(document))
    return { ok: false, error: "A kubeconfig is a YAML mapping with clusters, users and contexts" };
  const config = document as Record<string, unknown>;
  const servers = new Map<string, string | null>();
  for (const entry of entries(config.clusters)) {
    const name = text(entry.name);
    if (name) servers.set(name, text((entry.cluster as { server?: unknown } | undefined)?.server));
  }
  const contexts: KubeconfigContext[] = [];
  for (const entry of entries(config.contexts)) {
    const name = text(entry.name);
    const cluster = text((entry.context as { cluster?: unknown } | undefined)?.cluster);
    if (name && cluster) contexts.push({ name, cluster, server: servers.get(cluster) ?? null });
  }
  if (!contexts.length) return { ok: false, error: "The kubeconfig has no contexts" };
  const current = text(config["current-context"]);
  return {
    ok: true,
    contexts,
    currentContext: current && contexts.some((context) => context.name === current) ? current : null,
  };
}

/** The context a save would use (the chosen one, else the current one), or why there is none. */
export function chooseContext(
  summary: KubeconfigSummary,
  wanted: string | undefined,
): { context: KubeconfigContext } | { field: "kubeconfig" | "context"; error: string } {
  if (!summary.ok) return { field: "kubeconfig", error: summary.error };
  const name = wanted || summary.currentContext;
  if (!name) return { field: "context", error: "The kubeconfig has no current context: choose one" };
  const context = summary.contexts.find((candidate) => candidate.name === name);
  if (!context) return { field: "context", error: `The kubeconfig has no context "${name}"` };
  if (!context.server) return { field: "context", error: `Context "${name}" names no cluster with a server URL` };
  return { context };
}
