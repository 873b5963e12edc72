import { buttonClasses } from "@/components/ui/button";

/** Chooses the code env whose image the preview pod runs; a plain GET form, so the choice is in the URL. */
export function PreviewCodeEnvPicker({ names, selected }: { names: string[]; selected?: string }) {
  if (names.length === 0) return null;
  return (
    <form method="get" className="mb-3 flex flex-wrap items-end gap-2" aria-label="Preview with a code env">
      <label className="text-sm text-slate-700">
        <span className="block font-medium text-slate-800">Code env</span>
        <select
          name="codeEnv"
          defaultValue={selected ?? ""}
          className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm"
        >
          <option value="">None: the config&apos;s image</option>
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={buttonClasses("secondary")}>
        Show preview
      </button>
    </form>
  );
}
