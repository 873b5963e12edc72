import type { Metadata } from "next";
import Link from "next/link";

import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import {
  buildSettingsView,
  IMAGE_BUILD_KINDS,
  IMAGE_BUILD_STATUSES,
  listBuilds,
  parseBuildFilters,
  toBuildView,
} from "@/lib/images/builds";
import { formatDuration } from "@/lib/images/revision";

import { BuildStatusBadge } from "../images/_components/build-status";

export const metadata: Metadata = { title: "Image builds" };

const selectClasses = "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm";

export default async function ImageBuildsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  await requirePermission("images.read");
  const query = await searchParams;
  const params = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  const parsed = parseBuildFilters(params);
  const filters = "fieldErrors" in parsed ? {} : parsed;
  const builds = listBuilds(filters).map((build) => toBuildView(build));
  return (
    <>
      <PageHeader
        title="Image builds"
        description={`Every build of base images and code environments, newest first. At most ${buildSettingsView().maxConcurrentBuilds} run at once per cluster; the rest wait queued.`}
        actions={
          <Link href="/images" className={buttonClasses("secondary")}>
            Base images
          </Link>
        }
      />
      <div className="space-y-4">
        <form role="search" aria-label="Filter builds" className="flex flex-wrap items-end gap-3" method="get">
          <label className="text-sm text-slate-700">
            Status
            <select name="status" defaultValue={filters.status ?? ""} className={selectClasses}>
              <option value="">Any</option>
              {IMAGE_BUILD_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm text-slate-700">
            Kind
            <select name="kind" defaultValue={filters.kind ?? ""} className={selectClasses}>
              <option value="">Any</option>
              {IMAGE_BUILD_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          </label>
          <label className="text-sm text-slate-700">
            Image
            <input
              name="image"
              defaultValue={filters.image ?? ""}
              placeholder="part of the image name"
              className={selectClasses}
            />
          </label>
          <button type="submit" className={buttonClasses("secondary")}>
            Filter
          </button>
        </form>
        {builds.length === 0 ? (
          <EmptyState title="No builds">Start one with “Build” on a base image or code environment.</EmptyState>
        ) : (
          <Table label="Image builds">
            <thead>
              <tr>
                <Th>Build</Th>
                <Th>Status</Th>
                <Th>Of</Th>
                <Th>Image</Th>
                <Th>Built on</Th>
                <Th>Started by</Th>
                <Th>Duration</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {builds.map((build) => (
                <tr key={build.id}>
                  <Td>
                    <Link href={`/image-builds/${build.id}`} className="font-medium text-brand-600 hover:underline">
                      #{build.id}
                    </Link>
                    <p className="whitespace-nowrap text-xs text-slate-500">{formatDateTime(build.queuedAt)}</p>
                  </Td>
                  <Td>
                    <BuildStatusBadge status={build.status} />
                  </Td>
                  <Td className="text-sm">
                    {build.kind === "code-env"
                      ? `code env ${build.codeEnv ?? "(deleted)"}`
                      : `base image ${build.baseImage ?? "(deleted)"}`}
                  </Td>
                  <Td className="font-mono text-xs">{build.image}</Td>
                  <Td>{build.dockerHost ? `Docker host ${build.dockerHost}` : (build.cluster ?? "—")}</Td>
                  <Td>{build.startedBy ?? "—"}</Td>
                  <Td>{formatDuration(build.durationMs)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </>
  );
}
