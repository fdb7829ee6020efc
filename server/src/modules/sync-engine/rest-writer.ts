import { createHash } from 'node:crypto';
import type { SafeHttpResponse } from '../../lib/safe-http/index.js';
import { readJsonPointer, writeJsonPointer } from '../../providers/json-pointer.js';
import type {
  ProviderDefinition,
  RecordRead,
  ResourceDefinition,
  WriteOperation,
  WriteOperationKind,
} from '../../providers/provider-definition.js';
import { apiBaseUrl, apiUrl } from '../oauth/provider-endpoints.js';
import { ConnectorError, ProviderRequestError } from './connector-errors.js';
import type { RestConnectorContext } from './rest-connector-types.js';
import { decodeBody } from './rest-page.js';
import type { BuiltRequest } from './rest-request.js';
import { createRestTransport, type ConnectorLog, type RestTransport } from './rest-transport.js';
import { normaliseTimestamp } from './timestamps.js';

/**
 * The provider writer: one create, update, delete or read of one record, by interpreting the resource's `write`
 * declaration (provider-definition.ts), with no provider-specific code. Requests go through the REST connector's
 * transport, so writes get the same safe HTTP client, rate-limit waits, retries and one credential refresh on 401
 * as reads — except that a write the provider cannot deduplicate (no idempotency header, and POST) is retried only
 * after a 429, never after a 5xx or a lost connection that may have applied it.
 *
 * What the caller (the push executor) decides, not this file: which version is the base, what a conflict means for
 * the sync's strategy, and what is stored.
 */

/** A record as the provider holds it after a read or a write. */
export interface ProviderVersion {
  externalId: string;
  /** The record as the provider returned it (the input of the sync's inbound mappings). */
  record: unknown;
  /** ISO-8601 UTC, or null when the provider has no modification time. */
  updatedAt: string | null;
  /** The provider's ETag (or declared version field), verbatim; null when it has none. */
  etag: string | null;
}

export interface ProviderWrite {
  op: WriteOperationKind;
  /** Required for update and delete. */
  externalId?: string | null;
  /** The provider's fields (the outbound mappings' output); ignored for delete. */
  fields?: Record<string, unknown>;
  /** The base version's ETag, sent in the declared precondition header. */
  etag?: string | null;
  /** Sent in the declared idempotency header; the caller derives it so that retries reuse it. */
  idempotencyKey?: string;
}

export type WriteResult =
  /** `version` is null when the answer carries no record (a delete, a 204). */
  | { outcome: 'applied'; externalId: string | null; version: ProviderVersion | null }
  /** The provider refused the write because the record changed since the base version (409/412 as declared). */
  | { outcome: 'conflict'; status: number; message: string }
  /** A delete of a record the provider no longer has (declared `goneStatuses`): nothing left to do. */
  | { outcome: 'gone' };

/** What a push run and a conflict resolution write through: the REST writer, or the CalDAV one (caldav-push.ts). */
export interface ProviderWriter {
  write(request: ProviderWrite): Promise<WriteResult>;
  /** The provider's current version of one record; null when it does not exist (404/410). Needs `write.read`. */
  read(externalId: string): Promise<ProviderVersion | null>;
  /** Whether the resource declares a way to re-read one record (conflict detection without a precondition). */
  readonly canRead: boolean;
  /**
   * The provider itself refuses a write over a newer version than the ETag sent (CalDAV's `If-Match`, 412), so an
   * update whose base has an ETag is sent without re-reading first; the refusal is the conflict.
   */
  readonly checksVersion?: boolean;
  /**
   * Whether sending this operation again after a crash is harmless (PUT, PATCH, DELETE, or a POST with the provider's
   * idempotency key): the push executor may then commit several outcomes together. Absent: treated as not.
   */
  repeatable?(op: WriteOperationKind): boolean;
}

export type RestWriter = ProviderWriter;

