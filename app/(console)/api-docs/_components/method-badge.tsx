const TONES: Record<string, string> = {
  get: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  post: "bg-brand-50 text-brand-700 ring-brand-100",
  put: "bg-amber-50 text-amber-800 ring-amber-200",
  patch: "bg-amber-50 text-amber-800 ring-amber-200",
  delete: "bg-red-50 text-red-700 ring-red-200",
};

/** An HTTP method as a small coloured label. */
export function MethodBadge({ method }: { method: string }) {
  return (
    <span
      className={`inline-block w-14 rounded px-1.5 py-0.5 text-center font-mono text-xs font-semibold uppercase ring-1 ring-inset ${TONES[method] ?? ""}`}
    >
      {method}
    </span>
  );
}
