import { constraintsOf, fieldsOf, isNullable, typeLabel, type JsonSchema } from "@/lib/api/reference";

/** Nesting shown before a field's own fields are left to the raw document (a pod spec goes deep). */
const MAX_DEPTH = 4;

/** A JSON Schema as a list of fields: name, type, required, limits and description, nested objects indented. */
export function SchemaView({ schema, label, depth = 0 }: { schema: JsonSchema; label: string; depth?: number }) {
  const fields = fieldsOf(schema);
  if (!fields) {
    return (
      <p className="text-sm text-slate-700">
        <TypeText schema={schema} />
      </p>
    );
  }
  const entries = Object.entries(fields.properties);
  return (
    <div>
      {depth === 0 && typeLabel(schema).endsWith("[]") && <p className="mb-1 text-xs text-slate-500">A list of:</p>}
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">An object (any fields).</p>
      ) : (
        <ul aria-label={label} className={depth ? "mt-1 space-y-1 border-l border-slate-200 pl-3" : "space-y-1"}>
          {entries.map(([name, field]) => (
            <li key={name} className="text-sm">
              <code className="font-semibold text-slate-900">{name}</code> <TypeText schema={field} />
              {fields.required.includes(name) && (
                <span className="ml-1 text-xs font-medium text-red-700">required</span>
              )}
              {typeof field.description === "string" && <span className="text-slate-600"> — {field.description}</span>}
              {depth < MAX_DEPTH && fieldsOf(field) && (
                <SchemaView schema={field} label={`${label}: ${name}`} depth={depth + 1} />
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TypeText({ schema }: { schema: JsonSchema }) {
  const limits = constraintsOf(schema);
  return (
    <span className="text-xs text-slate-500">
      <span className="font-mono text-brand-700">{typeLabel(schema)}</span>
      {isNullable(schema) && " or null"}
      {limits.length > 0 && <> · {limits.join(" · ")}</>}
    </span>
  );
}
