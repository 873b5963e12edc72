"use client";

import { useRef, useState, useTransition, type ReactNode } from "react";

import { Button, type ButtonVariant } from "./button";

/**
 * A button that asks before a destructive action. `onConfirm` is a server action; its refusal
 * (`{ ok: false, error }`) is shown in the dialog.
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  variant = "danger",
  size = "sm",
}: {
  label: string;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<{ ok: boolean; error?: string } | void>;
  variant?: ButtonVariant;
  size?: "sm" | "md";
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function confirm() {
    startTransition(async () => {
      const result = await onConfirm();
      if (result && !result.ok) setError(result.error ?? "That did not work");
      else dialogRef.current?.close();
    });
  }

  return (
    <>
      <Button variant={variant} size={size} onClick={() => (setError(null), dialogRef.current?.showModal())}>
        {label}
      </Button>
      <dialog
        ref={dialogRef}
        aria-label={title}
        className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="p-5">
          <h2 className="text-base font-semibold text-slate-900">{title}</h2>
          {children && <div className="mt-2 text-sm text-slate-600">{children}</div>}
          {error && (
            <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </p>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => dialogRef.current?.close()}>
              Cancel
            </Button>
            <Button variant="danger" onClick={confirm} disabled={pending}>
              {pending ? "Working…" : confirmLabel}
            </Button>
          </div>
        </div>
      </dialog>
    </>
  );
}
