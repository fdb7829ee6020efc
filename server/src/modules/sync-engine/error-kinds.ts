import { errorKindOfStatus, type ErrorKind } from '../../lib/error-kind.js';
import { BadRequest } from '../../lib/errors.js';
import { SafeHttpError } from '../../lib/safe-http/index.js';
import { IntegrationTokenError } from '../oauth/token-manager.js';
import { CalDavError } from './caldav-protocol.js';
import { ConnectorError, ProviderRequestError } from './connector-errors.js';

const CALDAV_KINDS: Record<CalDavError['code'], ErrorKind> = {
  unauthorized: 'auth',
  forbidden: 'auth',
  rate_limited: 'rate_limit',
  not_found: 'provider',
  server_error: 'provider',
  http_error: 'provider',
  protocol: 'provider',
  invalid_request: 'provider',
};

/**
 * Which remedy can help a failed run (error-kind.ts). A 401 reaches here only after the connector refreshed the
 * credentials and tried again, so it means the provider refuses them: auth. Whatever is not recognised is the
 * provider's (retrying is the safe offer).
 */
export function classifyRunError(err: unknown): ErrorKind {
  if (err instanceof IntegrationTokenError) return err.kind;
  if (err instanceof ConnectorError && err.kind) return err.kind;
  if (err instanceof ProviderRequestError && err.status !== null) return errorKindOfStatus(err.status);
  if (err instanceof ConnectorError) return err.code === 'network' ? 'network' : 'provider';
  if (err instanceof CalDavError) return err.status === 401 ? 'auth' : CALDAV_KINDS[err.code];
  if (err instanceof SafeHttpError) return 'network';
  // compileMappings refuses the sync's saved mappings with a BadRequest naming the row.
  if (err instanceof BadRequest) return 'mapping';
  return 'provider';
}
