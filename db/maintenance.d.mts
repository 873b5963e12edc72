import type Database from "better-sqlite3";

export const DATABASE_FILE: string;

export interface JournalEntry {
  tag: string;
  when: number;
}

export interface SchemaVersion {
  applied: number;
  latest: { tag: string | null; when: number; hash: string } | null;
  newer: boolean;
}

export interface DatabaseSummary {
  file: string;
  bytes: number;
  version: SchemaVersion;
  counts: Record<string, number>;
}

export interface RestoreSummary extends DatabaseSummary {
  keptAside: string | null;
  unreadableSecrets: string[];
  keySource: string | null;
}

export function readJournal(migrationsDir: string): JournalEntry[];
export function schemaVersion(sqlite: Database.Database, journal: JournalEntry[]): SchemaVersion;
export function describeSchemaVersion(version: SchemaVersion): string;
export class NewerDatabaseError extends Error {}
export function refuseNewerDatabase(sqlite: Database.Database, migrationsDir: string, subject?: string): void;
export function rowCounts(sqlite: Database.Database): Record<string, number>;
export function integrityProblems(sqlite: Database.Database): string[];
export function isBerthDatabase(sqlite: Database.Database): boolean;
export function backupDatabase(options: {
  dataDir: string;
  target: string;
  force?: boolean;
  migrationsDir: string;
}): DatabaseSummary;
export class DatabaseInUseError extends Error {}
export function openExclusively(file: string): Database.Database;
export function secretKeyFor(
  dataDir: string,
  secretKeySetting: string | undefined,
): { key: Buffer; source: string } | null;
export function storedSecrets(sqlite: Database.Database): { what: string; sealed: string }[];
export function keyOpens(key: Buffer, sealed: string): boolean;
export function unreadableSecrets(sqlite: Database.Database, opens: (sealed: string) => boolean): string[];
export function asideName(now: Date): string;
export function restoreDatabase(options: {
  dataDir: string;
  backup: string;
  migrationsDir: string;
  secretKeySetting?: string;
  now?: Date;
}): RestoreSummary;
