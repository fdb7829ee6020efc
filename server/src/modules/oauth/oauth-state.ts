/**
 * The connection attempt's own values: the state and browser binding (stored only as SHA-256 hashes), the
 * vault context of the encrypted PKCE verifier, and where the browser is sent back to (`returnTo`, checked).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BadRequest } from '../../lib/errors.js';

/** How long a connection attempt may take, from the start to the provider's redirect. */
export const STATE_TTL_SECONDS = 10 * 60;

/** Hex SHA-256: what `oauth_states` stores of the state and of the browser binding. */
export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Whether `value` hashes to `expectedHash`, compared in constant time. */
export function sameHash(value: string | undefined, expectedHash: string): boolean {
  if (!value) return false;
  const a = Buffer.from(sha256(value), 'hex');
  const b = Buffer.from(expectedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Vault context of the PKCE verifier, bound to its state row. */
export const verifierContext = (orgId: string, stateId: string) => ({
  organizationId: orgId, table: 'oauth_states', column: 'code_verifier_encrypted', rowId: stateId,
});

/** Where the browser returns when the flow was started without `returnTo`. */
export const integrationPage = (orgId: string, integrationId: string) => `/orgs/${orgId}/integrations/${integrationId}`;

/**
 * `returnTo` is a path in our own admin UI: one leading "/" (never "//" or "/\", which browsers read as
 * another host), no whitespace, control characters or backslashes.
 */
export function checkReturnTo(value: string): string {
  if (!/^\/(?![/\\])/.test(value) || /[\\\u0000-\u0020\u007f]/.test(value)) {
    throw new BadRequest('returnTo must be a relative path in the admin UI starting with a single "/" (e.g. "/orgs/…/integrations/…")');
  }
  return value;
}

/** Adds one query parameter to a relative URL, keeping its path, other parameters and fragment. */
export function withParam(path: string, key: string, value: string): string {
  const url = new URL(path, 'http://linkyard.invalid');
  url.searchParams.set(key, value);
  return `${url.pathname}${url.search}${url.hash}`;
}
