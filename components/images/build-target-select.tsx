"use client";

/** The cluster value of the select: builds go to the image's build cluster unless a Docker host is chosen. */
export const CLUSTER_TARGET = "";

/**
 * Where a build runs: the cluster (the default) or one of the Docker hosts the person may use.
 * Renders nothing when there is no such host, so the button reads as before.
 */
export function BuildTargetSelect({
  dockerHosts,
  value,
  onChange,
  disabled,
}: {
  dockerHosts: string[];
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  if (!dockerHosts.length) return null;
  return (
    <label className="inline-flex items-center gap-2 text-sm text-slate-700">
      Build on
      <select
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.currentTarget.value)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
      >
        <option value={CLUSTER_TARGET}>the cluster</option>
        {dockerHosts.map((host) => (
          <option key={host} value={host}>
            Docker host {host}
          </option>
        ))}
      </select>
    </label>
  );
}
