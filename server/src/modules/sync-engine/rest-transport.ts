import {
  RequestAbortedError,
  SafeHttpError,
  isRetryableError,
  parseRetryAfter,
  abortableSleep,
  withRetries,
  type RetryOptions,
  type SafeHttpResponse,
} from '../../lib/safe-http/index.js';
import type { ProviderDefinition } from '../../providers/provider-definition.js';
import { ProviderRequestError, providerErrorMessage, urlForMessage } from './connector-errors.js';
import { DEFAULT_RETRY, type ConnectorLogEntry, type RestConnectorContext } from './rest-connector-types.js';
import type { BuiltRequest } from './rest-request.js';

/**
 * The REST connector's requests: one request with retries (429, 5xx and transient network errors, honouring
 * Retry-After or the provider's rate-limit reset), one credential refresh and retry on 401, a log line per attempt,
 * and the wait a spent rate-limit budget asks for before the next request.
 */

const MIN_MAX_RETRY_AFTER_MS = 120_000;

export type ConnectorLog = (level: ConnectorLogEntry['level'], message: string, data?: Record<string, unknown>) => void;

/** How a request may be retried: reads and idempotent writes after 429, 5xx and network errors; other writes after 429 only. */
export interface SendOptions {
  retry?: 'all' | 'rate_limit_only';
  /** Statuses returned to the caller instead of thrown (a write's 409/412 conflict, a delete's 404). */
  accept?: readonly number[];
}

export interface RestTransport {
  /** Sends a request until it gets a 2xx answer; anything else ends as a ProviderRequestError (or the abort reason). */
  send(request: BuiltRequest, options?: SendOptions): Promise<SafeHttpResponse>;
  /** After a 2xx: how long to wait before the next request because the rate-limit budget is spent (0: none). */
  throttleMs(response: SafeHttpResponse): number;
  /** Waits, unless the listing is aborted (the retry options' `sleep` when given). */
  sleep(ms: number): Promise<void>;
  /** Credential header values seen so far, masked out of any provider text we repeat. */
  readonly secrets: ReadonlySet<string>;
}

/** What the transport reads of a connector context (webhook registration builds one without a resource). */
export type TransportContext = Pick<
  RestConnectorContext,
  'definition' | 'http' | 'credentials' | 'onUnauthorized' | 'retry' | 'signal' | 'now'
>;

/**
 * `log` null: requests are not logged (a writer's caller records each write's outcome instead), so no log line is
 * built per request.
 */
export function createRestTransport(ctx: TransportContext, log: ConnectorLog | null): RestTransport {
  const { definition } = ctx;
  const now = ctx.now ?? Date.now;
  const retry = { ...DEFAULT_RETRY, ...ctx.retry };
  const maxRetryAfterMs = retry.maxRetryAfterMs ?? Math.max(retry.maxDelayMs, MIN_MAX_RETRY_AFTER_MS);
  const sleep = retry.sleep ?? ((ms: number) => abortableSleep(ms, ctx.signal));
  const secrets = new Set<string>();

  // withRetries' options, built once per transport rather than once per request.
  const retryAll: RetryOptions = {
    maxAttempts: retry.maxAttempts,
    baseDelayMs: retry.baseDelayMs,
    maxDelayMs: retry.maxDelayMs,
    maxRetryAfterMs,
    sleep: (ms) => sleep(ms),
    ...(retry.random ? { random: retry.random } : {}),
    now,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onRetry: (info) =>
      log?.('warn', `Retrying in ${info.delayMs} ms after ${info.status !== undefined ? `HTTP ${info.status}` : 'a network error'}`, {
        attempt: info.attempt,
        delayMs: info.delayMs,
        ...(info.status !== undefined ? { status: info.status } : {}),
        ...(info.retryAfterMs !== undefined ? { retryAfterMs: info.retryAfterMs } : {}),
      }),
  };
  const retryRateLimitOnly: RetryOptions = { ...retryAll, isRetryableStatus: (status) => status === 429, isRetryableError: () => false };

  /** The request with withRetries' retries; `attempts` counts every attempt of this request (across a 401 retry too). */
  async function withRetry(request: BuiltRequest, attempts: { count: number }, options: SendOptions): Promise<SafeHttpResponse> {
    try {
      return await withRetries(
        () => attemptOnce(ctx, log, secrets, request, ++attempts.count),
        options.retry === 'rate_limit_only' ? retryRateLimitOnly : retryAll,
      );
    } catch (err) {
      if (ctx.signal?.aborted || err instanceof RequestAbortedError) throw ctx.signal?.reason ?? err;
      if (err instanceof SafeHttpError) {
        throw new ProviderRequestError(
          'network',
          `Could not reach ${definition.name}: ${err.message}`,
          {
            status: null,
            method: request.method,
            url: err.url ?? urlForMessage(request.url),
            retryable: isRetryableError(err),
            attempts: attempts.count,
          },
          { cause: err },
        );
      }
      throw err;
    }
  }

  async function send(request: BuiltRequest, options: SendOptions = {}): Promise<SafeHttpResponse> {
    const attempts = { count: 0 };
    let response = await withRetry(request, attempts, options);
    if (response.status === 401) {
      log?.('warn', `${definition.name} answered 401; refreshing the credentials and retrying once`, {
        method: request.method,
        url: response.redactedUrl,
        status: 401,
      });
      await ctx.onUnauthorized();
      response = await withRetry(request, attempts, options);
    }
    if (options.accept?.includes(response.status)) return response;
    if (response.status < 200 || response.status > 299) throw statusError(definition, request, response, attempts.count, secrets, now);
    return response;
  }

  return {
    send,
    throttleMs: (response) => throttleMs(definition, response, now, maxRetryAfterMs),
    sleep,
    secrets,
  };
}

