import type { Cluster, Context, User } from "@kubernetes/client-node";
import { parse } from "yaml";

/**
 * What an instance lets a kubeconfig do beyond the safe subset. Both are off unless an admin turns
 * them on (instance settings), because each hands the kubeconfig's author power over Berth's host
 * or its traffic; docs/security.md says what each risks.
 */
export interface KubeconfigPolicy {
  /** `users[].user.exec`: runs the named program on the Berth server, with Berth's environment. */
  allowExecPlugins: boolean;
  /** `clusters[].cluster.insecure-skip-tls-verify: true`: anyone on the path can read the credentials. */
  allowInsecureTls: boolean;
}

export const STRICT_KUBECONFIG_POLICY: KubeconfigPolicy = { allowExecPlugins: false, allowInsecureTls: false };

/** Only for the shared form/API schema, which cannot know the instance settings: the server checks them again. */
export const SETTINGS_DECIDE_POLICY: KubeconfigPolicy = { allowExecPlugins: true, allowInsecureTls: true };

export interface KubeconfigProblem {
  /** Where, as in `users[0].user.exec`. */
  path: string;
  message: string;
}

/** The fields client-node is given: built from vetted values, never from the pasted text itself. */
export interface VettedKubeconfig {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string | null;
}

export type VetResult = { ok: true; options: VettedKubeconfig } | { ok: false; problems: KubeconfigProblem[] };

type Rule =
  | { kind: "text"; base64?: true }
  | { kind: "server" }
  | { kind: "ignored" }
  | { kind: "refused"; why: string }
  | { kind: "insecureTls" }
  | { kind: "exec" };

const READS_FILE =
  "it makes Berth read a file on its own server; paste the file's content in the matching *-data field instead";
const IMPERSONATION = "impersonation is not supported; give Berth the credentials of the account it should act as";
const UNKNOWN = "Berth does not know this field";

/**
 * The allow-list, field by field (kubeconfig spec: k8s.io/client-go tools/clientcmd/api/v1
 * types.go; plus `token-file`, which @kubernetes/client-node also reads). A key not listed is
 * refused, so a field that a later client-node gives a meaning cannot slip through.
 */
const TOP_LEVEL: Record<string, Rule> = {
  apiVersion: { kind: "text" },
  kind: { kind: "text" },
  "current-context": { kind: "text" },
  // Handled as lists below; listed so they are not "unknown".
  clusters: { kind: "ignored" },
  users: { kind: "ignored" },
  contexts: { kind: "ignored" },
  // kubectl's display preferences and tool metadata (minikube writes extensions): never passed on.
  preferences: { kind: "ignored" },
  extensions: { kind: "ignored" },
};

const CLUSTER_FIELDS: Record<string, Rule> = {
  server: { kind: "server" },
  "certificate-authority-data": { kind: "text", base64: true },
  "tls-server-name": { kind: "text" },
  "insecure-skip-tls-verify": { kind: "insecureTls" },
  "certificate-authority": { kind: "refused", why: READS_FILE },
  "proxy-url": {
    kind: "refused",
    why: "it sends Berth's requests, and the cluster's credentials, through another host",
  },
  "disable-compression": { kind: "refused", why: "Berth does not support it" },
  extensions: { kind: "ignored" },
};

const USER_FIELDS: Record<string, Rule> = {
  token: { kind: "text" },
  "client-certificate-data": { kind: "text", base64: true },
  "client-key-data": { kind: "text", base64: true },
  exec: { kind: "exec" },
  "auth-provider": {
    kind: "refused",
    why: "auth providers run programs (cmd-path) or fetch tokens from other hosts; use a token or a client certificate",
  },
  tokenFile: { kind: "refused", why: READS_FILE },
  "token-file": { kind: "refused", why: READS_FILE },
  "client-certificate": { kind: "refused", why: READS_FILE },
  "client-key": { kind: "refused", why: READS_FILE },
  username: { kind: "refused", why: "basic authentication is not supported; use a token or a client certificate" },
  password: { kind: "refused", why: "basic authentication is not supported; use a token or a client certificate" },
  as: { kind: "refused", why: IMPERSONATION },
  "as-uid": { kind: "refused", why: IMPERSONATION },
  "as-groups": { kind: "refused", why: IMPERSONATION },
  "as-user-extra": { kind: "refused", why: IMPERSONATION },
  extensions: { kind: "ignored" },
};

