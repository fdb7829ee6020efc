/**
 * What kind of failure stopped a run or put an integration in error, so people are offered the remedy that can
 * help: only `auth` needs someone to reconnect; the others are retried (after fixing the mapping, for `mapping`).
 * - auth: the provider refused the credentials (401/403 after a refresh, a revoked refresh token, not connected)
 * - network: the provider could not be reached (DNS, connection refused or reset, timeout, blocked address)
 * - provider: the provider answered with an error or something unusable (5xx, 404, a bad body, runaway paging)
 * - rate_limit: the provider asked to slow down (429) for longer than the run was willing to wait
 * - mapping: the sync's own field mappings could not be used
 */
import type { ErrorKind } from '../../../db/schema.js';

export type { ErrorKind };
export const ERROR_KINDS = ['auth', 'network', 'provider', 'rate_limit', 'mapping'] as const satisfies readonly ErrorKind[];

/** The kind of an HTTP answer outside 2xx from a provider. */
export function errorKindOfStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limit';
  return 'provider';
}
