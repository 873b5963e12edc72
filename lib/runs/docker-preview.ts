import "server-only";

import type { ExecutionConfigRow } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { codeEnvImageFor } from "@/lib/code-envs/queries";
import { containerCreateBody, type DockerContainerCreateBody } from "@/lib/docker/container-body";
import { sampleRun } from "@/lib/execution-configs/cluster-actions";
import { RunEnvError } from "@/lib/execution-configs/pod";
import { executionPreviewRequestSchema } from "@/lib/execution-configs/preview-request";
import { executionConfigBody } from "@/lib/execution-configs/queries";
import { BaseImageUnavailable, withBaseImageResolved } from "@/lib/images/base-image-resolve";
import type { Actor } from "@/lib/permissions";
import { ACTIVITY_TYPES, type ActivityType } from "@/lib/resolution/activities";
import { fieldErrorsFrom } from "@/lib/validation";

import { dockerRunInput, type DockerRunConfig } from "./docker-objects";

/** What a docker config's run creates: the exact Engine API `ContainerCreate` body, on which host. */
export interface DockerExecutionPreview {
  engine: "docker";
  dockerHost: string | null;
  container: DockerContainerCreateBody;
  /** The code env whose image the container runs, when one was asked for. */
  codeEnv?: { name: string; image: string; buildId: number; stale: boolean };
}

/**
 * The container body of a docker config for a sample run (the caller's, overridden by `body`),
 * made by the same builder a run uses, so the preview is what the engine will be sent.
 */
export function previewDockerExecutionConfig(
  actor: Actor,
  row: ExecutionConfigRow,
  body: unknown,
): DockerExecutionPreview {
  const parsed = executionPreviewRequestSchema.safeParse(body);
  if (!parsed.success) throw new DomainError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  const { codeEnv, command, env, image, ...run } = parsed.data;
  const base = sampleRun(actor, row);
  const envImage = codeEnv ? codeEnvImageFor(codeEnv, "execution", row.name) : undefined;
  const config = executionConfigBody(row);
  if (!(ACTIVITY_TYPES as readonly string[]).includes(run.activity)) {
    throw new DomainError(400, "Some fields are not valid", { activity: [`Unknown activity "${run.activity}"`] });
  }
  const activity = run.activity as ActivityType;
  try {
    const resolved = withBaseImageResolved({ ...config, version: row.version }) as DockerRunConfig;
    const input = dockerRunInput(
      resolved,
      { runId: run.runId, user: base.user, project: run.project, group: run.group ?? base.group, activity },
      // A sample without a command shows the script form a Python run gets.
      {
        command: command?.length ? command : undefined,
        script: command?.length ? undefined : "print('hello from Berth')",
        env,
        image: envImage?.image ?? image,
        resolutionSummary: "",
      },
    );
    const container = containerCreateBody(input);
    return {
      engine: "docker",
      dockerHost: config.dockerHost,
      container,
      ...(envImage && codeEnv ? { codeEnv: { name: codeEnv, ...envImage } } : {}),
    };
  } catch (error) {
    if (error instanceof BaseImageUnavailable)
      throw new DomainError(422, `Execution config ${row.name} cannot run: ${error.message}`, {
        image: [error.message],
      });
    if (error instanceof RunEnvError) throw new DomainError(422, error.message, { env: error.problems });
    throw error;
  }
}
