import { formatClock } from "./format";

/** Whether Berth's watch of a cluster is current, as the stream routes send it. */
export interface ClusterWatch {
  clusterId: number;
  stale: boolean;
  staleSince: string | null;
  error: string | null;
}

/** "Stale since …": the cluster cannot be reached, so what the page shows may be out of date. */
export function StaleBanner({ cluster, watch }: { cluster: string; watch: ClusterWatch | null | undefined }) {
  // A watch that fails without going stale lacks a permission ("Berth's account may not …"): not an outage.
  if (!watch?.stale && watch?.error) {
    return (
      <p
        role="status"
        aria-label="Missing permission"
        className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
      >
        On cluster {cluster}: {watch.error}
      </p>
    );
  }
  if (!watch?.stale) return null;
  return (
    <p
      role="status"
      aria-label="Stale"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <span className="font-semibold">
        Stale since {watch.staleSince ? formatClock(watch.staleSince) : "a moment ago"}:
      </span>{" "}
      Berth cannot reach the cluster {cluster}
      {watch.error ? ` (${watch.error.replace(/\.$/, "")})` : ""}. This shows the last known state and updates by itself
      when the cluster answers again.
    </p>
  );
}
