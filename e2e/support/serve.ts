/**
 * What Playwright's webServer runs: the console exactly as `npm start` runs it, on the e2e port
 * with the run's fresh data dir and known admin credentials, signing in through a local OpenID
 * provider that runs in this process.
 */
import { spawn } from "node:child_process";
import path from "node:path";

import {
  ADMIN_PASSWORD,
  BOOTSTRAP_TOKEN,
  DATA_DIR,
  E2E_PORT,
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  OIDC_ISSUER,
  OIDC_NAME,
} from "./env";
import { startOidcProvider } from "./oidc-provider";

const root = path.resolve(import.meta.dirname, "..", "..");
// Before the console: it discovers the provider at the first OIDC sign-in.
await startOidcProvider();

const server = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PORT: String(E2E_PORT),
    BERTH_DATA_DIR: DATA_DIR,
    BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BERTH_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
    NEXTAUTH_URL: `http://localhost:${E2E_PORT}`,
    BERTH_OIDC_ISSUER: OIDC_ISSUER,
    BERTH_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
    BERTH_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
    BERTH_OIDC_NAME: OIDC_NAME,
  },
});

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