const CONTEXT_FIELDS: Record<string, Rule> = {
  cluster: { kind: "text" },
  user: { kind: "text" },
  namespace: { kind: "text" },
  extensions: { kind: "ignored" },
};

/** The parts of an exec plugin's settings client-node uses (ExecConfig in the spec). */
const EXEC_FIELDS = new Set([
  "apiVersion",
  "command",
  "args",
  "env",
  "installHint",
  "provideClusterInfo",
  "interactiveMode",
]);

const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

/** Vets one section's keys; returns the accepted text values by key. */
function vetFields(
  section: unknown,
  rules: Record<string, Rule>,
  where: string,
  policy: KubeconfigPolicy,
  problems: KubeconfigProblem[],
): Record<string, unknown> {
  const accepted: Record<string, unknown> = {};
  if (section === undefined || section === null) return accepted;
  if (!isRecord(section)) {
    problems.push({ path: where, message: `${where} must be a mapping` });
    return accepted;
  }
  for (const [key, value] of Object.entries(section)) {
    const path = where ? `${where}.${key}` : key;
    const rule = rules[key] ?? { kind: "refused", why: UNKNOWN };
    const refuse = (why: string) => problems.push({ path, message: `${path} is not allowed: ${why}` });
    switch (rule.kind) {
      case "ignored":
        break;
      case "refused":
        refuse(rule.why);
        break;
      case "text":
        if (typeof value !== "string") problems.push({ path, message: `${path} must be text` });
        else if (rule.base64 && !BASE64.test(value))
          problems.push({ path, message: `${path} must be base64 (the file's content, not its path)` });
        else accepted[key] = value;
        break;
      case "server":
        if (typeof value !== "string" || !/^https:\/\//i.test(value) || !URL.canParse(value))
          problems.push({ path, message: `${path} must be an https:// URL` });
        else accepted[key] = value;
        break;
      case "insecureTls":
        // `false` asks for nothing.
        if (value === false) break;
        if (value !== true) problems.push({ path, message: `${path} must be true or false` });
        else if (!policy.allowInsecureTls)
          refuse(
            "anyone between Berth and the cluster could read its credentials (an admin can allow skipping TLS verification in the instance settings)",
          );
        else accepted[key] = true;
        break;
      case "exec":
        if (!policy.allowExecPlugins)
          refuse("it runs a program on the Berth server (an admin can allow exec plugins in the instance settings)");
        else accepted[key] = vetExec(value, path, problems);
        break;
    }
  }
  return accepted;
}

/** An exec plugin's settings, when the instance allows them: only the fields client-node uses, with their types. */
function vetExec(value: unknown, where: string, problems: KubeconfigProblem[]): unknown {
  if (!isRecord(value)) {
    problems.push({ path: where, message: `${where} must be a mapping` });
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!EXEC_FIELDS.has(key))
      problems.push({ path: `${where}.${key}`, message: `${where}.${key} is not allowed: ${UNKNOWN}` });
  }
  const { command, args, env } = value;
  if (typeof command !== "string" || !command)
    problems.push({ path: `${where}.command`, message: `${where}.command must be text` });
  if (args !== undefined && args !== null && !(Array.isArray(args) && args.every((arg) => typeof arg === "string"))) {
    problems.push({ path: `${where}.args`, message: `${where}.args must be a list of text` });
  }
  if (
    env !== undefined &&
    env !== null &&
    !(
      Array.isArray(env) &&
      env.every((entry) => isRecord(entry) && typeof entry.name === "string" && typeof entry.value === "string")
    )
  ) {
    problems.push({ path: `${where}.env`, message: `${where}.env must be a list of {name, value}` });
  }
  return Object.fromEntries(Object.entries(value).filter(([key]) => EXEC_FIELDS.has(key)));
}

