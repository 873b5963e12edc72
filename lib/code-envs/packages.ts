/** Pure: the package entries of a code env, pip requirements (PEP 508) or R packages, and their checks. */
const PY_NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const PY_REQUIREMENT = new RegExp(`^(${PY_NAME})\\s*(?:\\[([^\\]]*)\\])?\\s*(.*)$`);
const PEP440_VERSION =
  /^v?(\d+!)?\d+(\.\d+)*([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?([-_.]?(post|rev|r)[-_.]?\d*)?([-_.]?dev[-_.]?\d*)?(\+[a-z0-9]+([-_.][a-z0-9]+)*)?$/i;
const SPECIFIER = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/;

/** PEP 503 normalised project name: "Scikit_Learn" and "scikit-learn" are the same package. */
export const normalizePythonName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

function versionSpecifierProblem(spec: string): string | undefined {
  const match = SPECIFIER.exec(spec);
  if (!match) {
    if (/^=(?!=)\s*\S/.test(spec)) return "use == for an exact version";
    return `"${spec}" is not a version specifier: use ==, !=, >=, <=, >, <, ~= or === followed by a version`;
  }
  const [, operator, version] = match;
  if (operator === "===") return undefined;
  const wildcard = version.endsWith(".*");
  if (wildcard && operator !== "==" && operator !== "!=") return `a .* wildcard works only with == and != (${spec})`;
  const bare = wildcard ? version.slice(0, -2) : version;
  if (!PEP440_VERSION.test(bare)) return `"${version}" is not a valid version (PEP 440), such as 1.2, 2.0.1 or 1.0rc1`;
  if (operator === "~=" && !/^v?(\d+!)?\d+\.\d+/.test(bare))
    return `~= needs at least two version parts, such as ~=1.4 (${spec})`;
  return undefined;
}

/** Why a pip requirement (`name[extras]==1.2,>=1 ; marker` or `name @ https://…`) is invalid, or undefined. */
export function pythonRequirementProblem(text: string): string | undefined {
  if (text.startsWith("-"))
    return `"${text}": pip options (-r, --index-url, -e …) are not accepted here; list one requirement per entry`;
  if (/^(\.|\/|~|file:)/i.test(text))
    return `"${text}": local paths cannot be installed into an image; publish the package to an index or give a URL`;
  if (/[\\`$]/.test(text)) return `"${text}" must not contain \\, \` or $`;
  if (text.length > 500) return "A requirement must be at most 500 characters";
  const semicolon = text.indexOf(";");
  const requirement = (semicolon >= 0 ? text.slice(0, semicolon) : text).trim();
  const marker = semicolon >= 0 ? text.slice(semicolon + 1).trim() : null;
  if (
    marker !== null &&
    (marker === "" ||
      !/^[\w\s.<>=!~'"(),*+-]+$/.test(marker) ||
      (marker.split('"').length - 1) % 2 ||
      (marker.split("'").length - 1) % 2)
  ) {
    return `"${text}": the environment marker after ';' is not valid, such as python_version < "3.11"`;
  }
  const match = PY_REQUIREMENT.exec(requirement);
  if (!match) return `"${text}" does not start with a package name (letters, digits, '.', '_', '-')`;
  const [, , extras, rest] = match;
  if (extras !== undefined && !extras.split(",").every((extra) => new RegExp(`^\\s*${PY_NAME}\\s*$`).test(extra))) {
    return `"${text}": extras must be names in [brackets] separated by commas, such as pandas[excel,parquet]`;
  }
  if (rest.startsWith("@")) {
    return /^@\s*(https?|git\+https|git\+ssh):\/\/\S+$/.test(rest)
      ? undefined
      : `"${text}": after @ give an https:// or git+https:// URL`;
  }
  if (rest === "") return undefined;
  const specifiers = rest.startsWith("(") && rest.endsWith(")") ? rest.slice(1, -1) : rest;
  for (const spec of specifiers.split(",")) {
    const problem = versionSpecifierProblem(spec.trim());
    if (problem === "use == for an exact version")
      return `"${text}": use == for an exact version (${text.replace(/([^=!<>~])=(?!=)/, "$1==")})`;
    if (problem) return `"${text}": ${problem}`;
  }
  return undefined;
}

/** The project name of a valid pip requirement. */
export const pythonRequirementName = (text: string) => PY_REQUIREMENT.exec(text)?.[1] ?? text;

const R_PACKAGE = /^([A-Za-z][A-Za-z0-9.]*[A-Za-z0-9])(?:\s*>=\s*([0-9]+(?:[.-][0-9]+)*))?$/;

/** An R package with an optional minimum version, as DSS writes them: `dplyr` or `dplyr>=1.1.0`. */
export function parseRPackage(text: string): { name: string; minVersion: string | null } | null {
  const match = R_PACKAGE.exec(text);
  return match ? { name: match[1], minVersion: match[2] ?? null } : null;
}

/** Why an R package entry is invalid, or undefined. */
export function rPackageProblem(text: string): string | undefined {
  if (parseRPackage(text)) return undefined;
  if (/^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]\s*>=/.test(text))
    return `"${text}": the minimum version must be numbers separated by '.' or '-', such as 1.3-1`;
  if (/^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]\s*(==|<=|<|>|=)/.test(text))
    return `"${text}": R packages take only a minimum version (name>=1.2.0); CRAN installs its latest release`;
  return `"${text}" is not an R package name: letters, digits and '.', starting with a letter, optionally >=version`;
}

/** Splits requirements.txt-style text into entries: one per line, blank lines and # comments dropped. */
export function parsePackageLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter(Boolean);
}
