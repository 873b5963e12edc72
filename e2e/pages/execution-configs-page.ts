import { expect, type Locator, type Page } from "@playwright/test";

export interface ExecutionConfigFormValues {
  name?: string;
  description?: string;
  image?: string;
  cluster?: string;
  namespace?: string;
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  customRequests?: string;
  customLimits?: string;
  nodeSelector?: string;
  tolerations?: string;
  affinity?: string;
  usableByGroups?: string[];
}

/** The execution config pages (list, form, detail), found by role and label. */
export class ExecutionConfigsPage {
  constructor(readonly page: Page) {}

  async openList() {
    await this.page.goto("/execution-configs");
    await expect(this.page.getByRole("heading", { name: "Execution configs", level: 1 })).toBeVisible();
  }

  async openNew() {
    await this.page.goto("/execution-configs/new");
    await expect(this.form("New execution config")).toBeVisible();
  }

  async open(name: string) {
    await this.page.goto(`/execution-configs/${encodeURIComponent(name)}`);
    await expect(this.page.getByRole("heading", { name, level: 1 })).toBeVisible();
  }

  async openEdit(name: string) {
    await this.page.goto(`/execution-configs/${encodeURIComponent(name)}/edit`);
    await expect(this.form("Edit execution config")).toBeVisible();
  }

  form(label: "New execution config" | "Edit execution config"): Locator {
    return this.page.getByRole("form", { name: label });
  }

  async fill(form: Locator, values: ExecutionConfigFormValues) {
    const text: [string, string | undefined][] = [
      ["Name", values.name],
      ["Description", values.description],
      ["Container image", values.image],
      ["Namespace", values.namespace],
      ["CPU request", values.cpuRequest],
      ["CPU limit", values.cpuLimit],
      ["Memory request", values.memoryRequest],
      ["Memory limit", values.memoryLimit],
      ["Custom requests", values.customRequests],
      ["Custom limits", values.customLimits],
      ["Node selector", values.nodeSelector],
      ["Tolerations", values.tolerations],
      ["Affinity (YAML)", values.affinity],
    ];
    for (const [label, value] of text)
      if (value !== undefined) await form.getByLabel(label, { exact: true }).fill(value);
    if (values.cluster !== undefined) await form.getByLabel("Cluster").selectOption(values.cluster);
    if (values.usableByGroups) {
      await form.getByRole("group", { name: "Usable by" }).getByRole("radio", { name: "Selected groups" }).check();
      const groups = form.getByRole("group", { name: "Groups that may use it" });
      for (const group of values.usableByGroups) await groups.getByLabel(group, { exact: true }).check();
    }
  }

  async runTest(): Promise<Locator> {
    await this.page.getByRole("button", { name: "Run test pod" }).click();
    const result = this.page.getByRole("region", { name: "Test result" });
    await expect(result).toBeVisible({ timeout: 30_000 });
    return result;
  }
}