/** One attempt: fresh credentials, the request, a log line; a 429 carries its reset time as Retry-After. */
async function attemptOnce(
  ctx: TransportContext,
  log: ConnectorLog | null,
  secrets: Set<string>,
  request: BuiltRequest,
  attempt: number,
): Promise<SafeHttpResponse> {
  const { definition, http } = ctx;
  ctx.signal?.throwIfAborted();
  const credentials = await ctx.credentials();
  if (credentials !== remembered.get(secrets)) {
    rememberSecrets(secrets, credentials);
    remembered.set(secrets, credentials);
  }
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(request.body !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}),
    ...definition.requestHeaders,
    ...request.headers,
    ...credentials,
  };
  try {
    const res = await http.request({ method: request.method, url: request.url, headers, body: request.body, signal: ctx.signal });
    const ok = res.status >= 200 && res.status < 300;
    log?.(ok ? 'info' : 'warn', `${request.method} ${res.redactedUrl} → ${res.status} (${res.durationMs} ms)`, {
      method: request.method,
      url: res.redactedUrl,
      status: res.status,
      durationMs: res.durationMs,
      attempt,
    });
    return res.status === 429 ? withResetAsRetryAfter(definition, res, ctx.now ?? Date.now) : res;
  } catch (err) {
    const e = err as SafeHttpError;
    log?.('warn', `${request.method} ${e.url ?? urlForMessage(request.url)} failed: ${err instanceof Error ? err.message : 'error'}`, {
      method: request.method,
      url: e.url ?? urlForMessage(request.url),
      status: null,
      durationMs: e.durationMs ?? null,
      attempt,
      error: err instanceof SafeHttpError ? err.code : 'error',
    });
    throw err;
  }
}

/** The credentials object last remembered into each transport's secrets (an API key's headers are one object). */
const remembered = new WeakMap<Set<string>, Record<string, string>>();

/** Keeps each credential header value, and the token of an `Authorization: <scheme> <token>` value, to mask them. */
function rememberSecrets(secrets: Set<string>, credentials: Record<string, string>): void {
  for (const value of Object.values(credentials)) {
    secrets.add(value);
    const token = /^\S+\s+(\S{4,})$/.exec(value)?.[1];
    if (token) secrets.add(token);
  }
}

/** withRetries honours `retry-after`; a provider may name the header differently or only send a reset time. */
export function withResetAsRetryAfter(definition: ProviderDefinition, res: SafeHttpResponse, now: () => number): SafeHttpResponse {
  if (res.headers['retry-after'] !== undefined) return res;
  const custom = definition.rateLimitHeaders?.retryAfter?.toLowerCase();
  const customValue = custom ? res.headers[custom] : undefined;
  const waitMs = customValue !== undefined ? undefined : resetWaitMs(definition, res, now);
  const retryAfter =
    customValue !== undefined
      ? Array.isArray(customValue)
        ? customValue[0]
        : customValue
      : waitMs !== undefined
        ? String(Math.ceil(waitMs / 1000))
        : undefined;
  return retryAfter === undefined ? res : { ...res, headers: { ...res.headers, 'retry-after': retryAfter } };
}

/** Milliseconds until the rate-limit window named by `rateLimitHeaders.reset` reopens, when the response says. */
export function resetWaitMs(definition: ProviderDefinition, res: SafeHttpResponse, now: () => number): number | undefined {
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
export function throttleMs(definition: ProviderDefinition, res: SafeHttpResponse, now: () => number, maxRetryAfterMs: number): number {
  const name = definition.rateLimitHeaders?.remaining?.toLowerCase();
  if (!name) return 0;
  const raw = res.headers[name];
  const remaining = Number(Array.isArray(raw) ? raw[0] : raw);
  if (raw === undefined || !Number.isFinite(remaining) || remaining > 0) return 0;
  const wait = resetWaitMs(definition, res, now);
  return wait === undefined ? 0 : Math.min(wait, maxRetryAfterMs);
}

/** The error for a final answer outside 2xx: status, redacted URL, a hint, and the provider's own message (masked). */
export function statusError(
  definition: ProviderDefinition,
  request: BuiltRequest,
  res: SafeHttpResponse,
  attempts: number,
  secrets: Iterable<string>,
  now: () => number,
): ProviderRequestError {
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
    {
      status,
      method: request.method,
      url: res.redactedUrl,
      retryable,
      providerMessage,
      attempts,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
  );
}
