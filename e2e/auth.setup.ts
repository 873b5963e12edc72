import { test as setup } from "@playwright/test";

import { SignInPage } from "./pages/sign-in-page";
import { ADMIN_PASSWORD, ADMIN_STATE } from "./support/env";

setup("admin signs in", async ({ page }) => {
  await new SignInPage(page).signInAndWait("admin", ADMIN_PASSWORD);
  await page.context().storageState({ path: ADMIN_STATE });
});
