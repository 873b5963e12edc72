import { expect, type Locator, type Page } from "@playwright/test";

export interface NewRun {
  project: string;
  activity: string;
  command?: string[];
  script?: string;
  env?: string;
  executionConfig?: string;
  sparkConfig?: string;
  /** The embedded cluster's simulated pod behaviour, `name=value` lines (duration=6s…). */
  simulated?: string;
}

/** The runs list, the new-run form and a run's page, found by role and label. */
export class RunsPage {
  constructor(readonly page: Page) {}

  async openList(query = "") {
    await this.page.goto(`/runs${query}`);
    await expect(this.page.getByRole("heading", { name: "Runs", level: 1 })).toBeVisible();
  }

  table(): Locator {
    return this.page.getByRole("table", { name: "Runs" });
  }

  row(id: string): Locator {
    return this.table().getByRole("row", { name: `Run ${id}` });
  }

  form(): Locator {
    return this.page.getByRole("form", { name: "New run" });
  }

  /** Fills the new-run form (opened from the list's "New run" button) and submits it. */
  async submit(run: NewRun) {
    await this.openList();
    await this.page.getByRole("link", { name: "New run" }).click();
    const form = this.form();
    await expect(form).toBeVisible();
    await form.getByLabel("Project").selectOption(run.project);
    await form.getByLabel("Activity type").selectOption(run.activity);
    if (run.command) await form.getByLabel("Command (one argument per line)").fill(run.command.join("\n"));
    if (run.script) await form.getByLabel("Script").fill(run.script);
    if (run.env) await form.getByLabel("Environment (NAME=value per line)").fill(run.env);
    if (run.executionConfig) await form.getByLabel("Execution config").selectOption(run.executionConfig);
    if (run.sparkConfig) await form.getByLabel("Spark config").selectOption(run.sparkConfig);
    if (run.simulated) {
      await form.getByText("Simulated behaviour (embedded cluster only)").click();
      await form.getByLabel("Simulated pod behaviour (name=value per line)").fill(run.simulated);
    }
    await form.getByRole("button", { name: "Submit run" }).click();
  }

  /** The id of the run whose page is open. */
  async openedRunId(): Promise<string> {
    await expect(this.page).toHaveURL(/\/runs\/[a-z][0-9a-z]{9}$/);
    return new URL(this.page.url()).pathname.split("/").pop()!;
  }

  async openRun(id: string) {
    await this.page.goto(`/runs/${id}`);
    await expect(this.status()).toBeVisible();
  }

  status(): Locator {
    return this.page.getByRole("status", { name: "Run status" });
  }

  timeline(): Locator {
    return this.page.getByRole("list", { name: "Phase timeline" });
  }

  /** The "why pending"/"why failed" callout. */
  why(): Locator {
    return this.page.getByRole("region", { name: /^Why it / });
  }

  warnings(): Locator {
    return this.page.getByRole("region", { name: "Warnings" });
  }

  pods(): Locator {
    return this.page.getByRole("list", { name: "Pods" });
  }

  log(): Locator {
    return this.page.getByLabel("Run log");
  }

  events(): Locator {
    return this.page.getByRole("table", { name: "Events" });
  }

  async abort() {
    await this.page.getByRole("button", { name: "Abort run" }).click();
    await this.page.getByRole("dialog").getByRole("button", { name: "Abort run" }).click();
  }

  async screenshot(name: string) {
    // From the top, so the sticky sidebar is drawn where a reader sees it.
    await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path: `test-results/screenshots/runs-${name}.png`, fullPage: true });
  }
}
