import http from "node:http";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { SignInPage } from "./pages/sign-in-page";
import { ADMIN_PASSWORD, BASE_URL, BOOTSTRAP_TOKEN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
// Another port of the same host: same site, but not the console's origin.
const OTHER_ORIGIN = BASE_URL.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 1}`);

const groupExists = async (request: APIRequestContext, name: string) =>
  (await request.get(`/api/v1/groups/${name}`, { headers: admin })).status() === 200;
const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;

test.describe("CSRF: requests that carry the admin's session cookie", () => {
  // The chromium project's storage state: these requests carry the signed-in admin's cookie.

  test("a cookie POST that is not JSON gets 415 and changes nothing", async ({ request }) => {
    const name = uniqueName("csrf-text");
    const response = await request.post("/api/v1/groups", {
      headers: { "Content-Type": "text/plain", Origin: BASE_URL },
      data: JSON.stringify({ name }),
    });
    expect(response.status()).toBe(415);
    expect((await response.json()).error).toMatch(/application\/json/);
    const form = await request.post("/api/v1/groups", { headers: { Origin: BASE_URL }, form: { name } });
    expect(form.status()).toBe(415);
    expect(await groupExists(request, name)).toBe(false);
  });

  test("a cookie POST from another origin (another port of the same host) gets 403 and changes nothing", async ({
    request,
  }) => {
    const name = uniqueName("csrf-origin");
    const refused: Record<string, string>[] = [
      { Origin: OTHER_ORIGIN },
      { Origin: "null" },
      { Origin: "http://evil.example" },
      { "Sec-Fetch-Site": "same-site" },
      { "Sec-Fetch-Site": "cross-site", Origin: OTHER_ORIGIN },
    ];
    for (const headers of refused) {
      const response = await request.post("/api/v1/groups", { headers, data: { name } });
      expect(response.status(), JSON.stringify(headers)).toBe(403);
      expect((await response.json()).error).toMatch(/cross-site/i);
    }
    expect(await groupExists(request, name)).toBe(false);

    const victim = uniqueName("csrf-victim");
    expect(
      (await request.post("/api/v1/groups", { headers: admin, data: { name: victim, description: "kept" } })).status(),
    ).toBe(201);
    const forged = [
      () =>
        request.patch(`/api/v1/groups/${victim}`, {
          headers: { Origin: OTHER_ORIGIN },
          data: { description: "changed" },
        }),
      () =>
        request.put(`/api/v1/groups/${victim}/members`, {
          headers: { Origin: OTHER_ORIGIN },
          data: { usernames: ["admin"] },
        }),
      () =>
        request.delete(`/api/v1/groups/${victim}`, {
          headers: { Origin: OTHER_ORIGIN, "Content-Type": "application/json" },
        }),
    ];
    for (const send of forged) {
      const response = await send();
      expect(response.status(), response.url()).toBe(403);
    }
    expect(await (await request.get(`/api/v1/groups/${victim}`, { headers: admin })).json()).toMatchObject({
      description: "kept",
      members: [],
    });
  });

  test("the console's own origin, or Sec-Fetch-Site: same-origin, is accepted; GET needs neither", async ({
    request,
  }) => {
    const first = uniqueName("csrf-ok");
    expect(
      (await request.post("/api/v1/groups", { headers: { Origin: BASE_URL }, data: { name: first } })).status(),
    ).toBe(201);
    const second = uniqueName("csrf-ok");
    expect(
      (
        await request.post("/api/v1/groups", { headers: { "Sec-Fetch-Site": "same-origin" }, data: { name: second } })
      ).status(),
    ).toBe(201);
    expect(
      (await request.get("/api/v1/me", { headers: { Origin: OTHER_ORIGIN, "Sec-Fetch-Site": "cross-site" } })).status(),
    ).toBe(200);
  });

  test("Bearer-token requests are unaffected by the cookie rules", async ({ playwright }) => {
    const api = await playwright.request.newContext({ baseURL: BASE_URL });
    const name = uniqueName("csrf-bearer");
    const response = await api.post("/api/v1/groups", {
      headers: { ...admin, Origin: OTHER_ORIGIN, "Content-Type": "application/json" },
      data: JSON.stringify({ name }),
    });
    expect(response.status()).toBe(201);
    await api.dispose();
  });

  test("server actions: Next refuses a replayed action from another origin", async ({ page, request }) => {
    await page.goto("/groups");
    const form = page.getByRole("form", { name: "Create group" });
    const [actionRequest] = await Promise.all([
      page.waitForRequest((candidate) => candidate.method() === "POST" && Boolean(candidate.headers()["next-action"])),
      (async () => {
        await form.getByLabel("Name").fill(uniqueName("sa-seed"));
        await form.getByRole("button", { name: "Create group" }).click();
      })(),
    ]);
    await expect(form.getByRole("status")).toContainText("Group created");
    const seed = actionRequest.postData() ?? "";
    const seedName = /sa-seed-[a-z0-9-]+/.exec(seed)?.[0];
    expect(seedName).toBeTruthy();
    const replay = (name: string, origin: string) =>
      request.post("/groups", {
        headers: {
          "Next-Action": actionRequest.headers()["next-action"],
          "Content-Type": actionRequest.headers()["content-type"],
          Accept: "text/x-component",
          Origin: origin,
        },
        data: seed.replace(seedName!, name),
      });

    const forged = uniqueName("sa-forged");
    expect((await replay(forged, OTHER_ORIGIN)).ok()).toBe(false);
    expect(await groupExists(request, forged)).toBe(false);
    // The same replay from the console's origin works: the refusal above is the Origin check.
    const genuine = uniqueName("sa-genuine");
    expect((await replay(genuine, BASE_URL)).ok()).toBe(true);
    expect(await groupExists(request, genuine)).toBe(true);
  });
});

test.describe("sign-in page", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  async function signInWithCallback(page: Page, callbackUrl: string) {
    // Never leave the machine, whatever the redirect says.
    await page.context().route(
      (url) => url.hostname === "evil.example",
      (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<title>evil</title>" }),
    );
    await page.goto(`/sign-in?callbackUrl=${callbackUrl}`);
    await new SignInPage(page).signIn("admin", ADMIN_PASSWORD);
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  }

  for (const callbackUrl of [
    "/%5Cevil.example",
    "/%09/evil.example",
    "http%3A%2F%2Fevil.example%2F",
    "%2F%2Fevil.example",
  ]) {
    test(`callbackUrl=${callbackUrl} stays on the console after sign-in`, async ({ page }) => {
      await signInWithCallback(page, callbackUrl);
      expect(new URL(page.url()).origin).toBe(BASE_URL);
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    });
  }

  test("a same-origin callbackUrl is followed", async ({ page }) => {
    await signInWithCallback(page, encodeURIComponent("/groups?x=1"));
    expect(page.url()).toBe(`${BASE_URL}/groups?x=1`);
  });

  test("?error= with an inherited property name answers 200 with the generic message", async ({ request, page }) => {
    for (const error of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      const response = await request.get(`/sign-in?error=${error}`);
      expect(response.status(), error).toBe(200);
    }
    await page.goto("/sign-in?error=constructor");
    await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText(
      "Sign-in failed. Try again.",
    );
    await page.goto("/sign-in?error=CredentialsSignin");
    await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText(
      "Wrong username or password.",
    );
  });
});

test.describe("request size", () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  const MIB = 1024 * 1024;

  test("a JSON body over the cap gets 413 with a clear message", async ({ request }) => {
    const response = await request.post("/api/v1/tokens", {
      headers: { ...admin, "Content-Type": "application/json" },
      data: JSON.stringify({ name: "x".repeat(2 * MIB) }),
    });
    expect(response.status()).toBe(413);
    expect((await response.json()).error).toMatch(/too large.*1 MiB/i);
    // A large kubeconfig-sized body under the cap is read, and refused only on its content.
    const underCap = await request.post("/api/v1/tokens", {
      headers: { ...admin, "Content-Type": "application/json" },
      data: JSON.stringify({ name: "x".repeat(MIB / 2) }),
    });
    expect(underCap.status()).toBe(400);
  });

  test("a chunked body (no Content-Length) is cut off while it is read", async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL("/api/v1/tokens", BASE_URL);
      const req = http.request(
        url,
        { method: "POST", headers: { ...admin, "Content-Type": "application/json", "Transfer-Encoding": "chunked" } },
        (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.write('{"name":"');
      const chunk = "x".repeat(64 * 1024);
      // Writes until the server answers (it must not wait for all 64 MiB).
      let sent = 0;
      const pump = () => {
        while (sent < 64 * MIB) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end('"}');
      };
      pump();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error).toMatch(/too large/i);
  });
});

test.describe("security headers", () => {
  const expectHardened = (headers: Record<string, string>, what: string) => {
    expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], what).toContain("object-src 'none'");
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("same-origin");
    expect(headers["permissions-policy"], what).toMatch(/camera=\(\)/);
  };

  test("every page and API response carries them", async ({ request, playwright }) => {
    const anonymous = await playwright.request.newContext({ baseURL: BASE_URL });
    for (const path of ["/sign-in", "/api/health", "/api/v1/me", "/api/v1/openapi.json", "/no-such-page"]) {
      expectHardened((await anonymous.get(path, { maxRedirects: 0 })).headers(), path);
    }
    await anonymous.dispose();
    for (const path of ["/", "/groups", "/clusters", "/api/v1/groups"])
      expectHardened((await request.get(path)).headers(), path);
  });

  test("pages still hydrate and load under the policy, with no violation", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await page.goto("/groups");
    const form = page.getByRole("form", { name: "Create group" });
    await form.getByLabel("Name").fill(uniqueName("csp"));
    await form.getByRole("button", { name: "Create group" }).click();
    await expect(form.getByRole("status")).toContainText("Group created");
    await page.goto("/clusters/embedded");
    // The cluster page opens live streams (SSE): give them a moment to connect or be refused.
    await page.waitForTimeout(1500);
    expect(violations).toEqual([]);
  });
});

test("an admin turns the kubeconfig exec switch on and off on the settings page, each risk stated beside it", async ({
  page,
  request,
}) => {
  const switches = async () =>
    (await (await request.get("/api/v1/settings", { headers: admin })).json()) as {
      allowKubeconfigExecPlugins: boolean;
      allowInsecureKubeconfigTls: boolean;
    };
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Kubeconfig safety" });
  await expect(form.getByText(/run anything here/)).toBeVisible();
  await form.getByLabel("Exec credential plugins").selectOption("on");
  await form.getByRole("button", { name: "Save kubeconfig switches" }).click();
  await expect(form.getByRole("status")).toHaveText("Kubeconfig switches saved.");
  expect(await switches()).toEqual(
    expect.objectContaining({ allowKubeconfigExecPlugins: true, allowInsecureKubeconfigTls: false }),
  );
  await page.screenshot({ path: "test-results/screenshots/kubeconfig-switches.png", fullPage: true });
  // Off again, as every other test expects. An edit hides the first save's confirmation, so the
  // next one shown is the second save's.
  await form.getByLabel("Exec credential plugins").selectOption("off");
  await expect(form.getByRole("status")).toHaveCount(0);
  await form.getByRole("button", { name: "Save kubeconfig switches" }).click();
  await expect(form.getByRole("status")).toHaveText("Kubeconfig switches saved.");
  expect((await switches()).allowKubeconfigExecPlugins).toBe(false);
});
