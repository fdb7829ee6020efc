/**
 * The connection attempt's own values: the state and browser binding (stored only as SHA-256 hashes), the
 * vault context of the encrypted PKCE verifier, and where the browser is sent back to (`returnTo`, checked).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BadRequest } from '../../lib/errors.js';
import { safeReturnPath } from '../../lib/return-path.js';

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
  organizationId: orgId,
  table: 'oauth_states',
  column: 'code_verifier_encrypted',
  rowId: stateId,
});

/** Where the browser returns when the flow was started without `returnTo`. */
export const integrationPage = (orgId: string, integrationId: string) => `/orgs/${orgId}/integrations/${integrationId}`;

/**
 * `returnTo` must lead to a page of our own admin UI once browsers have normalised it (lib/return-path.ts);
 * the normalised path is what gets stored, so the redirect sends exactly what was checked.
 */
export function checkReturnTo(value: string): string {
  const path = safeReturnPath(value);
  if (path === null) {
    throw new BadRequest(
      'returnTo must be a path of the admin UI on this site, starting with a single "/" (e.g. "/orgs/…/integrations/…")',
    );
  }
  return path;
}
