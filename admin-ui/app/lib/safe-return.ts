// The server's own return-path check (one rule for the sign-in page and the OAuth callback): it has no
// imports, so the UI uses the file itself rather than a copy that could drift.
import { safeReturnPath } from '../../../server/src/lib/return-path';

/** Where to send the browser after signing in: a normalised page path of this site, else `fallback`. */
export function safeReturnTo(value: string | null | undefined, fallback = '/'): string {
  return safeReturnPath(value) ?? fallback;
}