interface Named {
  name: string;
  fields: Record<string, unknown>;
}

/** The entries of `clusters`, `users` or `contexts`: each `{name, <inner>: {...}}` and nothing else. */
function vetList(
  list: unknown,
  listKey: string,
  inner: string,
  rules: Record<string, Rule>,
  policy: KubeconfigPolicy,
  problems: KubeconfigProblem[],
): Named[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.push({ path: listKey, message: `${listKey} must be a list` });
    return [];
  }
  return list.flatMap((entry: unknown, index) => {
    const where = `${listKey}[${index}]`;
    if (!isRecord(entry)) {
      problems.push({ path: where, message: `${where} must be a mapping` });
      return [];
    }
    for (const key of Object.keys(entry)) {
      if (key !== "name" && key !== inner)
        problems.push({ path: `${where}.${key}`, message: `${where}.${key} is not allowed: ${UNKNOWN}` });
    }
    const fields = vetFields(entry[inner], rules, `${where}.${inner}`, policy, problems);
    if (typeof entry.name !== "string" || !entry.name) {
      problems.push({ path: `${where}.name`, message: `${where}.name must be text` });
      return [];
    }
    return [{ name: entry.name, fields }];
  });
}

/**
 * Checks a parsed kubeconfig against the allow-list and, when it passes, returns the options to
 * build a client from (`KubeConfig.loadFromOptions`). Every problem names its key, e.g.
 * `users[0].user.exec is not allowed: …`. Pure: the attach form, the API schema and the server share it.
 */
export function vetKubeconfig(document: unknown, policy: KubeconfigPolicy): VetResult {
  const problems: KubeconfigProblem[] = [];
  if (!isRecord(document))
    return {
      ok: false,
      problems: [{ path: "", message: "A kubeconfig is a YAML mapping with clusters, users and contexts" }],
    };
  const top = vetFields(document, TOP_LEVEL, "", policy, problems);
  const clusters = vetList(document.clusters, "clusters", "cluster", CLUSTER_FIELDS, policy, problems);
  const users = vetList(document.users, "users", "user", USER_FIELDS, policy, problems);
  const contexts = vetList(document.contexts, "contexts", "context", CONTEXT_FIELDS, policy, problems);
  if (problems.length) return { ok: false, problems };
  const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
  return {
    ok: true,
    options: {
      // A cluster without a server cannot be used: choosing its context says so.
      clusters: clusters
        .filter(({ fields }) => text(fields.server))
        .map(({ name, fields }) => ({
          name,
          server: String(fields.server).replace(/\/$/, ""),
          caData: text(fields["certificate-authority-data"]),
          tlsServerName: text(fields["tls-server-name"]),
          skipTLSVerify: fields["insecure-skip-tls-verify"] === true,
        })),
      users: users.map(({ name, fields }) => ({
        name,
        token: text(fields.token),
        certData: text(fields["client-certificate-data"]),
        keyData: text(fields["client-key-data"]),
        exec: fields.exec,
      })),
      contexts: contexts
        .filter(({ fields }) => text(fields.cluster))
        .map(({ name, fields }) => ({
          name,
          cluster: String(fields.cluster),
          user: text(fields.user) ?? "",
          namespace: text(fields.namespace),
        })),
      currentContext: text(top["current-context"]) ?? null,
    },
  };
}

/** vetKubeconfig of a kubeconfig text (YAML or JSON). */
export function vetKubeconfigText(source: string, policy: KubeconfigPolicy): VetResult {
  let document: unknown;
  try {
    document = parse(source);
  } catch {
    return { ok: false, problems: [{ path: "", message: "This is not valid YAML" }] };
  }
  return vetKubeconfig(document, policy);
}
