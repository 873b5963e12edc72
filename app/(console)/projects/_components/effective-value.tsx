import { describeOrigin, type EffectiveValue } from "@/lib/resolution/resolve";

/** "gpu-prod — from project setting", or the error in red where the value is unusable. */
export function EffectiveValueText({ effective, optional = false }: { effective: EffectiveValue; optional?: boolean }) {
  if (!effective.value && !effective.error) return <span className="text-slate-400">{optional ? "not used" : "not set"}</span>;
  return (
    <span className="block">
      {effective.value && (
        <span>
          <span className="font-medium text-slate-900">{effective.value}</span>
          <span className="text-slate-500"> — {describeOrigin(effective)}</span>
        </span>
      )}
      {effective.error && <span className="block text-xs font-medium text-red-700">{effective.error}</span>}
    </span>
  );
}
