import { describe, expect, it } from "vitest";

import { STRICT_KUBECONFIG_POLICY, vetKubeconfig, type KubeconfigPolicy } from "./kubeconfig-policy";

const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64");

/** A kubeconfig that passes: only allow-listed fields, as the simulator and `kubectl config view --raw --flatten` write them. */
function base() {
  return {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [
      {
        name: "prod",
        cluster: {
          server: "https://10.0.0.1:6443",
          "certificate-authority-data": CA,
          "tls-server-name": "kubernetes",
        } as Record<string, unknown>,
      },
    ],
    users: [{ name: "admin", user: { token: "s3cr3t" } as Record<string, unknown> }],
    contexts: [
      { name: "prod-admin", context: { cluster: "prod", user: "admin", namespace: "ml" } as Record<string, unknown> },
    ],
    "current-context": "prod-admin",
  };
}
type Kubeconfig = ReturnType<typeof base>;

const ALL_ON: KubeconfigPolicy = { allowExecPlugins: true, allowInsecureTls: true };
const problemsOf = (document: unknown, policy = STRICT_KUBECONFIG_POLICY) => {
  const vetted = vetKubeconfig(document, policy);
  return vetted.ok ? [] : vetted.problems.map((problem) => problem.message);
};

/*
 * The kubeconfig fields outside the allow-list, from the kubeconfig spec
 * (k8s.io/client-go tools/clientcmd/api/v1/types.go: Cluster, AuthInfo, Context, Config) and from
 * what @kubernetes/client-node 1.4.0 reads beyond it (dist/config_types.js newClusters/newUsers:
 * `token-file`). Values are what an attacker would send, and the other JSON types besides.
 */
const SPEC_FIELDS_REFUSED: {
  section: "cluster" | "user" | "context" | "top";
  key: string;
  value: unknown;
  gated?: true;
}[] = [
  { section: "cluster", key: "certificate-authority", value: "/etc/berth/secret-key" },
  { section: "cluster", key: "proxy-url", value: "socks5://attacker.example:1080" },
  { section: "cluster", key: "disable-compression", value: true },
  { section: "cluster", key: "insecure-skip-tls-verify", value: true, gated: true },
  { section: "user", key: "client-certificate", value: "/etc/berth/secret-key" },
  { section: "user", key: "client-key", value: "/etc/berth/secret-key" },
  { section: "user", key: "tokenFile", value: "/etc/berth/secret-key" },
  { section: "user", key: "token-file", value: "/etc/berth/secret-key" },
  { section: "user", key: "as", value: "system:admin" },
  { section: "user", key: "as-uid", value: "0" },
  { section: "user", key: "as-groups", value: ["system:masters"] },
  { section: "user", key: "as-user-extra", value: { scopes: ["all"] } },
  { section: "user", key: "username", value: "admin" },
  { section: "user", key: "password", value: "admin" },
  {
    section: "user",
    key: "auth-provider",
    value: { name: "gcp", config: { "cmd-path": "/bin/sh", "cmd-args": "-c id" } },
  },
  {
    section: "user",
    key: "exec",
    value: { apiVersion: "client.authentication.k8s.io/v1", command: "/bin/sh", args: ["-c", "id"] },
    gated: true,
  },
  { section: "top", key: "current-context-file", value: "x" },
];

function withField(section: string, key: string, value: unknown): Kubeconfig {
  const config = base();
  if (section === "cluster") config.clusters[0].cluster[key] = value;
  else if (section === "user") config.users[0].user[key] = value;
  else if (section === "context") config.contexts[0].context[key] = value;
  else (config as Record<string, unknown>)[key] = value;
  return config;
}

