import {
  InvalidJsonError,
  RequestAbortedError,
  SafeHttpError,
  isRetryableError,
  parseRetryAfter,
  abortableSleep,
  withRetries,
  type SafeHttpResponse,
} from '../../lib/safe-http/index.js';
import { renderExpression } from '../../providers/template.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import { apiBaseUrl, apiUrl } from '../oauth/provider-endpoints.js';
import {
  PaginationError,
  ProviderRequestError,
  providerErrorMessage,
  urlForMessage,
} from './connector-errors.js';
import { effectivePageSize, firstPosition, nextPosition } from './pagination.js';
import { formatSince, laterOf, normaliseTimestamp } from './timestamps.js';
import { DEFAULT_MAX_PAGES, DEFAULT_RETRY, type ConnectorCursor, type ConnectorLogEntry, type ListPagesOptions, type Page, type RestConnectorContext } from './rest-connector-types.js';
import { isListingPosition, lookbackOf, shapeOf, type ListingKind, type ListingPosition, type ListingShape } from './rest-listing.js';
import { compilePointer, modificationTime, queryString, RUNTIME_PLACEHOLDER, setParam, withQuery, type BuiltRequest } from './rest-request.js';

export { ConnectorError, PaginationError, ProviderRequestError, type ConnectorErrorCode } from './connector-errors.js';
export * from './rest-connector-types.js';

/**
 * The REST connector: lists one resource of one provider by interpreting its definition (provider-definition.ts),
 * one provider page at a time, with no provider-specific code. The sync run executor drives it:
 *
 *   for await (const page of listPages(ctx, { mode, cursor: sync.cursor })) {
 *     await upsert(page.records, page.externalIds, page.updatedAt);   // one transaction…
 *     await saveCursor(page.cursor);                                   // …that also stores the cursor
 *   }
 *
 * Cursor semantics (what `Page.cursor` means):
 * - Every yielded cursor is where to resume once that page is committed. A run that crashes after committing
 *   page N passes page N's cursor back and continues with page N+1: nothing is fetched or counted twice.
 * - `page` is the position inside a listing in progress (opaque JSON); it is null on the final page's cursor,
 *   which marks the listing complete.
 * - `since` is the high-water mark a new incremental listing starts from (minus the definition's
 *   `lookbackSeconds`); `syncToken` the provider's token for a `sync_token` resource. While a listing runs both stay
 *   what the run started with, so a resumed listing sends the same query; the final cursor carries the new ones.
 * - `highWater` is the latest modification time seen so far (carried across resumes); the final cursor's
 *   `since` is the later of it and the previous `since`. Resources without a modification time use the listing's
 *   start (minus a safety margin) instead, which suits creation-time filters like Stripe's `created[gte]`.
 *
 * A full run's final cursor is therefore a valid starting point for an incremental run. An incremental run without
 * a `since`/`syncToken` lists everything (establishing the mark); a resource without `incremental` always does.
 */


/** Resources without a modification time take the listing's start minus this as their high-water mark. */
const START_TIME_SAFETY_MS = 5 * 60_000;
const MIN_MAX_RETRY_AFTER_MS = 120_000;

// ---------------------------------------------------------------------------------------------------------------
// The connector

