import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { openApiDocument } from "@/lib/api/openapi";
import { operationAnchor, referenceOf, type ReferenceOperation } from "@/lib/api/reference";
import { requireActor } from "@/lib/auth/session";
import { env } from "@/lib/env";

import { MethodBadge } from "../_components/method-badge";
import { SchemaView } from "../_components/schema-view";

type Props = { params: Promise<{ tag: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `API reference: ${(await params).tag}` };
}

export default async function ApiTagPage({ params }: Props) {
  await requireActor();
  const { tag: name } = await params;
  const tags = referenceOf(openApiDocument(env().NEXTAUTH_URL ?? ""));
  const tag = tags.find((each) => each.name === name);
  if (!tag) notFound();
  return (
    <>
      <PageHeader
        title={`API reference: ${tag.name}`}
        description={tag.description}
        actions={
          <Link href="/api-docs" className="text-sm font-medium text-brand-600 hover:underline">
            All operations
          </Link>
        }
      />
      <nav aria-label="Parts of the API" className="mb-6 flex flex-wrap gap-x-3 gap-y-1 text-sm">
        {tags.map((each) => (
          <Link
            key={each.name}
            href={`/api-docs/${each.name}`}
            aria-current={each.name === tag.name ? "page" : undefined}
            className={each.name === tag.name ? "font-semibold text-slate-900" : "text-brand-600 hover:underline"}
          >
            {each.name}
          </Link>
        ))}
      </nav>
      <div className="space-y-6">
        {tag.operations.map((operation) => (
          <OperationView key={operation.operationId} operation={operation} />
        ))}
      </div>
    </>
  );
}

function OperationView({ operation }: { operation: ReferenceOperation }) {
  const anchor = operationAnchor(operation);
  const success = operation.responses.filter((response) => response.status.startsWith("2"));
  const refusals = operation.responses.filter((response) => !response.status.startsWith("2"));
  return (
    <section
      id={anchor}
      aria-labelledby={`${anchor}-title`}
      className="scroll-mt-6 rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <header className="border-b border-slate-100 px-5 py-3">
        <h2 id={`${anchor}-title`} className="flex flex-wrap items-baseline gap-3">
          <MethodBadge method={operation.method} />
          <code className="text-sm font-semibold text-slate-900">{operation.path}</code>
          <span className="font-mono text-xs text-slate-500">{operation.operationId}</span>
          {operation.public && <Badge tone="green">no authentication</Badge>}
        </h2>
        <p className="mt-2 text-sm text-slate-700">{operation.summary}</p>
        {operation.description && <p className="mt-1 text-xs text-slate-500">{operation.description}</p>}
      </header>
      <div className="space-y-4 px-5 py-4">
        {operation.parameters.length > 0 && (
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Parameters</h3>
            <ul aria-label={`Parameters of ${operation.operationId}`} className="space-y-1">
              {operation.parameters.map((parameter) => (
                <li key={`${parameter.in}-${parameter.name}`} className="text-sm">
                  <code className="font-semibold text-slate-900">{parameter.name}</code>{" "}
                  <span className="text-xs text-slate-500">in {parameter.in}</span>
                  {parameter.required && <span className="ml-1 text-xs font-medium text-red-700">required</span>}
                  {parameter.description && <span className="text-slate-600"> — {parameter.description}</span>}
                  <SchemaView
                    schema={parameter.schema}
                    label={`${operation.operationId} parameter ${parameter.name}`}
                    depth={1}
                  />
                </li>
              ))}
            </ul>
          </div>
        )}
        {operation.requestBody && (
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
              Request body (application/json)
            </h3>
            <SchemaView schema={operation.requestBody.schema} label={`Request body of ${operation.operationId}`} />
            {operation.requestBody.examples.map((example) => (
              <details key={example.name} className="mt-2">
                <summary className="cursor-pointer text-sm text-brand-600">
                  Example: {example.summary ?? example.name}
                </summary>
                <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-3 text-xs text-slate-800">
                  {JSON.stringify(example.value, null, 2)}
                </pre>
              </details>
            ))}
          </div>
        )}
        {success.map((response) => (
          <div key={response.status}>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {response.status} · {response.description}{" "}
              {response.media.length > 0 && (
                <span className="normal-case">({response.media.map((media) => media.type).join(", ")})</span>
              )}
            </h3>
            {response.media
              .filter((media) => media.type === "application/json")
              .map((media) => (
                <details key={media.type}>
                  <summary className="cursor-pointer text-sm text-brand-600">Answer fields</summary>
                  <div className="mt-1">
                    <SchemaView schema={media.schema} label={`${response.status} answer of ${operation.operationId}`} />
                  </div>
                </details>
              ))}
          </div>
        ))}
        {refusals.length > 0 && (
          <p className="text-xs text-slate-500">
            Refusals: {refusals.map((response) => response.status).join(", ")} with{" "}
            <code>{"{ error, fieldErrors? }"}</code>.
          </p>
        )}
      </div>
    </section>
  );
}