const pathOf = (section: string, key: string) =>
  section === "cluster"
    ? `clusters[0].cluster.${key}`
    : section === "user"
      ? `users[0].user.${key}`
      : section === "context"
        ? `contexts[0].context.${key}`
        : key;

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("vetKubeconfig", () => {
  it("accepts the allow-listed fields and hands client-node only those", () => {
    const vetted = vetKubeconfig(base(), STRICT_KUBECONFIG_POLICY);
    expect(vetted).toEqual({
      ok: true,
      options: {
        clusters: [
          {
            name: "prod",
            server: "https://10.0.0.1:6443",
            caData: CA,
            tlsServerName: "kubernetes",
            skipTLSVerify: false,
          },
        ],
        users: [{ name: "admin", token: "s3cr3t" }],
        contexts: [{ name: "prod-admin", cluster: "prod", user: "admin", namespace: "ml" }],
        currentContext: "prod-admin",
      },
    });
  });

  it("drops extensions and preferences instead of passing them on", () => {
    const config = base();
    const extensions = [{ name: "cluster_info", extension: { provider: "minikube.sigs.k8s.io" } }];
    Object.assign(config, { extensions });
    config.clusters[0].cluster.extensions = extensions;
    config.contexts[0].context.extensions = extensions;
    config.users[0].user.extensions = extensions;
    expect(vetKubeconfig(config, STRICT_KUBECONFIG_POLICY)).toEqual(vetKubeconfig(base(), STRICT_KUBECONFIG_POLICY));
  });

  it.each(SPEC_FIELDS_REFUSED)("refuses $section.$key, naming it", ({ section, key, value }) => {
    const problems = problemsOf(withField(section, key, value));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${pathOf(section, key).replace(/[[\].]/g, "\\$&")} is not allowed: `));
  });

  it("refuses every refused spec field with any JSON value, in any entry (fuzz)", () => {
    const next = random(20261205);
    const values = () =>
      ["/etc/passwd", true, false, 0, 1, null, ["x"], { command: "/bin/true" }, "", "https://x"][
        Math.floor(next() * 10)
      ];
    for (let round = 0; round < 400; round++) {
      const field = SPEC_FIELDS_REFUSED[Math.floor(next() * SPEC_FIELDS_REFUSED.length)];
      const value = values();
      // `insecure-skip-tls-verify: false` asks for nothing and is accepted.
      if (field.key === "insecure-skip-tls-verify" && value === false) continue;
      const config = withField(field.section, field.key, value);
      const problems = problemsOf(config);
      expect(
        problems.some((problem) => problem.startsWith(`${pathOf(field.section, field.key)} `)),
        `${field.key}=${JSON.stringify(value)}`,
      ).toBe(true);
    }
  });

  it("refuses unknown keys anywhere (fuzz), so a future client-node meaning cannot slip through", () => {
    const next = random(42);
    const letters = "abcdefghijklmnopqrstuvwxyz-_";
    for (let round = 0; round < 200; round++) {
      const key = Array.from(
        { length: 1 + Math.floor(next() * 12) },
        () => letters[Math.floor(next() * letters.length)],
      ).join("");
      const section = (["cluster", "user", "context", "top"] as const)[Math.floor(next() * 4)];
      const known = new Set([
        ...SPEC_FIELDS_REFUSED.map((field) => field.key),
        "server",
        "certificate-authority-data",
        "tls-server-name",
        "token",
        "client-certificate-data",
        "client-key-data",
        "cluster",
        "user",
        "namespace",
        "extensions",
        "apiVersion",
        "kind",
        "preferences",
        "clusters",
        "users",
        "contexts",
        "current-context",
      ]);
      if (known.has(key)) continue;
      expect(problemsOf(withField(section, key, "x")), key).toContain(
        `${pathOf(section, key)} is not allowed: Berth does not know this field`,
      );
    }
  });

  it("refuses a second user's exec too, not only the current context's", () => {
    const config = base();
    config.users.push({ name: "other", user: { exec: { command: "touch", args: ["/tmp/x"] } } });
    expect(problemsOf(config)).toEqual([
      expect.stringMatching(/^users\[1\]\.user\.exec is not allowed: it runs a program on the Berth server/),
    ]);
  });

  it("takes only https servers", () => {
    for (const server of [
      "http://10.0.0.1:6443",
      "ftp://x",
      "file:///etc/passwd",
      "10.0.0.1:6443",
      "unix:///var/run/x.sock",
    ]) {
      expect(problemsOf(withField("cluster", "server", server)), server).toEqual([
        "clusters[0].cluster.server must be an https:// URL",
      ]);
    }
    expect(problemsOf(withField("cluster", "server", "https://kube.example.com/"))).toEqual([]);
  });

  it("checks the types of allowed fields", () => {
    expect(problemsOf(withField("user", "token", { $ne: 1 }))).toEqual(["users[0].user.token must be text"]);
    expect(problemsOf(withField("context", "namespace", 3))).toEqual(["contexts[0].context.namespace must be text"]);
    expect(problemsOf(withField("cluster", "certificate-authority-data", "not base64!"))).toEqual([
      "clusters[0].cluster.certificate-authority-data must be base64 (the file's content, not its path)",
    ]);
  });

  it("allows exec and insecure-skip-tls-verify only when the instance does", () => {
    const exec = withField("user", "exec", {
      apiVersion: "client.authentication.k8s.io/v1",
      command: "kubelogin",
      args: ["get-token"],
      env: [{ name: "A", value: "b" }],
      interactiveMode: "Never",
      provideClusterInfo: false,
    });
    expect(problemsOf(exec)[0]).toContain("an admin can allow exec plugins");
    expect(vetKubeconfig(exec, { ...STRICT_KUBECONFIG_POLICY, allowExecPlugins: true })).toMatchObject({
      ok: true,
      options: {
        users: [
          {
            name: "admin",
            token: "s3cr3t",
            exec: { command: "kubelogin", args: ["get-token"], env: [{ name: "A", value: "b" }] },
          },
        ],
      },
    });
    expect(problemsOf(withField("user", "exec", { command: "x", shell: "bash" }), ALL_ON)).toEqual([
      "users[0].user.exec.shell is not allowed: Berth does not know this field",
    ]);
    const insecure = withField("cluster", "insecure-skip-tls-verify", true);
    expect(problemsOf(insecure)[0]).toContain("an admin can allow skipping TLS verification");
    expect(vetKubeconfig(insecure, { ...STRICT_KUBECONFIG_POLICY, allowInsecureTls: true })).toMatchObject({
      ok: true,
      options: { clusters: [{ skipTLSVerify: true }] },
    });
    expect(problemsOf(withField("cluster", "insecure-skip-tls-verify", false))).toEqual([]);
    // Never allowed, whatever the settings.
    expect(problemsOf(withField("user", "auth-provider", { name: "oidc" }), ALL_ON)).toHaveLength(1);
    expect(problemsOf(withField("user", "client-key", "/etc/shadow"), ALL_ON)).toHaveLength(1);
  });
});
