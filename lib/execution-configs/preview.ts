import "server-only";

import type { V1Pod } from "@kubernetes/client-node";

import type { ExecutionConfigRow } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { codeEnvImageFor } from "@/lib/code-envs/queries";
import { resolveNamespaceDetail, type ResolvedNamespace } from "@/lib/kube/names";
import type { Actor } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";

import { podFor, sampleRun } from "./cluster-actions";
import { executionPreviewRequestSchema } from "./preview-request";

export interface ExecutionPreview {
  pod: V1Pod;
  /** The namespace the run's template resolves to, and why it carries a hash suffix when it does. */
  namespace: ResolvedNamespace;
  /** The code env whose image the pod runs, when one was asked for. */
  codeEnv?: { name: string; image: string; buildId: number; stale: boolean };
}

/**
 * The pod of a config for a sample run (the caller's, overridden by `body`). With `codeEnv`, the
 * pod runs that env's current image for the config; an env without one is a 422 on `codeEnv`.
 */
export function previewExecutionConfig(actor: Actor, row: ExecutionConfigRow, body: unknown): ExecutionPreview {
  const parsed = executionPreviewRequestSchema.safeParse(body);
  if (!parsed.success) throw new DomainError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  const { codeEnv, ...run } = parsed.data;
  const base = sampleRun(actor, row);
  const envImage = codeEnv ? codeEnvImageFor(codeEnv, "execution", row.name) : undefined;
  const sample = { ...base, ...run, group: run.group ?? base.group, image: envImage?.image ?? run.image };
  const pod = podFor(row, sample);
  // podFor succeeded, so the template resolves for this run.
  const namespace = resolveNamespaceDetail(String(row.spec.namespace), sample);
  return envImage && codeEnv ? { pod, namespace, codeEnv: { name: codeEnv, ...envImage } } : { pod, namespace };
}
