import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { Card } from "@/components/ui/card";
import { none } from "@/components/ui/facts";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { findBuild, isFinished, toBuildView } from "@/lib/images/builds";
import { formatDuration } from "@/lib/images/revision";
import { can } from "@/lib/permissions";

import { CancelBuildButton } from "../_components/cancel-build-button";
import { LiveBuildLog } from "../_components/live-build-log";
import { RefreshOnBuildStatus } from "../_components/refresh-on-status";
import { cancelBuildAction } from "../../images/actions";

const EXECUTOR_NAMES = { buildkit: "BuildKit (rootless)", kaniko: "Kaniko", docker: "the Docker engine's build API" };

export const metadata: Metadata = { title: "Image build" };

export default async function ImageBuildPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePermission("images.read");
  const row = findBuild((await params).id);
  if (!row) notFound();
  const build = toBuildView(row);
  const finished = isFinished(row.status);
  const owner =
    build.kind === "code-env" ? (
      build.codeEnv ? (
        <Link href={`/code-envs/${encodeURIComponent(build.codeEnv)}`} className="text-brand-600 hover:underline">
          code env {build.codeEnv}
        </Link>
      ) : (
        "a deleted code env"
      )
    ) : build.baseImage ? (
      <Link href={`/images/${encodeURIComponent(build.baseImage)}`} className="text-brand-600 hover:underline">
        base image {build.baseImage}
      </Link>
    ) : (
      "a deleted base image"
    );
  const facts: [string, React.ReactNode][] = [
    ["Of", owner],
    [
      "Image",
      <span key="i" className="break-all font-mono text-xs">
        {build.image}
      </span>,
    ],
    [
      "Digest",
      build.digest ? (
        <span key="d" className="break-all font-mono text-xs">
          {build.digest}
        </span>
      ) : (
        none
      ),
    ],
    ...(build.baseRef
      ? ([
          [
            "Built on",
            <span key="f" className="break-all font-mono text-xs">
              {build.baseRef}
            </span>,
          ],
        ] as [string, React.ReactNode][])
      : []),
    build.dockerHost ? ["Docker host", build.dockerHost] : ["Cluster", build.cluster ?? none],
    [
      "Job",
      build.jobName ? (
        <span key="j" className="break-all font-mono text-xs">
          {build.namespace}/{build.jobName}
        </span>
      ) : (
        none
      ),
    ],
    ["Executor", build.executor ? EXECUTOR_NAMES[build.executor] : none],
    ["Started by", build.startedBy ?? none],
    ["Queued", formatDateTime(build.queuedAt)],
    [
      "Started",
      build.startedAt ? formatDateTime(build.startedAt) : build.status === "queued" ? "not yet (queued)" : none,
    ],
    ["Finished", build.finishedAt ? formatDateTime(build.finishedAt) : none],
    ["Duration", formatDuration(build.durationMs)],
  ];
  return (
    <>
      <PageHeader
        title={`Build #${build.id}`}
        description={build.image}
        actions={
          <>
            <Link href="/image-builds" className="text-sm font-medium text-brand-600 hover:underline">
              All builds
            </Link>
            {!finished && can(actor, "images.manage") && (
              <CancelBuildButton id={build.id} cancel={cancelBuildAction.bind(null, build.id)} />
            )}
          </>
        }
      />
      {!finished && <RefreshOnBuildStatus id={build.id} status={build.status} />}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Build">
          <dl aria-label="Build facts" className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1.5 text-sm">
            {facts.map(([term, value]) => (
              <div key={term} className="contents">
                <dt className="text-slate-500">{term}</dt>
                <dd className="break-words text-slate-900">{value}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card
          title="Log"
          description={
            finished ? "The end of the log, kept after the build pod was removed." : "Streamed live from the build pod."
          }
          className="lg:col-span-2"
        >
          {/* Keyed by status: a refresh after the end shows the kept log instead of streaming again. */}
          <LiveBuildLog
            key={build.status}
            build={build}
            initialLog={finished ? (row.logTail ?? "").split("\n").filter(Boolean) : null}
          />
        </Card>
        <Card title="Dockerfile" className="lg:col-span-3">
          <pre
            aria-label="Dockerfile"
            className="max-h-[24rem] overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs leading-relaxed text-slate-800"
          >
            {row.dockerfile}
          </pre>
        </Card>
      </div>
    </>
  );
}
