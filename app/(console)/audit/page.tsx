import type { Metadata } from "next";
import Link from "next/link";

import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { auditObjectTypes, listAuditEvents } from "@/lib/audit/queries";
import { auditQuerySchema } from "@/lib/audit/schema";
import { requirePermission } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/queries";
import { fieldErrorsFrom } from "@/lib/validation";

import { AuditTable } from "./_components/audit-table";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;
const FILTER_LABELS = {
  user: "User",
  objectType: "Object type",
  objectId: "Object",
  from: "From",
  to: "To",
  before: "Older than",
};
function FilterLabel({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      {children}
    </div>
  );
}

const inputClasses = "mt-1 block rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePermission("audit.read");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "",
    ),
  );
  const parsed = auditQuerySchema.safeParse({ ...raw, limit: PAGE_SIZE });
  const events = parsed.success ? listAuditEvents(parsed.data) : [];
  const errors = parsed.success ? {} : fieldErrorsFrom(parsed.error);
  const older =
    events.length === PAGE_SIZE ? new URLSearchParams({ ...raw, before: String(events[events.length - 1].id) }) : null;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made in Berth, through the console or the API: who, when, what, and the values before and after (secrets redacted)."
      />
      <form
        method="get"
        aria-label="Filter audit events"
        className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      >
        <FilterLabel id="audit-user" label="User">
          <select id="audit-user" name="user" defaultValue={raw.user ?? ""} className={inputClasses}>
            <option value="">Anyone</option>
            <option value="system">system</option>
            {listUsers().map((user) => (
              <option key={user.id} value={user.username}>
                {user.username}
              </option>
            ))}
          </select>
        </FilterLabel>
        <FilterLabel id="audit-object-type" label="Object type">
          <select id="audit-object-type" name="objectType" defaultValue={raw.objectType ?? ""} className={inputClasses}>
            <option value="">Any</option>
            {auditObjectTypes().map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </FilterLabel>
        <FilterLabel id="audit-from" label="From">
          <input id="audit-from" type="date" name="from" defaultValue={raw.from ?? ""} className={inputClasses} />
        </FilterLabel>
        <FilterLabel id="audit-to" label="To">
          <input id="audit-to" type="date" name="to" defaultValue={raw.to ?? ""} className={inputClasses} />
        </FilterLabel>
        <button type="submit" className={buttonClasses("secondary")}>
          Filter
        </button>
        <Link href="/audit" className="pb-2 text-xs text-slate-500 hover:underline">
          Clear
        </Link>
      </form>
      {!parsed.success && (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {(foldFieldErrors(errors, [], FILTER_LABELS)?._form ?? []).join(" · ")}
        </p>
      )}
      {events.length === 0 ? <EmptyState title="No events match these filters" /> : <AuditTable events={events} />}
      {older && (
        <Link href={`/audit?${older}`} className={`${buttonClasses("secondary")} mt-4`}>
          Older events
        </Link>
      )}
    </>
  );
}
