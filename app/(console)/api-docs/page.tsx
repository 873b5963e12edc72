import type { Metadata } from "next";
import Link from "next/link";

import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { openApiDocument } from "@/lib/api/openapi";
import { operationAnchor, referenceOf } from "@/lib/api/reference";
import { requireActor } from "@/lib/auth/session";
import { env } from "@/lib/env";

import { MethodBadge } from "./_components/method-badge";

export const metadata: Metadata = { title: "API reference" };

/** The first sentence of a summary: the overview lists many operations. */
const firstSentence = (text: string) => text.split(/(?<=[.;:])\s/)[0].replace(/[;:]$/, "");

export default async function ApiReferencePage() {
  await requireActor();
  const baseUrl = env().NEXTAUTH_URL ?? "";
  const tags = referenceOf(openApiDocument(baseUrl));
  const count = tags.reduce((sum, tag) => sum + tag.operations.length, 0);
  return (
    <>
      <PageHeader
        title="API reference"
        description={`The REST API of this console: ${count} operations, from the same OpenAPI 3.1 document clients are generated from.`}
        actions={
          <a
            href="/api/v1/openapi.json"
            download="berth-openapi.json"
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
          >
            Download openapi.json
          </a>
        }
      />
      <div className="space-y-6">
        <Card title="Calling the API">
          <div className="space-y-2 text-sm text-slate-700">
            <p>
              Send an API token as <code>Authorization: Bearer &lt;token&gt;</code>; create one under{" "}
              <Link href="/account" className="text-brand-600 hover:underline">
                Your account
              </Link>
              . It acts as you, with your permissions. A signed-in browser may use its session cookie instead, for
              same-origin JSON requests.
            </p>
            <p>
              Paths are relative to {baseUrl ? <code>{baseUrl}</code> : "this console's address"}. Refusals answer{" "}
              <code>{"{ error, fieldErrors? }"}</code> with every problem by field.
            </p>
          </div>
        </Card>
        {tags.map((tag) => (
          <Card
            key={tag.name}
            title={
              <Link href={`/api-docs/${tag.name}`} className="hover:underline">
                {tag.name}
              </Link>
            }
            description={tag.description}
          >
            <ul aria-label={`${tag.name} operations`} className="divide-y divide-slate-100">
              {tag.operations.map((operation) => (
                <li key={operation.operationId} className="flex items-baseline gap-3 py-1.5 text-sm">
                  <MethodBadge method={operation.method} />
                  <Link
                    href={`/api-docs/${tag.name}#${operationAnchor(operation)}`}
                    className="font-mono text-xs text-slate-900 hover:underline"
                  >
                    {operation.path}
                  </Link>
                  <span className="min-w-0 truncate text-slate-600">{firstSentence(operation.summary)}</span>
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
    </>
  );
}
