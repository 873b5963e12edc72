"use client";

import { useId, type TextareaHTMLAttributes } from "react";

import { useFieldErrors } from "@/components/ui/form";

/** A multi-line field inside an ActionForm (YAML, key=value lines) with its errors. */
export function TextareaField({
  name,
  label,
  hint,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string; label: string; hint?: string }) {
  const id = useId();
  const all = useFieldErrors(name) ?? [];
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={4}
        spellCheck={false}
        aria-invalid={all.length ? true : undefined}
        aria-describedby={all.length ? `${id}-errors` : hint ? `${id}-hint` : undefined}
        className={`mt-1 block w-full rounded-md border bg-white px-3 py-2 font-mono text-xs shadow-sm focus:outline-none focus:ring-2 ${
          all.length
            ? "border-red-400 focus:ring-red-300"
            : "border-slate-300 focus:border-brand-500 focus:ring-brand-100"
        }`}
        {...props}
      />
      {hint && all.length === 0 && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {all.length > 0 && (
        <ul id={`${id}-errors`} className="mt-1 space-y-0.5 text-xs text-red-700">
          {all.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
