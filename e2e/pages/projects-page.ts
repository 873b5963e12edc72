import { expect, type Locator, type Page } from "@playwright/test";

/** The settings page, the project list and a project's page, found by role and label. */
export class ProjectsPage {
  constructor(readonly page: Page) {}

  async setInstanceDefaults(defaults: {
    executionConfig: string;
    visualRecipeExecutionConfig: string;
    sparkConfig: string;
    cluster: string;
  }) {
    await this.page.goto("/settings");
    const form = this.page.getByRole("form", { name: "Instance defaults" });
    await form.getByLabel("Default execution config (user code)").selectOption(defaults.executionConfig);
    await form
      .getByLabel("Default execution config (visual recipes)")
      .selectOption(defaults.visualRecipeExecutionConfig);
    await form.getByLabel("Default Spark config").selectOption(defaults.sparkConfig);
    await form.getByLabel("Default cluster").selectOption(defaults.cluster);
    await form.getByRole("button", { name: "Save defaults" }).click();
    await expect(form.getByRole("status")).toHaveText("Defaults saved.");
  }

  async createProject(project: { key: string; name: string; ownerGroup: string }) {
    await this.page.goto("/projects");
    const form = this.page.getByRole("form", { name: "Create project" });
    await form.getByLabel("Key").fill(project.key);
    await form.getByLabel("Name").fill(project.name);
    await form.getByLabel("Owner group").selectOption(project.ownerGroup);
    await form.getByRole("button", { name: "Create project" }).click();
    await expect(this.page.getByRole("heading", { level: 1 })).toContainText(project.name);
  }

  async open(key: string) {
    await this.page.goto(`/projects/${encodeURIComponent(key)}`);
    await expect(this.effectiveTable()).toBeVisible();
  }

  async putMember(group: string, role: "admin" | "contributor" | "reader") {
    const form = this.page.getByRole("form", { name: "Add member group" });
    await form.getByLabel("Group").selectOption(group);
    await form.getByLabel("Role").selectOption(role);
    await form.getByRole("button", { name: "Save member" }).click();
    await expect(
      this.page.getByRole("table", { name: "Members" }).getByRole("row").filter({ hasText: group }),
    ).toContainText(role);
  }

  settingsForm(): Locator {
    return this.page.getByRole("form", { name: "Project settings" });
  }

  async saveSettings(settings: { executionConfig?: string; cluster?: string }) {
    const form = this.settingsForm();
    if (settings.executionConfig !== undefined)
      await form.getByLabel("Execution config (user code)").selectOption(settings.executionConfig);
    if (settings.cluster !== undefined) await form.getByLabel("Cluster").selectOption(settings.cluster);
    await form.getByRole("button", { name: "Save settings" }).click();
  }

  overrideForm(): Locator {
    return this.page.getByRole("form", { name: "Save override" });
  }

  async saveOverride(override: { objectId: string; activityType: string; executionConfig?: string }) {
    const form = this.overrideForm();
    await form.getByLabel("Object id").fill(override.objectId);
    await form.getByLabel("Activity type").selectOption(override.activityType);
    if (override.executionConfig) await form.getByLabel("Execution config").selectOption(override.executionConfig);
    await form.getByRole("button", { name: "Save override" }).click();
    await expect(form.getByRole("status")).toHaveText("Override saved.");
  }

  effectiveTable(): Locator {
    return this.page.getByRole("table", { name: "Effective configuration" });
  }

  /** The effective-config row of one activity, e.g. "Python recipe". */
  effectiveRow(activityLabel: string): Locator {
    return this.effectiveTable()
      .getByRole("row")
      .filter({ has: this.page.getByRole("rowheader", { name: activityLabel, exact: true }) });
  }

  overrideRow(objectId: string): Locator {
    return this.page.getByRole("table", { name: "Objects" }).getByRole("row").filter({ hasText: objectId });
  }
}
