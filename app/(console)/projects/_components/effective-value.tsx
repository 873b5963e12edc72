import { describeOrigin, type EffectiveValue } from "@/lib/resolution/resolve";

/** "gpu-prod — from project setting", or the error in red where the value is unusable; muted when the activity does not use it. */
export function EffectiveValueText({ effective }: { effective: EffectiveValue }) {
  if (!effective.value && !effective.error)
    return <span className="text-slate-400">{effective.unused ? "not used" : "not set"}</span>;
  return (
    <span className={`block ${effective.unused ? "opacity-60" : ""}`}>
      {effective.value && (
        <span>
          <span className="font-medium text-slate-900">{effective.value}</span>
          <span className="text-slate-500"> — {describeOrigin(effective)}</span>
          {effective.unused && <span className="block text-xs text-slate-500">not used by this activity</span>}
        </span>
      )}
      {effective.error && <span className="block text-xs font-medium text-red-700">{effective.error}</span>}
    </span>
  );
}
