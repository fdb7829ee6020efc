import { InvalidJsonError, type SafeHttpResponse } from '../../lib/safe-http/index.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import type { ProviderDefinition, ResourceDefinition, TimestampFormat } from '../../providers/provider-definition.js';
import { utcMillisecondIso } from '../syncs/mappings.dates.js';
import { ProviderRequestError, providerErrorMessage, urlForMessage } from './connector-errors.js';
import type { BuiltRequest } from './rest-request.js';
import { normaliseTimestamp } from './timestamps.js';

/**
 * The REST connector's page decoding: a provider's answer to one listing request becomes its body (JSON, with no
 * error reported in it), its record list, and each record's external id and modification time (through JSON
 * Pointers parsed once per listing). No I/O.
 */

/** The body of a 2xx answer; a body that is not JSON, or that reports an error at `errorPath`, is a ProviderRequestError. */
export function decodeBody(
  definition: ProviderDefinition,
  request: BuiltRequest,
  response: SafeHttpResponse,
  secrets: Iterable<string>,
): unknown {
  let body: unknown;
  try {
    body = response.json();
  } catch (err) {
    if (!(err instanceof InvalidJsonError)) throw err;
    throw new ProviderRequestError(
      'invalid_response',
      `${definition.name} answered ${request.method} ${urlForMessage(response.redactedUrl)} with a body that is not JSON`,
      { status: response.status, method: request.method, url: response.redactedUrl, retryable: false },
    );
  }
  if (definition.errorPath !== undefined) {
    const reported = readJsonPointer(body, definition.errorPath);
    if (reported !== undefined && reported !== null && reported !== false && !(Array.isArray(reported) && reported.length === 0)) {
      const providerMessage = providerErrorMessage(Array.isArray(reported) ? reported[0] : reported, secrets);
      throw new ProviderRequestError(
        'provider_error',
        `${definition.name} answered HTTP ${response.status} but reported an error${providerMessage ? `: ${providerMessage}` : ''}`,
        { status: response.status, method: request.method, url: response.redactedUrl, retryable: false, providerMessage },
      );
    }
  }
  return body;
}

/** The records at the resource's `recordsPath` (none when absent or null); anything but a list there is a ProviderRequestError. */
export function recordList(
  definition: ProviderDefinition,
  resource: ResourceDefinition,
  request: BuiltRequest,
  response: SafeHttpResponse,
  body: unknown,
): unknown[] {
  const found = readJsonPointer(body, resource.recordsPath);
  if (found !== undefined && found !== null && !Array.isArray(found)) {
    throw new ProviderRequestError(
      'invalid_response',
      `${definition.name} answered ${request.method} ${urlForMessage(response.redactedUrl)} without a record list at "${resource.recordsPath || '/'}"`,
      { status: response.status, method: request.method, url: response.redactedUrl, retryable: false },
    );
  }
  return (found ?? []) as unknown[];
}

/** The sync token a page of a `sync_token` resource carries at `tokenPath`, or null. */
export function syncTokenOf(resource: ResourceDefinition, body: unknown): string | null {
  const incremental = resource.incremental;
  if (incremental?.style !== 'sync_token') return null;
  const token = readJsonPointer(body, incremental.tokenPath);
  return typeof token === 'string' && token !== '' ? token : null;
}

/** How a listing reads each record's id, modification time and version. */
export interface RecordReaders {
  readId: (record: unknown) => unknown;
  /** Null when the resource has no modification time. */
  readUpdatedAt: ((record: unknown) => unknown) | null;
  updatedAtFormat: TimestampFormat;
  /**
   * The record's version (ETag) where the resource's writes declare it inside the record (Google's event `etag`):
   * a pull stores it as the base a push's `If-Match` sends, as CalDAV pulls store getetag. Null when the writes
   * declare none, or declare it in a response header (one record's answer only, which a listing does not carry).
   */
  readVersion: ((record: unknown) => unknown) | null;
}

export function compileRecordReaders(resource: ResourceDefinition): RecordReaders {
  const write = resource.write;
  const version = [write?.read?.version, write?.update?.version, write?.create?.version].find((v) => v?.from === 'record');
  return {
    readId: compilePointer(resource.idPath),
    readUpdatedAt: resource.updatedAtPath === null ? null : compilePointer(resource.updatedAtPath),
    updatedAtFormat: resource.updatedAtFormat ?? 'iso8601',
    readVersion: version?.from === 'record' ? compilePointer(version.path) : null,
  };
}

