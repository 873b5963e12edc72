/**
 * Namespace patterns. A pattern is a glob by default (`berth-*`, `team-?`), as people write names
 * with wildcards in kubectl, Headlamp and shells; a regular expression needs the explicit prefix
 * `re:` (`re:^ml-(a|b)$`). Either must match the whole namespace name.
 */
export const REGEX_PREFIX = "re:";

/** What a glob may hold: the characters of a namespace name plus `*` and `?`. */
const GLOB = /^[a-z0-9*?-]+$/;

/** Whether the pattern is a regular expression (written with the `re:` prefix). */
export const isRegexPattern = (pattern: string) => pattern.startsWith(REGEX_PREFIX);

function globRegExp(glob: string): RegExp {
  // Only `-` among the allowed characters needs no escape outside a class; `*` and `?` are the wildcards.
  return new RegExp(`^${glob.replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** The pattern as a RegExp that must match the whole name; throws on a pattern that is not valid. */
export function patternRegExp(pattern: string): RegExp {
  if (isRegexPattern(pattern)) return new RegExp(`^(?:${pattern.slice(REGEX_PREFIX.length)})$`);
  if (!GLOB.test(pattern)) throw new Error(patternProblem(pattern) ?? "Not a valid pattern");
  return globRegExp(pattern);
}

/** Why a pattern cannot be used, in words; undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  if (isRegexPattern(pattern)) {
    const body = pattern.slice(REGEX_PREFIX.length);
    if (!body.trim()) return "Write a regular expression after re:";
    try {
      // The expression as written first, so the message quotes it rather than Berth's anchors.
      new RegExp(body);
      new RegExp(`^(?:${body})$`);
      return undefined;
    } catch (error) {
      return `Not a valid regular expression: ${(error as Error).message}`;
    }
  }
  if (GLOB.test(pattern)) return undefined;
  // A namespace name never holds these, so the author most likely meant a regular expression.
  return `A pattern uses lowercase letters, digits, '-', '*' (any characters) and '?' (one character), e.g. berth-*. For a regular expression write re: first, e.g. re:${pattern}`;
}

/** Whether a pattern matches the whole namespace name; a pattern that is not valid matches nothing. */
export function matchesPattern(pattern: string, namespace: string): boolean {
  try {
    return patternRegExp(pattern).test(namespace);
  } catch {
    return false;
  }
}

/** What a pattern matches among a cluster's namespace names, or why it cannot match anything. */
export function previewPattern(pattern: string, namespaces: string[]): { problem: string } | { matches: string[] } {
  const trimmed = pattern.trim();
  if (!trimmed) return { problem: "Write a pattern, e.g. berth-*" };
  const problem = patternProblem(trimmed);
  if (problem) return { problem };
  return { matches: namespaces.filter((name) => matchesPattern(trimmed, name)) };
}
