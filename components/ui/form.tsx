"use client";

import {
  createContext,
  startTransition,
  useActionState,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
} from "react";

import { Button, type ButtonVariant } from "./button";

/** What a form's server action answers (structurally the same as a mutation Result). */
export type FormState =
  { ok: true; data?: unknown } | { ok: false; error: string; fieldErrors?: Record<string, string[]> } | null;

export type FormAction = (previous: FormState, formData: FormData) => Promise<FormState>;

const NONE: ReadonlySet<string> = new Set();

const FormStateContext = createContext<{ state: FormState; pending: boolean; edited: ReadonlySet<string> }>({
  state: null,
  pending: false,
  edited: NONE,
});

/** Errors of one field from the last submission, each once; none once the field is edited again. */
export function useFieldErrors(name: string): string[] | undefined {
  const { state, edited } = useContext(FormStateContext);
  const errors = state && !state.ok && !edited.has(name) ? state.fieldErrors?.[name] : undefined;
  return errors?.length ? [...new Set(errors)] : undefined;
}

/** Classes of a file input, so its button looks like the console's other buttons. */
export const fileInputClasses =
  "block text-sm text-slate-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-700 file:shadow-sm hover:file:bg-slate-50";

/**
 * A form bound to a server action. Submitting keeps what the user typed when the action refuses
 * it (React would otherwise reset the form), shows every field error beside its field until that
 * field is edited, confirms a success ("Saved." unless `success` says more) until the form is
 * edited again, and resets the form after a success.
 */
export function ActionForm({
  action,
  label,
  submitLabel,
  submitVariant = "primary",
  success,
  resetOnSuccess = true,
  className = "space-y-4",
  children,
}: {
  action: FormAction;
  label: string;
  submitLabel: string;
  submitVariant?: ButtonVariant;
  success?: (data: unknown) => ReactNode;
  resetOnSuccess?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  // Fields edited since the last answer: their errors describe a value that is gone.
  const [editedSince, setEditedSince] = useState<{ state: FormState; fields: ReadonlySet<string> }>({
    state: null,
    fields: NONE,
  });
  const edited = editedSince.state === state ? editedSince.fields : NONE;
  // A success edited since no longer describes the form: "Saved." beside unsaved changes would mislead.
  const [successEdited, setSuccessEdited] = useState<FormState>(null);

  useEffect(() => {
    if (state?.ok && resetOnSuccess) formRef.current?.reset();
  }, [state, resetOnSuccess]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  }

  function onEdit(event: FormEvent<HTMLFormElement>) {
    if (state?.ok && successEdited !== state) setSuccessEdited(state);
    const name = (event.target as { name?: unknown }).name;
    if (typeof name !== "string" || !state || state.ok || !state.fieldErrors?.[name] || edited.has(name)) return;
    setEditedSince({ state, fields: new Set([...edited, name]) });
  }

  const fieldErrors = state && !state.ok ? Object.entries(state.fieldErrors ?? {}) : [];
  const formErrors = [...new Set(fieldErrors.find(([field]) => field === "_form")?.[1] ?? [])].filter(
    (message) => state && !state.ok && message !== state.error,
  );
  // Once every field named in the refusal has been edited, the refusal no longer describes the form.
  const allEdited =
    fieldErrors.length > 0 &&
    formErrors.length === 0 &&
    fieldErrors.every(([field]) => field === "_form" || edited.has(field));
  return (
    <FormStateContext value={{ state, pending, edited }}>
      <form
        ref={formRef}
        aria-label={label}
        onSubmit={onSubmit}
        onInput={onEdit}
        onChange={onEdit}
        noValidate
        className={className}
      >
        {state && !state.ok && !allEdited && (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <p className="font-medium">{state.error}</p>
            {formErrors.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        )}
        {state?.ok && successEdited !== state && (
          <div
            role="status"
            className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
          >
            {success ? success(state.data) : "Saved."}
          </div>
        )}
        {children}
        <Button type="submit" variant={submitVariant} disabled={pending}>
          {pending ? "Working…" : submitLabel}
        </Button>
      </form>
    </FormStateContext>
  );
}

function FieldShell({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1">{children}</div>
      {hint && !errors && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors && (
        <ul id={`${id}-errors`} className="mt-1 space-y-0.5 text-xs text-red-700">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

const controlClasses = (invalid: boolean) =>
  `block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-2 ${
    invalid ? "border-red-400 focus:ring-red-300" : "border-slate-300 focus:border-brand-500 focus:ring-brand-100"
  }`;

export function Field({
  name,
  label,
  hint,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { name: string; label: string; hint?: ReactNode }) {
  const id = useId();
  const errors = useFieldErrors(name);
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <input
        id={id}
        name={name}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-errors` : hint ? `${id}-hint` : undefined}
        className={controlClasses(Boolean(errors))}
        {...props}
      />
    </FieldShell>
  );
}

export function SelectField({
  name,
  label,
  hint,
  options,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & {
  name: string;
  label: string;
  hint?: ReactNode;
  options: { value: string; label: string }[];
}) {
  const id = useId();
  const errors = useFieldErrors(name);
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <select
        id={id}
        name={name}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-errors` : undefined}
        className={controlClasses(Boolean(errors))}
        {...props}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** Several checkboxes sharing one name; submits every checked value. */
export function CheckboxGroup({
  name,
  label,
  options,
  defaultChecked = [],
}: {
  name: string;
  label: string;
  options: string[];
  defaultChecked?: string[];
}) {
  const errors = useFieldErrors(name);
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-800">{label}</legend>
      {options.length === 0 && <p className="mt-1 text-xs text-slate-500">None yet.</p>}
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((option) => (
          <label key={option} className="flex items-center gap-1.5 text-sm text-slate-700">
            <input
              type="checkbox"
              name={name}
              value={option}
              defaultChecked={defaultChecked.includes(option)}
              className="rounded border-slate-300"
            />
            {option}
          </label>
        ))}
      </div>
      {errors && (
        <ul className="mt-1 space-y-0.5 text-xs text-red-700">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
