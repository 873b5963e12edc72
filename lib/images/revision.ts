/** Where a base image stands against its current revision (the build marked current). */
export type RevisionState = "never-built" | "up-to-date" | "rebuild-needed";

/**
 * "rebuild-needed" when an input changed since the current revision was built (its inputs hash
 * differs from the spec's now); "never-built" when no build is current yet.
 */
export function revisionState(currentInputsHash: string, currentBuild: { inputsHash: string } | null): RevisionState {
  if (!currentBuild) return "never-built";
  return currentBuild.inputsHash === currentInputsHash ? "up-to-date" : "rebuild-needed";
}

/** A duration for people: "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
