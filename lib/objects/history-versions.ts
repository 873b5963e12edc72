/** An audit row as far as version numbers go. */
export interface VersionedEvent {
  id: number;
  action: string;
  after: Record<string, unknown> | null;
}

/**
 * The version number each version-saving audit row saved, by audit id. A body that records its
 * `version` gives it; otherwise versions are counted in order, from 1 at creation, as every save
 * (create, update, restore, import) adds one. `events` may come in any order.
 */
export function versionNumbers(
  events: VersionedEvent[],
  savesVersion: (action: string) => boolean,
): Map<number, number> {
  const versions = new Map<number, number>();
  let version = 0;
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    if (!event.after || !savesVersion(event.action)) continue;
    const recorded = event.after.version;
    version = typeof recorded === "number" && Number.isInteger(recorded) && recorded > 0 ? recorded : version + 1;
    versions.set(event.id, version);
  }
  return versions;
}

/** "restored from version 3" for a restore row (its body names the audit row it restored), else null. */
export function restoredFromText(after: Record<string, unknown> | null, versions: Map<number, number>): string | null {
  const source = after?.restoredFrom;
  if (typeof source !== "number") return null;
  const version = versions.get(source);
  return version ? `restored from version ${version}` : "restored from an earlier version";
}
