import "server-only";

import type { SparkConfigRow } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { toYamlDocument } from "@/lib/objects/yaml";

import { sparkApplication, sparkSubmitArgs } from "./builders";
import { previewServer, SPARK_CONFIG_KIND, sparkConfigBody } from "./queries";
import type { PreviewRun } from "./schema";

/** Both outputs of a config for a sample run; a template the run cannot fill is a 422 on `run`. */
export function sparkPreview(
  row: SparkConfigRow,
  sample: PreviewRun,
): { sparkSubmit: string[]; sparkApplication: Record<string, unknown> } {
  const body = sparkConfigBody(row);
  const run = { ...sample, server: previewServer(row) };
  try {
    return { sparkSubmit: sparkSubmitArgs(body, run), sparkApplication: sparkApplication(body, run) };
  } catch (error) {
    const message = (error as Error).message;
    throw new DomainError(422, message, { run: [message] });
  }
}

/** The config as a YAML document that import accepts. */
export function sparkConfigYaml(row: SparkConfigRow): string {
  const { name, description, ...spec } = sparkConfigBody(row);
  return toYamlDocument(SPARK_CONFIG_KIND, { name, description }, spec);
}
