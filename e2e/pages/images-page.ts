import { expect, type Locator, type Page } from "@playwright/test";

export interface BaseImageFormValues {
  name?: string;
  description?: string;
  startingImage?: string;
  pythonVersions?: string;
  r?: boolean;
  cuda?: boolean;
  cudaVersion?: string;
  systemPackages?: string;
  fragmentAtStart?: string;
  fragmentAtEnd?: string;
  registryUrl?: string;
  repository?: string;
  cluster?: string;
}

/** The base image pages and the build pages, found by role and label. */
export class ImagesPage {
  constructor(readonly page: Page) {}

  async openList() {
    await this.page.goto("/images");
    await expect(this.page.getByRole("heading", { name: "Base images", level: 1 })).toBeVisible();
  }

  async openNew() {
    await this.page.goto("/images/new");
    await expect(this.form("New base image")).toBeVisible();
  }

  async open(name: string) {
    await this.page.goto(`/images/${encodeURIComponent(name)}`);
    await expect(this.page.getByRole("heading", { name, level: 1 })).toBeVisible();
  }

  form(label: "New base image" | "Edit base image"): Locator {
    return this.page.getByRole("form", { name: label });
  }

  async fill(form: Locator, values: BaseImageFormValues) {
    const checks: [string, boolean | undefined][] = [
      ["R support", values.r],
      ["CUDA support", values.cuda],
    ];
    for (const [label, value] of checks)
      if (value !== undefined) await form.getByLabel(label, { exact: true }).setChecked(value);
    const text: [string, string | undefined][] = [
      ["Name", values.name],
      ["Description", values.description],
      ["Starting image", values.startingImage],
      ["Python versions", values.pythonVersions],
      ["CUDA version", values.cudaVersion],
      ["Extra system packages", values.systemPackages],
      ["Dockerfile fragment at start", values.fragmentAtStart],
      ["Dockerfile fragment at end", values.fragmentAtEnd],
      ["Registry URL", values.registryUrl],
      ["Repository", values.repository],
    ];
    for (const [label, value] of text)
      if (value !== undefined) await form.getByLabel(label, { exact: true }).fill(value);
    if (values.cluster !== undefined) await form.getByLabel("Cluster that builds it").selectOption(values.cluster);
  }

  dockerfilePreview(): Locator {
    return this.page.getByLabel("Dockerfile preview");
  }

  /** Clicks Build on a base image's page and waits for the build page it opens. */
  async build(): Promise<number> {
    await this.page.getByRole("button", { name: "Build", exact: true }).click();
    await expect(this.page.getByRole("heading", { name: /^Build #\d+$/, level: 1 })).toBeVisible();
    return Number(/\/image-builds\/(\d+)/.exec(this.page.url())?.[1]);
  }

  buildLog(): Locator {
    return this.page.getByLabel("Build log");
  }

  buildStatus(): Locator {
    return this.page.getByRole("status", { name: "Build status" });
  }

  credentialsForm(): Locator {
    return this.page.getByRole("form", { name: "Registry credentials" });
  }

  revisions(): Locator {
    return this.page.getByRole("table", { name: "Revisions" });
  }
}
