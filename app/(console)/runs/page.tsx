import type { Metadata } from "next";
import Link from "next/link";

import type { RunFilters } from "@/components/runs/runs-cache";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/lib/auth/session";
import { listClusters } from "@/lib/clusters/queries";
import { can } from "@/lib/permissions";
import { listProjectsFor } from "@/lib/projects/queries";
import { ACTIVITY_LABELS, ACTIVITY_TYPES } from "@/lib/resolution/activities";
import { clusterWatches } from "@/lib/runs/live";
import { listRunsFor } from "@/lib/runs/queries";
import { listRunsQuerySchema, RUN_STATUSES } from "@/lib/runs/schema";

import { LiveRuns } from "./_components/live-runs";

export const metadata: Metadata = { title: "Runs" };

// One height for selects, the text input and the buttons, so the filter row lines up.
const controlClasses = "mt-1 block h-9 rounded-md border border-slate-300 bg-white px-3 text-sm shadow-sm";
const labelClasses = "block text-sm text-slate-700";

function FilterSelect({
  name,
  label,
  value,
  options,
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
}) {
  return (
    <label className={labelClasses}>
      {label}
      <select name={name} defaultValue={value ?? ""} className={controlClasses}>
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export default async function RunsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  const query = await searchParams;
  const given = Object.fromEntries(
    Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""),
  );
  const parsed = listRunsQuerySchema.safeParse(given);
  const invalid = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  const { limit, ...filters }: { limit: number } & RunFilters = parsed.success ? parsed.data : { limit: 100 };
  const runs = listRunsFor(actor, { ...filters, limit });
  const projects = listProjectsFor(actor);
  const mayRun = projects.some((project) => can(actor, "projects.contribute", { project: project.id }));
  const clusters = listClusters();
  // Clusters whose runs Berth follows, with whether that watch is current (for "stale since").
  const watches = clusterWatches(clusters.map((cluster) => cluster.id));
  return (
    <>
      <PageHeader
        title="Runs"
        description="Recipes, notebooks, Spark jobs and ML tasks submitted through Berth, newest first. Statuses update live from the cluster."
        actions={
          mayRun ? (
            <Link href="/runs/new" className={buttonClasses("primary")}>
              New run
            </Link>
          ) : undefined
        }
      />
      <div className="space-y-4">
        <form role="search" aria-label="Filter runs" className="flex flex-wrap items-end gap-3" method="get">
          <FilterSelect
            name="status"
            label="Status"
            value={filters.status}
            options={RUN_STATUSES.map((status) => ({ value: status, label: status }))}
          />
          <FilterSelect
            name="project"
            label="Project"
            value={filters.project}
            options={projects.map((project) => ({ value: project.key, label: project.key }))}
          />
          <label className={labelClasses}>
            User
            <input
              name="user"
              defaultValue={filters.user ?? ""}
              placeholder="username"
              className={`${controlClasses} w-36`}
            />
          </label>
          <FilterSelect
            name="activity"
            label="Activity"
            value={filters.activity}
            options={ACTIVITY_TYPES.map((activity) => ({ value: activity, label: ACTIVITY_LABELS[activity] }))}
          />
          <FilterSelect
            name="cluster"
            label="Cluster"
            value={filters.cluster}
            options={clusters.map((cluster) => ({ value: cluster.name, label: cluster.name }))}
          />
          <button type="submit" className={`${buttonClasses("secondary")} h-9`}>
            Filter
          </button>
          {Object.keys(given).length > 0 && (
            <Link
              href="/runs"
              className="inline-flex h-9 items-center text-sm font-medium text-brand-600 hover:underline"
            >
              Clear filters
            </Link>
          )}
        </form>
        {invalid.length > 0 && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            The filters were ignored: {invalid.join("; ")}
          </p>
        )}
        <LiveRuns
          initialRuns={runs}
          filters={filters}
          limit={limit}
          clusters={Object.fromEntries(clusters.map((cluster) => [cluster.id, cluster.name]))}
          initialWatches={watches}
        />
      </div>
    </>
  );
}
