import { test as setup } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_STATE } from "./support/env";
import { SignInPage } from "./pages/sign-in-page";

setup("admin signs in", async ({ page }) => {
  await new SignInPage(page).signInAndWait("admin", ADMIN_PASSWORD);
  await page.context().storageState({ path: ADMIN_STATE });
});