export function createRestWriter(ctx: RestConnectorContext): RestWriter {
  const { definition, resource } = ctx;
  const declared = resource.write;
  if (!declared) throw new ConnectorError('unsupported', `${definition.name} ${resource.name} cannot be written to`, false);
  const emit = ctx.log;
  const log: ConnectorLog | null = emit ? (level, message, data) => emit(data ? { level, message, data } : { level, message }) : null;
  const values: Record<string, string> = { ...(resource.pathDefaults ?? {}), ...ctx.templateValues };
  const allowHttp = ctx.allowHttp ?? false;
  const base = apiBaseUrl(definition, values, {}, allowHttp);
  const transport = createRestTransport(ctx, log);
  const urlFor = (path: string, externalId?: string | null) =>
    apiUrl(base, path, externalId == null ? values : { ...values, id: externalId }, allowHttp);

  async function write(request: ProviderWrite): Promise<WriteResult> {
    const operation = declared![request.op];
    if (!operation)
      throw new ConnectorError('unsupported', `${definition.name} ${resource.name} cannot be ${pastTense(request.op)}`, false);
    if (request.op !== 'create' && !request.externalId)
      throw new ConnectorError('unsupported', `An ${request.op} needs the record's id`, false);
    const built = buildWriteRequest(operation, request, urlFor(operation.path, request.externalId));
    const keyed =
      request.idempotencyKey !== undefined && (operation.idempotencyHeader !== undefined || operation.idempotencyField !== undefined);
    // PUT, PATCH and DELETE are idempotent by definition; a POST is only with the provider's idempotency key (or id).
    const idempotent = built.method !== 'POST' || keyed;
    try {
      return await send(request, operation, built, idempotent);
    } catch (err) {
      // A create that named its record (Linear's input.id) refused: if that id exists, an earlier attempt of this same
      // write created it (a retry after a lost answer, a worker killed before recording it). That is the create done.
      const chosenId = clientChosenId(operation, request);
      if (chosenId && declared!.read && err instanceof ProviderRequestError) {
        const existing = await read(chosenId);
        if (existing) return { outcome: 'applied', externalId: existing.externalId, version: existing };
      }
      throw err;
    }
  }

  async function send(request: ProviderWrite, operation: WriteOperation, built: BuiltRequest, idempotent: boolean): Promise<WriteResult> {
    const conflictStatuses = operation.conflictStatuses ?? [];
    const goneStatuses = operation.goneStatuses ?? [];
    const response = await transport.send(built, {
      retry: idempotent ? 'all' : 'rate_limit_only',
      accept: [...conflictStatuses, ...goneStatuses],
    });
    if (conflictStatuses.includes(response.status)) {
      return {
        outcome: 'conflict',
        status: response.status,
        message: `${definition.name} answered HTTP ${response.status}: the record changed since it was last read`,
      };
    }
    if (goneStatuses.includes(response.status)) return { outcome: 'gone' };
    // GraphQL errors (HTTP 200 with `errors`) are thrown here, when the answer is decoded.
    let version = versionOf(resource, operation, built, response, transport, request.externalId ?? null, definition);
    // An answer that is not the record (Salesforce's 204 on update, its `{ id, success }` on create): read it back,
    // so the caller stores the record as a pull would.
    const notTheRecord = operation.readBack === true || readJsonPointer(version?.record, resource.idPath) === undefined;
    if (request.op !== 'delete' && version && declared!.read && notTheRecord) {
      version = (await read(version.externalId)) ?? version;
    }
    return { outcome: 'applied', externalId: version?.externalId ?? request.externalId ?? null, version };
  }

  async function read(externalId: string): Promise<ProviderVersion | null> {
    const operation = declared!.read;
    if (!operation)
      throw new ConnectorError('unsupported', `${definition.name} ${resource.name} cannot be read one record at a time`, false);
    const graphql = operation.encoding === 'graphql';
    const built: BuiltRequest = graphql
      ? { method: 'POST', url: urlFor(operation.path), body: JSON.stringify(graphqlBody(operation.query!, operation.idParam, externalId)) }
      : { method: 'GET', url: urlFor(operation.path, externalId) };
    const response = await transport.send(built, { accept: [404, 410] });
    if (response.status === 404 || response.status === 410) return null;
    // GraphQL answers a missing record with an empty list or a null where the record would be.
    if (graphql && readJsonPointer(decodeBody(definition, built, response, transport.secrets), operation.recordPath ?? '') == null)
      return null;
    const version = versionOf(resource, operation, built, response, transport, externalId, definition);
    // Stripe answers a deleted customer with 200 `{ id, deleted: true }`, Notion an archived page with `archived: true`.
    if (version && readJsonPointer(version.record, operation.deletedPath ?? '/deleted') === true) return null;
    return version;
  }

  return {
    write,
    read,
    canRead: declared.read !== undefined,
    repeatable: (op) => declared[op] !== undefined && isRepeatable(declared[op]),
  };
}

/** As `idempotent` in write(), for the push executor, which always sends each write's idempotency key. */
function isRepeatable(operation: WriteOperation): boolean {
  return operation.method !== 'POST' || operation.idempotencyHeader !== undefined;
}

function pastTense(op: WriteOperationKind): string {
  return op === 'create' ? 'created' : op === 'update' ? 'updated' : 'deleted';
}

