import type { IntegrationRow } from '../../../../db/schema.js';
import { SafeHttpError, type SafeHttpClient } from '../../lib/safe-http/index.js';
import type { ProviderDefinition } from '../../providers/provider-definition.js';
import { apiBaseUrl } from '../oauth/provider-endpoints.js';
import { CalDavError, type CalDavContext } from './caldav-connector.js';
import { createCalDavWriter, type CalDavWriter } from './caldav-writer.js';
import { ConnectorError } from './connector-errors.js';
import { classifyRunError } from './error-kinds.js';
import type { SourceLogEntry } from './page-source.js';
import type { ProviderWrite, ProviderWriter, WriteResult } from './rest-writer.js';

/**
 * CalDAV in runs and pushes: the connection a CalDAV listing or writer works on, and the CalDAV writer
 * (caldav-writer.ts) behind the interface push runs and conflict resolutions write through (rest-writer.ts's
 * `ProviderWriter`), so `apple_calendar` and `fastmail` events are pushed, checked and resolved like REST records.
 *
 * What differs from REST: the server checks the version itself (`If-Match: <base ETag>`, 412 when the event changed
 * since), so an update is not re-read first (`checksVersion`), and a create is made idempotent through the event's
 * UID, derived from the write's idempotency key when the record names none.
 */

/** Retried after 429, 5xx and dropped connections, like the REST connector's requests. */
const RETRY = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

export interface CalDavConnection {
  definition: ProviderDefinition;
  integration: IntegrationRow;
  /** The integration's app password, from the vault. */
  password: string;
  http: SafeHttpClient;
  log: (entry: SourceLogEntry) => void;
  signal: AbortSignal;
  allowHttp: boolean;
}

/** The integration's CalDAV server (its `calendarUrl`, else the definition's default) with its credentials. */
export function calDavContext({ definition, integration, password, http, log, signal, allowHttp }: CalDavConnection): CalDavContext {
  return {
    baseUrl: apiBaseUrl(definition, integration.settings, {}, allowHttp),
    username: integration.username ?? '',
    password,
    http,
    log,
    signal,
    retry: RETRY,
  };
}

export function openCalDavWriter(ctx: CalDavContext): ProviderWriter {
  const writer = createCalDavWriter(ctx);
  return {
    canRead: true,
    checksVersion: true,
    write: (request) => connectorErrors(() => write(writer, request)),
    read: (externalId) => connectorErrors(() => writer.read(externalId)),
  };
}

async function write(writer: CalDavWriter, request: ProviderWrite): Promise<WriteResult> {
  if (request.op !== 'create') return writer.write(request);
  const fields = request.fields ?? {};
  const named = typeof fields.uid === 'string' && fields.uid !== '';
  // A new event's UID comes from the write's idempotency key (the same on every attempt of one pushed record), so a
  // create sent again — after a PUT applied but its answer lost, or by a worker taking over a run — finds its own
  // event (412 on If-None-Match: *) and does not make a second one.
  const uid = named ? (fields.uid as string) : request.idempotencyKey ? `${request.idempotencyKey}@linkyard` : undefined;
  const result = await writer.write({ op: 'create', fields: uid === undefined ? fields : { ...fields, uid } });
  if (result.outcome === 'conflict' && !named && uid !== undefined) {
    const own = await writer.read(uid);
    if (own) return { outcome: 'applied', externalId: uid, version: own };
  }
  return result;
}

/**
 * CalDAV and network failures as the connector errors push runs and resolutions report: their messages are written
 * to be shown (status, redacted URL, never a body or a credential).
 */
async function connectorErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CalDavError) {
      throw new ConnectorError(err.code === 'invalid_request' ? 'unsupported' : 'http_status', err.message, err.retryable, {
        cause: err,
        kind: classifyRunError(err),
      });
    }
    // A cancelled run's abort stays what it is: the run stops, the write is not failed.
    if (err instanceof SafeHttpError && err.code !== 'ABORTED')
      throw new ConnectorError('network', err.message, true, { cause: err, kind: 'network' });
    throw err;
  }
}
