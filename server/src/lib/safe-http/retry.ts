import { NetworkError, RequestTimeoutError } from './errors.js';

/**
 * Retries for provider calls (docs/architecture.md, Sync engine): on 429 and 503 honour `Retry-After` (seconds or an
 * HTTP date); otherwise, on 429, 5xx and transient network errors, back off exponentially with full jitter.
 * Attempts are bounded. Any other 4xx — including 401, which the caller answers with a token refresh — is
 * returned at once.
 *
 * `fn` may resolve to a response-like value (`{ status, headers }`: a SafeHttpResponse or a WHATWG
 * Response) or throw; a thrown error that carries `status` (and optionally `headers`) is judged like a
 * response. When attempts run out, the last response is returned (or the last error rethrown), so the
 * caller sees the real status and `Retry-After`.
 */
export interface RetryOptions {
  /** Total attempts including the first (≥ 1). */
  maxAttempts: number;
  /** Backoff before retry n is random(0, min(maxDelayMs, baseDelayMs · 2^(n-1))). */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Longest `Retry-After` the helper will wait (default: maxDelayMs). A longer one ends the retries and
   * returns the 429/503 to the caller, which can reschedule instead of holding a worker.
   */
  maxRetryAfterMs?: number;
  /** Called before each wait; log here. */
  onRetry?: (info: RetryInfo) => void;
  /** Injectable for tests. Default: a timer that rejects with the signal's reason when aborted. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests. Default Math.random. */
  random?: () => number;
  /** Injectable for tests (HTTP-date Retry-After). Default Date.now. */
  now?: () => number;
  /** Stops waiting (the sleep rejects) and stops further attempts. */
  signal?: AbortSignal;
  /** Which thrown errors without a status are worth retrying. Default `isRetryableError`. */
  isRetryableError?: (err: unknown) => boolean;
  /**
   * Which statuses are worth retrying. Default `isRetryableStatus` (429, 5xx). A non-idempotent write narrows it to
   * 429: a 5xx may come after the provider applied the write.
   */
  isRetryableStatus?: (status: number) => boolean;
}

export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** How long the helper will wait before the next attempt. */
  delayMs: number;
  /** Status of the failed attempt, when it produced one. */
  status?: number;
  /** Error of the failed attempt, when it threw. */
  error?: unknown;
  /** Set when the delay came from the response's Retry-After header. */
  retryAfterMs?: number;
}

/** Network-level failures that a later attempt may not hit. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
]);

/**
 * Default for thrown errors: timeouts and transient network errors are retried; blocked destinations,
 * invalid URLs, oversized responses, redirect loops, aborts, DNS NXDOMAIN and TLS certificate errors are not.
 */
export function isRetryableError(err: unknown): boolean {
  if (err instanceof RequestTimeoutError) return true;
  if (err instanceof NetworkError) return err.causeCode !== undefined && TRANSIENT_CODES.has(err.causeCode);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * `Retry-After` in milliseconds from `now`: delta-seconds (`120`) or an HTTP date; a date in the past is 0.
 * Undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | readonly string[] | null | undefined, now: number = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value) as string | null | undefined;
  if (raw === undefined || raw === null) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function statusOf(value: unknown): number | undefined {
  const status = (value as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function retryAfterOf(value: unknown): string | readonly string[] | undefined {
  const headers = (value as { headers?: unknown } | null)?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get('retry-after') ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  return record['retry-after'] ?? Object.entries(record).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxAttempts, baseDelayMs, maxDelayMs, signal } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number ≥ 1');
  if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) throw new RangeError('baseDelayMs and maxDelayMs must be ≥ 0');
  const maxRetryAfterMs = options.maxRetryAfterMs ?? maxDelayMs;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const retryableError = options.isRetryableError ?? isRetryableError;
  const retryableStatus = options.isRetryableStatus ?? isRetryableStatus;

  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await fn(attempt) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const subject = outcome.ok ? outcome.value : outcome.error;
    const finish = (): T => {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    };

    const status = statusOf(subject);
    const retryable = status !== undefined ? retryableStatus(status) : !outcome.ok && retryableError(outcome.error);
    if (!retryable || attempt >= maxAttempts) return finish();

    let delayMs: number;
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfterOf(subject), now()) : undefined;
    if (retryAfterMs !== undefined) {
      if (retryAfterMs > maxRetryAfterMs) return finish();
      delayMs = retryAfterMs;
    } else {
      delayMs = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
    options.onRetry?.({
      attempt,
      delayMs,
      ...(status !== undefined ? { status } : {}),
      ...(!outcome.ok ? { error: outcome.error } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    await sleep(delayMs, signal);
  }
}