export async function* listPages(ctx: RestConnectorContext, opts: ListPagesOptions): AsyncGenerator<Page> {
  const { definition, resource, http } = ctx;
  const now = ctx.now ?? Date.now;
  const allowHttp = ctx.allowHttp ?? false;
  const values: Record<string, string> = { ...(resource.pathDefaults ?? {}), ...ctx.templateValues };
  const apiBase = apiBaseUrl(definition, values, {}, allowHttp);
  const maxPages = ctx.maxPages ?? DEFAULT_MAX_PAGES;
  const retry = { ...DEFAULT_RETRY, ...ctx.retry };
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? Math.max(retry.maxDelayMs, MIN_MAX_RETRY_AFTER_MS);
  const sleep = retry.sleep ?? ((ms: number) => abortableSleep(ms, ctx.signal));
  const incremental = resource.incremental;
  const updatedAtFormat = resource.updatedAtFormat ?? 'iso8601';
  const readId = compilePointer(resource.idPath);
  const readUpdatedAt = resource.updatedAtPath === null ? null : compilePointer(resource.updatedAtPath);
  const log = (level: ConnectorLogEntry['level'], message: string, data?: Record<string, unknown>) =>
    ctx.log(data ? { level, message, data } : { level, message });
  /** Credential header values seen this listing, masked out of any provider text we repeat. */
  const secrets = new Set<string>();

  const input = opts.cursor ?? {};
  const startSince = normaliseTimestamp(input.since ?? null);
  const startToken = typeof input.syncToken === 'string' && input.syncToken !== '' ? input.syncToken : null;
  let highWater = normaliseTimestamp(input.highWater ?? null);

  // --- where to start --------------------------------------------------------------------------------------
  const fresh = (kind: ListingKind, extra: Partial<ListingPosition> = {}): ListingPosition => ({
    v: 1,
    kind,
    startedAt: new Date(now()).toISOString(),
    pages: 0,
    ...extra,
    next: firstPosition(shapeOf(resource, { v: 1, kind, startedAt: '', pages: 0, ...extra, next: { first: true } }).pagination),
  });
  const sinceListing = (sinceIso: string): ListingPosition =>
    incremental && incremental.style !== 'sync_token' && incremental.style !== 'stop_at_older'
      ? fresh('since', { sinceIso, sinceValue: formatSince(sinceIso, incremental.format, lookbackOf(incremental), now()) })
      : fresh('since', { sinceIso, sinceValue: sinceIso });

  let position: ListingPosition;
  const stored = input.page;
  if (stored !== undefined && stored !== null && isListingPosition(stored) && (opts.mode === 'incremental' || stored.kind === 'full')) {
    position = stored;
    log('info', `Resuming the ${stored.kind === 'full' ? 'full' : 'incremental'} listing after page ${stored.pages}`, {
      resource: resource.key,
      pages: stored.pages,
    });
  } else {
    if (stored !== undefined && stored !== null) {
      log('warn', isListingPosition(stored)
        ? 'Discarding the stored position of an incremental listing: this run lists everything'
        : 'The stored page position is not readable; starting the listing over', { resource: resource.key });
      // A discarded position's high-water mark belongs to a listing that never finished.
      highWater = null;
    }
    if (opts.mode === 'incremental' && !incremental) {
      log('warn', `Resource "${resource.key}" has no incremental listing; listing everything`, { resource: resource.key });
    }
    if (opts.mode === 'incremental' && incremental?.style === 'sync_token' && startToken) position = fresh('changes', { token: startToken });
    else if (opts.mode === 'incremental' && incremental && incremental.style !== 'sync_token' && startSince) position = sinceListing(startSince);
    else position = fresh('full');
  }

  // --- requests ------------------------------------------------------------------------------------------------
  function buildRequest(shape: ListingShape, pos: ListingPosition, pageSize: number | undefined): BuiltRequest {
    const next = pos.next;
    const { pagination } = shape;
    const firstParams = (): Record<string, unknown> => {
      const params = structuredClone(shape.params) as Record<string, unknown>;
      if (pageSize !== undefined && shape.pageSize?.param) setParam(shape.method, params, shape.pageSize.param, pageSize);
      if (shape.bound) setParam(shape.method, params, shape.bound.param, shape.bound.value);
      const offset = 'offset' in next ? next.offset : pagination.style === 'query_offset' ? pagination.firstOffset : 0;
      const runtime: Record<string, string> = { offset: String(offset) };
      if (pageSize !== undefined) runtime.limit = String(pageSize);
      if (pos.sinceValue !== undefined) runtime.since = pos.sinceValue;
      for (const [name, value] of Object.entries(params)) {
        if (typeof value === 'string' && RUNTIME_PLACEHOLDER.test(value)) params[name] = renderExpression(value, runtime);
      }
      return params;
    };
    const encode = (path: string, params: Record<string, unknown>): BuiltRequest => {
      const url = apiUrl(apiBase, path, values, allowHttp);
      return shape.method === 'GET'
        ? { method: 'GET', url: withQuery(url, queryString(params)) }
        : { method: 'POST', url, body: JSON.stringify(params) };
    };

    if ('url' in next) {
      // The provider's link carries the query; a POST listing re-sends its body.
      return shape.method === 'GET' ? { method: 'GET', url: next.url } : { method: 'POST', url: next.url, body: JSON.stringify(firstParams()) };
    }
    if ('cursor' in next && pagination.style === 'cursor_body' && (pagination.continuePath !== undefined || pagination.cursorOnly)) {
      const params: Record<string, unknown> = {};
      setParam(shape.method, params, pagination.param, next.cursor);
      return encode(pagination.continuePath ?? shape.path, params);
    }
    if ('first' in next && shape.boundOnly && shape.bound) {
      const params: Record<string, unknown> = {};
      setParam(shape.method, params, shape.bound.param, shape.bound.value);
      return encode(shape.boundPath ?? shape.path, params);
    }
    const params = firstParams();
    if ('cursor' in next && (pagination.style === 'cursor_body' || pagination.style === 'page_token')) {
      setParam(shape.method, params, pagination.param, next.cursor);
    } else if ('offset' in next && pagination.style === 'offset_total') {
      setParam(shape.method, params, pagination.offsetParam, next.offset);
    } else if ('page' in next && pagination.style === 'page_number') {
      setParam(shape.method, params, pagination.param, next.page);
    }
    return encode(shape.path, params);
  }

  /** One request with retries (429/5xx/transient errors), one refresh-and-retry on 401, and a log line per attempt. */
  async function send(request: BuiltRequest): Promise<SafeHttpResponse> {
    let attempt = 0;
    let refreshed = false;
    for (;;) {
      let response: SafeHttpResponse;
      try {
        response = await withRetries(
          async () => {
            attempt += 1;
            ctx.signal?.throwIfAborted();
            const credentials = await ctx.credentials();
            for (const value of Object.values(credentials)) {
              secrets.add(value);
              const token = /^\S+\s+(\S{4,})$/.exec(value)?.[1];
              if (token) secrets.add(token);
            }
            const headers: Record<string, string> = {
              accept: 'application/json',
              ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...definition.requestHeaders,
              ...credentials,
            };
            try {
              const res = await http.request({ method: request.method, url: request.url, headers, body: request.body, signal: ctx.signal });
              const ok = res.status >= 200 && res.status < 300;
              log(ok ? 'info' : 'warn', `${request.method} ${res.redactedUrl} → ${res.status} (${res.durationMs} ms)`, {
                method: request.method,
                url: res.redactedUrl,
                status: res.status,
                durationMs: res.durationMs,
                attempt,
              });
              return res.status === 429 ? withResetAsRetryAfter(res) : res;
            } catch (err) {
              const e = err as SafeHttpError;
              log('warn', `${request.method} ${e.url ?? urlForMessage(request.url)} failed: ${err instanceof Error ? err.message : 'error'}`, {
                method: request.method,
                url: e.url ?? urlForMessage(request.url),
                status: null,
                durationMs: e.durationMs ?? null,
                attempt,
                error: err instanceof SafeHttpError ? err.code : 'error',
              });
              throw err;
            }
          },
          {
            maxAttempts: retry.maxAttempts,
            baseDelayMs: retry.baseDelayMs,
            maxDelayMs: retry.maxDelayMs,
            maxRetryAfterMs,
            sleep: (ms) => sleep(ms),
            ...(retry.random ? { random: retry.random } : {}),
            now,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
            onRetry: (info) =>
              log('warn', `Retrying in ${info.delayMs} ms after ${info.status !== undefined ? `HTTP ${info.status}` : 'a network error'}`, {
                attempt: info.attempt,
                delayMs: info.delayMs,
                ...(info.status !== undefined ? { status: info.status } : {}),
                ...(info.retryAfterMs !== undefined ? { retryAfterMs: info.retryAfterMs } : {}),
              }),
          },
        );
      } catch (err) {
        if (ctx.signal?.aborted || err instanceof RequestAbortedError) throw ctx.signal?.reason ?? err;
        if (err instanceof SafeHttpError) {
          throw new ProviderRequestError(
            'network',
            `Could not reach ${definition.name}: ${err.message}`,
            { status: null, method: request.method, url: err.url ?? urlForMessage(request.url), retryable: isRetryableError(err), attempts: attempt },
            { cause: err },
          );
        }
        throw err;
      }
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        log('warn', `${definition.name} answered 401; refreshing the credentials and retrying once`, {
          method: request.method,
          url: response.redactedUrl,
          status: 401,
        });
        await ctx.onUnauthorized();
        continue;
      }
      if (response.status < 200 || response.status > 299) throw statusError(request, response, attempt);
      return response;
    }
  }

  function withResetAsRetryAfter(res: SafeHttpResponse): SafeHttpResponse {
    // withRetries honours `retry-after`; a provider may name the header differently or only send a reset time.
    if (res.headers['retry-after'] !== undefined) return res;
    const custom = definition.rateLimitHeaders?.retryAfter?.toLowerCase();
    const customValue = custom ? res.headers[custom] : undefined;
    const waitMs = customValue !== undefined ? undefined : resetWaitMs(res);
    const retryAfter = customValue !== undefined ? (Array.isArray(customValue) ? customValue[0] : customValue) : waitMs !== undefined ? String(Math.ceil(waitMs / 1000)) : undefined;
    return retryAfter === undefined ? res : { ...res, headers: { ...res.headers, 'retry-after': retryAfter } };
  }

  /** Milliseconds until the rate-limit window named by `rateLimitHeaders.reset` reopens, when the response says. */
  function resetWaitMs(res: SafeHttpResponse): number | undefined {
    const reset = definition.rateLimitHeaders?.reset;
    if (!reset) return undefined;
    const raw = res.headers[reset.header.toLowerCase()];
    const text = Array.isArray(raw) ? raw[0] : raw;
    if (text === undefined || text.trim() === '') return undefined;
    const n = Number(text);
    let at: number;
    switch (reset.format) {
      case 'unix_seconds':
        at = n * 1000;
        break;
      case 'unix_ms':
        at = n;
        break;
      case 'seconds_until':
        at = now() + n * 1000;
        break;
      case 'iso8601':
        at = Date.parse(text);
        break;
    }
    return Number.isFinite(at) ? Math.max(0, Math.ceil(at - now())) : undefined;
  }

  /** After a 2xx whose rate-limit headers say the budget is spent: how long to wait before the next request. */
  function throttleMs(res: SafeHttpResponse): number {
    const name = definition.rateLimitHeaders?.remaining?.toLowerCase();
    if (!name) return 0;
    const raw = res.headers[name];
    const remaining = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw === undefined || !Number.isFinite(remaining) || remaining > 0) return 0;
    const wait = resetWaitMs(res);
    return wait === undefined ? 0 : Math.min(wait, maxRetryAfterMs);
  }

  function statusError(request: BuiltRequest, res: SafeHttpResponse, attempts: number): ProviderRequestError {
    let providerMessage: string | null = null;
    try {
      providerMessage = providerErrorMessage(res.json(), secrets);
    } catch {
      // Not JSON: an HTML error page or plain text we do not repeat.
    }
    const status = res.status;
    const retryable = status === 429 || status >= 500 || status === 408;
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after'], now()) : undefined;
    const hint =
      status === 401 || status === 403
        ? ' (the credentials were rejected; reconnect the integration or check its permissions)'
        : status === 404
          ? ' (check the API base URL and the resource settings)'
          : '';
    return new ProviderRequestError(
      'http_status',
      `${definition.name} answered HTTP ${status} to ${request.method} ${urlForMessage(res.redactedUrl)}${hint}${providerMessage ? `: ${providerMessage}` : ''}`,
      { status, method: request.method, url: res.redactedUrl, retryable, providerMessage, attempts, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    );
  }

  // --- paging ---------------------------------------------------------------------------------------------------
  const seenPositions = new Set<string>();
  let latestToken: string | null = null;
  let restartedFull = false;
  let waitBeforeNext = 0;

  for (;;) {
    ctx.signal?.throwIfAborted();
    if (position.pages >= maxPages) {
      throw new PaginationError('page_limit', `${definition.name} kept returning pages after ${maxPages}; the listing was stopped`);
    }
    if (waitBeforeNext > 0) {
      log('info', `Rate limit budget spent; waiting ${waitBeforeNext} ms for the window to reset`, { delayMs: waitBeforeNext });
      await sleep(waitBeforeNext);
      waitBeforeNext = 0;
    }

    const shape = shapeOf(resource, position);
    const pageSize = effectivePageSize(shape.pageSize, ctx.pageSize);
    const request = buildRequest(shape, position, pageSize);

    let response: SafeHttpResponse;
    try {
      response = await send(request);
    } catch (err) {
      if (!(err instanceof ProviderRequestError)) throw err;
      // An expired sync token (Google answers 410 Gone): start over with a full listing, once.
      if (err.status === 410 && position.kind === 'changes' && !restartedFull) {
        restartedFull = true;
        log('warn', `${definition.name} no longer accepts the sync token; listing everything instead`, { resource: resource.key });
        position = { ...fresh('full'), pages: position.pages };
        seenPositions.clear();
        continue;
      }
      // Search endpoints cap the results of one query (HubSpot: 10,000, answering 400 past it). Ascending sorts let
      // the listing start a new query at the high-water mark reached so far, which must have moved forward.
      if (
        err.status === 400 &&
        position.kind === 'since' &&
        incremental?.style === 'endpoint' &&
        !('first' in position.next) &&
        highWater !== null &&
        position.sinceIso !== undefined &&
        highWater > position.sinceIso
      ) {
        log('info', `${definition.name} refused to page further through one query; querying again from ${highWater}`, {
          resource: resource.key,
          since: highWater,
        });
        position = { ...sinceListing(highWater), pages: position.pages, startedAt: position.startedAt };
        seenPositions.clear();
        continue;
      }
      throw err;
    }

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
    const found = readJsonPointer(body, resource.recordsPath);
    if (found !== undefined && found !== null && !Array.isArray(found)) {
      throw new ProviderRequestError(
        'invalid_response',
        `${definition.name} answered ${request.method} ${urlForMessage(response.redactedUrl)} without a record list at "${resource.recordsPath || '/'}"`,
        { status: response.status, method: request.method, url: response.redactedUrl, retryable: false },
      );
    }
    const rawRecords = (found ?? []) as unknown[];

    if (incremental?.style === 'sync_token') {
      const token = readJsonPointer(body, incremental.tokenPath);
      if (typeof token === 'string' && token !== '') latestToken = token;
    }

    let next = nextPosition(shape.pagination, {
      body,
      headers: response.headers,
      rawRecords,
      position: position.next,
      pageSize,
      apiBase,
    });

    // Records: ids, modification times, and the stop_at_older cut-off.
    const records: unknown[] = [];
    const externalIds: string[] = [];
    const updatedAt: (string | null)[] = [];
    const stopAt = position.kind === 'since' && incremental?.style === 'stop_at_older' ? position.sinceIso ?? null : null;
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
      if (modified !== null && (highWater === null || modified > highWater)) highWater = modified;
    }
    if (skipped > 0) {
      log('warn', `Skipped ${skipped} record(s) without an id at "${resource.idPath}"`, {
        resource: resource.key,
        skipped,
        idPath: resource.idPath,
        page: position.pages + 1,
      });
    }
    if (stopped) next = null;

    if (next !== null) {
      const key = JSON.stringify(next);
      if (seenPositions.has(key) || key === JSON.stringify(position.next)) {
        throw new PaginationError('cursor_repeated', `${definition.name} returned the same next-page position twice; the listing was stopped to avoid a loop`);
      }
      seenPositions.add(key);
      waitBeforeNext = throttleMs(response);
    }

    const pages = position.pages + 1;
    if (next === null) {
      yield { records, externalIds, updatedAt, cursor: finalCursor(position), done: true };
      return;
    }
    position = { ...position, pages, next };
    yield {
      records,
      externalIds,
      updatedAt,
      cursor: { page: position, since: startSince, syncToken: restartedFull ? null : startToken, highWater },
      done: false,
    };
  }

  function finalCursor(pos: ListingPosition): ConnectorCursor {
    const mark =
      resource.updatedAtPath === null
        ? new Date(Date.parse(pos.startedAt) - START_TIME_SAFETY_MS).toISOString()
        : highWater;
    // Never ahead of our own clock: a record stamped in the future must not hide later changes.
    const clock = new Date(now()).toISOString();
    const since = laterOf(mark !== null && mark > clock ? clock : mark, startSince);
    // After a 410 the stored token is dead; without a new one the next incremental run lists everything.
    return { page: null, since, syncToken: latestToken ?? (restartedFull ? null : startToken), highWater: since };
  }
}

