import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Settings shared by the Playwright config, the server it starts, and the specs. */
export const E2E_PORT = Number(process.env.BERTH_E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${E2E_PORT}`;
/** What a console page sends with a change made with the session cookie (the API refuses such a change without it). */
export const SAME_ORIGIN = { Origin: BASE_URL };
export const ADMIN_PASSWORD = "Admin-e2e-Pass-1";
export const BOOTSTRAP_TOKEN = "berth-e2e-bootstrap-token-0123456789";
export const ADMIN_STATE = path.join(import.meta.dirname, "..", ".auth", "admin.json");

// A fresh data dir per run. Set once in the runner; workers inherit it through the environment.
process.env.BERTH_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "berth-e2e-"));
export const DATA_DIR = process.env.BERTH_E2E_DATA_DIR;

/** The local OpenID provider the OIDC specs sign in through (e2e/support/oidc-provider.ts). */
export const OIDC_PORT = Number(process.env.BERTH_E2E_OIDC_PORT ?? 3199);
export const OIDC_ISSUER = `http://localhost:${OIDC_PORT}`;
export const OIDC_CLIENT_ID = "berth-e2e";
export const OIDC_CLIENT_SECRET = "berth-e2e-oidc-client-secret-0123456789";
export const OIDC_NAME = "Test SSO";
