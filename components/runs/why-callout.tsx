import type { RunStatus } from "@/lib/runs/schema";

import { explainRun } from "./explain";

/**
 * The prominent "why pending" / "why failed" box: a headline in plain words, the quota numbers
 * when a quota refused the run, what to do, and the cluster's own words underneath.
 */
export function WhyCallout({
  status,
  reason,
  exitCode,
}: {
  status: RunStatus;
  reason: string | null;
  exitCode: number | null;
}) {
  const explained = explainRun(status, reason, exitCode);
  if (!explained && !reason) return null;
  const failed = status === "failed" || status === "lost";
  const title = failed
    ? "Why it failed"
    : status === "pending"
      ? "Why it is pending"
      : status === "queued"
        ? "Why it is queued"
        : status === "aborted"
          ? "Why it stopped"
          : "While it runs";
  const tone = failed
    ? "border-red-200 bg-red-50 text-red-900"
    : status === "pending" || status === "queued"
      ? "border-amber-300 bg-amber-50 text-amber-950"
      : "border-slate-200 bg-white text-slate-800";
  return (
    <section aria-label={title} className={`rounded-lg border px-5 py-4 ${tone}`}>
      <p className="text-xs font-semibold uppercase tracking-wide opacity-70">{title}</p>
      <p className="mt-1 text-base font-semibold">{explained?.headline ?? reason}</p>
      {explained?.quota && (
        <table aria-label="Quota" className="mt-3 text-sm">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide opacity-70">
              <th className="pr-6 font-medium">Resource</th>
              <th className="pr-6 font-medium">This run asks</th>
              <th className="pr-6 font-medium">Already used</th>
              <th className="font-medium">Quota</th>
            </tr>
          </thead>
          <tbody>
            {explained.quota.map((figure) => (
              <tr key={figure.resource}>
                <td className="pr-6 font-mono text-xs">{figure.resource}</td>
                <td className="pr-6 font-semibold">{figure.requested}</td>
                <td className="pr-6">{figure.used}</td>
                <td>{figure.limited}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {explained && <p className="mt-2 text-sm">{explained.advice}</p>}
      {reason && explained && reason !== explained.headline && (
        <p className="mt-2 break-words font-mono text-xs opacity-80">
          <span className="sr-only">The cluster says: </span>
          {reason}
        </p>
      )}
    </section>
  );
}
