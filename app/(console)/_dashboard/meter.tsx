/** A horizontal bar of `value` out of `max` with an accessible meter role; amber/red when nearly or over full. */
export function Meter({
  label,
  value,
  max,
  text,
  warnAt = 0.9,
}: {
  label: string;
  value: number;
  max: number;
  text: string;
  warnAt?: number;
}) {
  const ratio = max > 0 ? value / max : value > 0 ? 1 : 0;
  const color = ratio > 1 ? "bg-red-500" : ratio >= warnAt ? "bg-amber-500" : "bg-brand-500";
  return (
    <div className="flex items-center gap-3">
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
        aria-valuetext={text}
        className="h-2.5 min-w-24 flex-1 overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={`h-full rounded-full ${color} transition-[width] duration-300`}
          style={{ width: `${Math.min(100, Math.round(ratio * 100))}%` }}
        />
      </div>
      <span className="w-32 shrink-0 text-right text-xs tabular-nums text-slate-600">{text}</span>
    </div>
  );
}
