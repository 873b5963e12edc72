import { formatFieldValue, type FieldChange } from "@/lib/audit/diff";

/** A compact before → after list of changed fields. */
export function FieldChanges({ changes, label }: { changes: FieldChange[]; label: string }) {
  if (changes.length === 0) return <p className="text-xs text-slate-500">No field changed.</p>;
  return (
    <dl aria-label={label} className="space-y-0.5 text-xs">
      {changes.map((change) => (
        <div key={change.field} className="flex flex-wrap gap-x-2">
          <dt className="font-mono text-slate-600">{change.field}</dt>
          <dd className="font-mono break-all">
            {"before" in change && (
              <span className="text-red-700 line-through decoration-red-300">{formatFieldValue(change.before)}</span>
            )}
            {"before" in change && "after" in change && <span className="text-slate-400"> → </span>}
            {"after" in change && <span className="text-emerald-700">{formatFieldValue(change.after)}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
