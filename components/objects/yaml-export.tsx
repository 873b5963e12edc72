import { buttonClasses } from "@/components/ui/button";

/**
 * An object's YAML document (from `GET /api/v1/<area>/{name}/yaml`) shown inline, with a
 * download link to the same endpoint, so what is shown is exactly what an import accepts.
 */
export function YamlExport({ yaml, href, filename }: { yaml: string; href: string; filename: string }) {
  return (
    <div className="space-y-2">
      <pre
        aria-label="YAML document"
        className="max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
      >
        {yaml}
      </pre>
      <a href={href} download={filename} className={buttonClasses("secondary", "sm")}>
        Download YAML
      </a>
    </div>
  );
}
