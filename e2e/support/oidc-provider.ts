/**
 * A real OpenID provider (the certified `oidc-provider` package) for the OIDC specs: one
 * confidential client for Berth, the accounts of sso-accounts.ts, a small labelled sign-in form,
 * and `PUT /test/accounts/{sub}/groups` so a spec can change an account's groups claim.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
// oidc-provider 9 warns "Unsupported runtime" on Node 20 at import; what Berth's sign-in uses works there (the specs show it).
import Provider, { type Adapter, type AdapterPayload, type Configuration } from "oidc-provider";

import { BASE_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ISSUER, OIDC_NAME, OIDC_PORT } from "./env";
import { SSO_ACCOUNTS, SSO_PASSWORD, type SsoAccount } from "./sso-accounts";

/** The scopes Berth asks for; granted without a consent screen, as for a first-party client. */
const GRANTED_SCOPE = "openid profile email groups";

/** Keeps the provider's state in this process: it lives exactly as long as one e2e run. */
class MemoryAdapter implements Adapter {
  private static readonly entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();

  constructor(private readonly model: string) {}

  private key(id: string) {
    return `${this.model}:${id}`;
  }

  private *live() {
    for (const [key, entry] of MemoryAdapter.entries) {
      if (entry.expiresAt <= Date.now()) MemoryAdapter.entries.delete(key);
      else if (key.startsWith(`${this.model}:`)) yield [key, entry.payload] as const;
    }
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined) {
    MemoryAdapter.entries.set(this.key(id), {
      payload,
      expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity,
    });
  }

  async find(id: string) {
    return [...this.live()].find(([key]) => key === this.key(id))?.[1];
  }

  async findByUid(uid: string) {
    return [...this.live()].find(([, payload]) => payload.uid === uid)?.[1];
  }

  async findByUserCode(userCode: string) {
    return [...this.live()].find(([, payload]) => payload.userCode === userCode)?.[1];
  }

  async consume(id: string) {
    const payload = await this.find(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string) {
    MemoryAdapter.entries.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string) {
    for (const [key, entry] of MemoryAdapter.entries)
      if (entry.payload.grantId === grantId) MemoryAdapter.entries.delete(key);
  }
}

function escapeHtml(value: string) {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function signInPage(uid: string, error?: string) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(OIDC_NAME)}</title></head>
<body><main>
<h1>${escapeHtml(OIDC_NAME)}</h1>
<form method="post" action="/interaction/${encodeURIComponent(uid)}" aria-label="${escapeHtml(OIDC_NAME)} sign-in">
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username" required autofocus></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<button type="submit">Continue</button>
</form>
</main></body></html>`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-store" });
  res.end(body);
}

/** Starts the provider on OIDC_PORT (loopback) and resolves once it listens. */
export async function startOidcProvider(): Promise<http.Server> {
  const accounts = new Map(
    Object.entries(SSO_ACCOUNTS).map(([sub, account]): [string, SsoAccount] => [
      sub,
      { ...account, groups: [...account.groups] },
    ]),
  );
  // A fresh signing key per run keeps the package's published development key out of use.
  const signingKey = {
    ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
    use: "sig",
    alg: "RS256",
  };

  const configuration: Configuration = {
    adapter: MemoryAdapter,
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [`${BASE_URL}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { profile: ["name", "preferred_username"], email: ["email", "email_verified"], groups: ["groups"] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    features: { devInteractions: { enabled: false } },
    jwks: { keys: [signingKey] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      // Read at each token and userinfo request, so a changed groups claim shows at the next sign-in.
      return {
        accountId: sub,
        // `login` is the form's field, not a claim.
        claims: () => ({
          sub,
          preferred_username: account.preferred_username,
          name: account.name,
          email: account.email,
          groups: account.groups,
          email_verified: true,
        }),
      };
    },
    async loadExistingGrant(ctx) {
      const { client, session, result, provider } = ctx.oidc;
      const grantId = result?.consent?.grantId ?? (client && session?.grantIdFor(client.clientId));
      if (grantId) return provider.Grant.find(grantId);
      if (!client || !session?.accountId) return undefined;
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(GRANTED_SCOPE);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(OIDC_ISSUER, configuration);
  provider.on("server_error", (_ctx, error) => console.error("e2e OpenID provider error:", error));
  const handleOidc = provider.callback();

  async function handleInteraction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    // The consent prompt never comes: loadExistingGrant grants Berth's scopes.
    if (details.prompt.name !== "login")
      return send(res, 501, "text/plain", `Prompt "${details.prompt.name}" is not implemented`);
    if (req.method !== "POST") return send(res, 200, "text/html", signInPage(details.uid));
    const form = new URLSearchParams(await readBody(req));
    const sub = [...accounts].find(
      ([, account]) => (account.login ?? account.preferred_username) === form.get("username"),
    )?.[0];
    if (!sub || form.get("password") !== SSO_PASSWORD)
      return send(res, 401, "text/html", signInPage(details.uid, "Unknown username or wrong password."));
    await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
  }

  async function handleTestAdmin(req: IncomingMessage, res: ServerResponse, sub: string) {
    const account = accounts.get(sub);
    if (!account) return send(res, 404, "application/json", JSON.stringify({ error: `No account ${sub}` }));
    const body: unknown = JSON.parse(await readBody(req));
    const groups = body && typeof body === "object" && "groups" in body ? body.groups : undefined;
    if (!Array.isArray(groups) || !groups.every((group) => typeof group === "string")) {
      return send(res, 400, "application/json", JSON.stringify({ error: "Expected {groups: string[]}" }));
    }
    account.groups = groups;
    send(res, 200, "application/json", JSON.stringify({ sub, groups }));
  }

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", OIDC_ISSUER).pathname;
    const testAdmin = req.method === "PUT" ? /^\/test\/accounts\/([^/]+)\/groups$/.exec(path) : null;
    let handled: Promise<void>;
    if (testAdmin) handled = handleTestAdmin(req, res, decodeURIComponent(testAdmin[1]));
    else if (/^\/interaction\/[^/]+$/.test(path)) handled = handleInteraction(req, res);
    else return handleOidc(req, res);
    handled.catch((error: unknown) => {
      console.error("e2e OpenID provider error:", error);
      if (!res.headersSent) send(res, 500, "text/plain", error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(OIDC_PORT, "127.0.0.1", resolve);
  });
  return server;
}