/** The HTTP request of one write: body in the declared encoding, idempotency and precondition headers. */
export function buildWriteRequest(operation: WriteOperation, request: ProviderWrite, url: string): BuiltRequest {
  const headers: Record<string, string> = {};
  if (operation.idempotencyHeader && request.idempotencyKey) headers[operation.idempotencyHeader] = request.idempotencyKey;
  if (operation.precondition?.value === 'any') headers[operation.precondition.header] = '*';
  else if (operation.precondition?.value === 'etag' && request.etag) headers[operation.precondition.header] = request.etag;
  const fields = request.fields ?? {};
  const built: BuiltRequest = { method: operation.method, url, headers };
  switch (operation.encoding) {
    case 'none':
      return built;
    case 'icalendar':
      throw new ConnectorError('unsupported', 'iCalendar bodies are written by the CalDAV connector, not over REST', false);
    case 'form':
      return { ...built, body: formEncode(fields), contentType: 'application/x-www-form-urlencoded' };
    case 'json': {
      const body: Record<string, unknown> = operation.fieldsPath ? {} : { ...fields };
      if (operation.fieldsPath) writeJsonPointer(body, operation.fieldsPath, fields);
      Object.assign(body, operation.body);
      const chosenId = clientChosenId(operation, request);
      if (chosenId) writeJsonPointer(body, operation.idempotencyField!.path, chosenId);
      return { ...built, body: JSON.stringify(body) };
    }
    case 'graphql': {
      const body = graphqlBody(operation.query!, operation.idParam, request.externalId ?? null);
      // A delete mutation declares no input variable.
      if (request.fields) writeJsonPointer(body, operation.fieldsPath ?? '/variables/input', fields);
      const chosenId = clientChosenId(operation, request);
      if (chosenId) writeJsonPointer(body, operation.idempotencyField!.path, chosenId);
      return { ...built, body: JSON.stringify(body) };
    }
  }
}

function graphqlBody(query: string, idParam: string | undefined, externalId: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = { query, variables: {} };
  if (idParam && externalId) writeJsonPointer(body, idParam, externalId);
  return body;
}

/**
 * The id a create names its record by (`idempotencyField`): a UUID (version 4 layout) made from the write's
 * idempotency key, so every attempt of the same write names the same record; null without a key or such a field.
 */
export function clientChosenId(operation: WriteOperation, request: Pick<ProviderWrite, 'op' | 'idempotencyKey'>): string | null {
  if (request.op !== 'create' || !operation.idempotencyField || !request.idempotencyKey) return null;
  const bytes = createHash('sha256').update(`linkyard-record-id:${request.idempotencyKey}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `application/x-www-form-urlencoded` with bracketed nesting, as Stripe reads it: `metadata[plan]=pro`,
 * `preferred_locales[0]=en`. null becomes an empty value, which Stripe reads as "unset".
 */
export function formEncode(fields: Record<string, unknown>): string {
  const params = new URLSearchParams();
  const add = (name: string, value: unknown) => {
    if (value === undefined) return;
    if (value === null) params.append(name, '');
    else if (Array.isArray(value)) value.forEach((item, i) => add(`${name}[${i}]`, item));
    else if (typeof value === 'object') for (const [key, inner] of Object.entries(value)) add(`${name}[${key}]`, inner);
    else params.append(name, String(value));
  };
  for (const [name, value] of Object.entries(fields)) add(name, value);
  return params.toString();
}

/** The record, id, modification time and ETag in a write's (or read's) answer. */
function versionOf(
  resource: ResourceDefinition,
  operation: WriteOperation | RecordRead,
  request: BuiltRequest,
  response: SafeHttpResponse,
  transport: RestTransport,
  knownId: string | null,
  definition: ProviderDefinition,
): ProviderVersion | null {
  const headerEtag = operation.version?.from === 'header' ? headerValue(response, operation.version.name) : null;
  if (operation.recordPath === null || response.body.length === 0) {
    return knownId === null ? null : { externalId: knownId, record: null, updatedAt: null, etag: headerEtag };
  }
  const body = decodeBody(definition, request, response, transport.secrets);
  const record = readJsonPointer(body, operation.recordPath);
  if (record === null || typeof record !== 'object') {
    throw new ProviderRequestError('invalid_response', `${definition.name} answered without the record`, {
      status: response.status,
      method: request.method,
      url: response.redactedUrl,
      retryable: false,
    });
  }
  const rawId = readJsonPointer(record, operation.idPath ?? resource.idPath);
  const externalId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : knownId;
  if (externalId === null) {
    throw new ProviderRequestError('invalid_response', `${definition.name} answered without the record's id`, {
      status: response.status,
      method: request.method,
      url: response.redactedUrl,
      retryable: false,
    });
  }
  const updatedAtPath = operation.updatedAtPath === undefined ? resource.updatedAtPath : operation.updatedAtPath;
  const updatedAt = updatedAtPath === null ? null : normaliseTimestamp(readJsonPointer(record, updatedAtPath), resource.updatedAtFormat);
  const recordEtag = operation.version?.from === 'record' ? readJsonPointer(record, operation.version.path) : undefined;
  const etag = headerEtag ?? (typeof recordEtag === 'string' ? recordEtag : null);
  return { externalId, record, updatedAt, etag };
}

function headerValue(response: SafeHttpResponse, name: string): string | null {
  const value = response.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? null : text;
}
