/**
 * The one check for "send the browser back to this path" (the OAuth callback's `returnTo`, the sign-in
 * page's `?returnTo=`). It has no imports: the admin UI uses this same file.
 *
 * Why the result is checked after normalisation, not the raw text: browsers and the WHATWG URL parser
 * rewrite a path before using it — tabs and newlines are dropped, `.`/`..` and `%2e%2e` segments are
 * resolved — so `/.//evil.example/x`, `/a/..//evil.example` or `/\t/evil.example` all become
 * `//evil.example/…`, which a `Location` header sends to another host. Only the normalised form says
 * where the browser goes, so that is what is validated and what is returned.
 */

/** Any base works: only whether the value stays on it matters. */
const BASE = 'http://linkyard.invalid';

/** Paths that are not pages of the admin UI (the JSON API, the API reference). */
const NOT_PAGES = /^\/(?:api|docs|openapi\.json)(?:[/?#]|$)/i;

/**
 * The normalised same-origin admin UI path (`/orgs/…?x=1#y`) that `value` leads to, or null when it would
 * leave this site, is not a page, or carries characters a browser would silently drop or a header cannot hold.
 */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value === '' || value.length > 2000) return null;
  // Whitespace, control characters and backslashes have no business in a path we issued; browsers strip or
  // reinterpret them (`\` as `/`), and CR/LF cannot go into a Location header at all.
  if (!value.startsWith('/') || /[\\\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const normalised = `${url.pathname}${url.search}${url.hash}`;
  // A normalised path starting with `//` (or `/\`) is read by browsers as another host.
  if (!normalised.startsWith('/') || normalised.startsWith('//') || normalised.startsWith('/\\')) return null;
  if (NOT_PAGES.test(normalised)) return null;
  return normalised;
}

/** Adds one query parameter to a same-origin path, keeping its other parameters and fragment; `fallback` when the path is not safe. */
export function withQueryParam(path: string, key: string, value: string, fallback = '/'): string {
  const safe = safeReturnPath(path) ?? fallback;
  const url = new URL(safe, BASE);
  url.searchParams.set(key, value);
  return `${url.pathname}${url.search}${url.hash}`;
}