/** A page's records as the connector yields them, and what reading them found. */
export interface PageRecords {
  records: unknown[];
  externalIds: string[];
  updatedAt: (string | null)[];
  /** `etags[i]` is `records[i]`'s version (see `RecordReaders.readVersion`); absent when the resource declares none. */
  etags?: (string | null)[];
  /** Records without an id, left out. */
  skipped: number;
  /** A record not newer than `stopAt` was reached: the listing ends with this page. */
  stopped: boolean;
  /** The latest modification time seen, this page included. */
  highWater: string | null;
}

/**
 * Reads the ids and modification times of a page's records, in order. Records without an id are skipped; with
 * `stopAt` (stop_at_older listings) the first record modified at or before it ends the page and the listing.
 */
export function readRecords(rawRecords: unknown[], readers: RecordReaders, stopAt: string | null, highWater: string | null): PageRecords {
  const { readId, readUpdatedAt, updatedAtFormat, readVersion } = readers;
  const records: unknown[] = [];
  const externalIds: string[] = [];
  const updatedAt: (string | null)[] = [];
  const etags: (string | null)[] | undefined = readVersion ? [] : undefined;
  let latest = highWater;
  let skipped = 0;
  let stopped = false;
  for (const record of rawRecords) {
    const rawId = readId(record);
    const id = typeof rawId === 'string' ? rawId : typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : '';
    if (id === '') {
      skipped += 1;
      continue;
    }
    const modified = readUpdatedAt === null ? null : modificationTime(readUpdatedAt(record), updatedAtFormat);
    if (stopAt !== null && modified !== null && modified <= stopAt) {
      stopped = true;
      break;
    }
    records.push(record);
    externalIds.push(id);
    updatedAt.push(modified);
    if (etags) {
      const version = readVersion!(record);
      etags.push(typeof version === 'string' && version !== '' ? version : null);
    }
    if (modified !== null && (latest === null || modified > latest)) latest = modified;
  }
  return { records, externalIds, updatedAt, ...(etags ? { etags } : {}), skipped, stopped, highWater: latest };
}

/**
 * A reader for one JSON Pointer, parsed once: `readJsonPointer` splits and unescapes the pointer on every call,
 * and a listing reads two pointers per record. The same rules: own properties only, undefined when a step is
 * missing. (Definitions' pointers are schema-checked, so parsing cannot fail here for a loaded definition.)
 */
export function compilePointer(pointer: string): (document: unknown) => unknown {
  if (pointer === '') return (document) => document;
  if (!pointer.startsWith('/')) throw new Error(`Not a JSON Pointer: "${pointer}"`);
  const steps = pointer
    .slice(1)
    .split('/')
    .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'));
  const step = (current: unknown, name: string): unknown =>
    current !== null && typeof current === 'object' && Object.hasOwn(current, name)
      ? (current as Record<string, unknown>)[name]
      : undefined;
  if (steps.length === 1) {
    const [name] = steps;
    return (document) => step(document, name);
  }
  return (document) => {
    let current = document;
    for (const name of steps) {
      current = step(current, name);
      if (current === undefined) return undefined;
    }
    return current;
  };
}

/** normaliseTimestamp's range, as its output strings (which compare as the instants they write). */
export const EARLIEST_TIMESTAMP = '1970-01-01T00:00:00.000Z';
export const LATEST_TIMESTAMP = '9999-12-31T00:00:00.000Z';

/**
 * A record's modification time, as `normaliseTimestamp` gives it, with a shortcut for the commonest shape:
 * ISO already in UTC with milliseconds (`…Z`, Salesforce's `…+0000`), which needs no Date.parse and
 * toISOString round trip, only a check of its fields.
 */
export function modificationTime(value: unknown, format: TimestampFormat): string | null {
  if (format === 'iso8601' && typeof value === 'string') {
    const utc = utcMillisecondIso(value);
    if (utc !== null && utc >= EARLIEST_TIMESTAMP && utc <= LATEST_TIMESTAMP) return utc;
  }
  return normaliseTimestamp(value, format);
}
