// Parsed against a placeholder origin so that "is it still this origin?" is a question the URL
// parser answers, exactly as the browser will when it follows the path.
const PLACEHOLDER = "http://berth.invalid";

/**
 * Where to send a user after sign-in: `target` reduced to a path on the console, or "/" when it
 * would leave it. Absolute URLs are kept only when their origin is one of `consoleOrigins`.
 * Browsers read "/\host" and "//host" (even with tabs or newlines inside) as another host, so
 * the answer is what the URL parser makes of the target, never the raw text.
 */
export function safeCallbackPath(target: string | null | undefined, consoleOrigins: readonly string[] = []): string {
  if (!target) return "/";
  let url: URL;
  try {
    url = new URL(target, PLACEHOLDER);
  } catch {
    return "/";
  }
  const allowed =
    url.origin === PLACEHOLDER
      ? /^[/\\]/.test(target.trim())
      : consoleOrigins.some((origin) => sameOrigin(origin, url.origin));
  if (!allowed) return "/";
  // A path of "//host" would itself read as another host when followed: keep one slash.
  return `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
}

function sameOrigin(a: string, b: string) {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * Where the browser goes after signing out: the sign-in page under NEXTAUTH_URL when it is set,
 * else a path, which the browser resolves against the host it is on. next-auth's own sign-out
 * redirect is absolute, built from NEXTAUTH_URL or else http://localhost:3000, whatever host the
 * console was reached on.
 */
export function signOutTarget(nextauthUrl: string | undefined): string {
  if (!nextauthUrl) return "/sign-in";
  try {
    const base = new URL(nextauthUrl);
    if (base.protocol !== "http:" && base.protocol !== "https:") return "/sign-in";
    return new URL("sign-in", base.href.endsWith("/") ? base.href : `${base.href}/`).href;
  } catch {
    return "/sign-in";
  }
}
