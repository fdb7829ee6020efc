import type { SafeHttpClient } from '../../lib/safe-http/index.js';
import type { ProviderDefinition, ResourceDefinition } from '../../providers/provider-definition.js';
import type { Selection } from '../syncs/selective.js';

/** The REST connector's contract with its caller: the context it runs in, its cursor, pages, logs and limits. */

export interface ConnectorCursor {
  /** Position inside a listing in progress (opaque); null/absent when no listing is in progress. */
  page?: unknown;
  /** ISO-8601 high-water mark the next incremental listing starts from. */
  since?: string | null;
  /** Provider sync token the next incremental listing starts from (`sync_token` resources). */
  syncToken?: string | null;
  /** Latest modification time seen by the listing so far (ISO-8601). */
  highWater?: string | null;
}

export interface ConnectorLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** e.g. `{ method, url (redacted), status, durationMs, attempt }` for requests. */
  data?: Record<string, unknown>;
}

export interface ConnectorRetryOptions {
  /** Attempts per request for 429, 5xx and transient network errors, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Longest Retry-After (or rate-limit reset) honoured by waiting; a longer one fails the request with a
   * retryable ProviderRequestError carrying `retryAfterMs`, so the run can be rescheduled instead of holding a
   * worker. Default: max(maxDelayMs, 120 s).
   */
  maxRetryAfterMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests (backoff jitter). */
  random?: () => number;
}

export interface RestConnectorContext {
  definition: ProviderDefinition;
  resource: ResourceDefinition;
  /** Settings + connection values + resource pathDefaults (`templateValues()` of provider-endpoints.ts). */
  templateValues: Record<string, string>;
  /** Auth headers for the next request (called before every attempt, so a refreshed token is picked up). */
  credentials: () => Promise<Record<string, string>>;
  /** Called once on a 401, then the request is retried once. */
  onUnauthorized: () => Promise<void>;
  http: SafeHttpClient;
  /** Absent: nothing is logged (a writer's caller records each write's outcome, not a line per request). */
  log?: (entry: ConnectorLogEntry) => void;
  retry?: ConnectorRetryOptions;
  signal?: AbortSignal;
  /** Records per request; clamped to the definition's maximum. Default: the definition's default. */
  pageSize?: number;
  /** Accept http:// API URLs (development and tests, with ALLOW_PRIVATE_NETWORK_TARGETS). Default false. */
  allowHttp?: boolean;
  /** Pages per listing before giving up with a PaginationError. Default 100,000. */
  maxPages?: number;
  /** Clock, injectable for tests. Default Date.now. */
  now?: () => number;
  /** Selective sync: fields to fetch and filters (pushed to the provider where it can, else applied to each page). */
  selection?: Selection;
}

export interface Page {
  /** Records with an external id, as the provider sent them. */
  records: unknown[];
  /** `externalIds[i]` belongs to `records[i]` (numbers coerced to strings). */
  externalIds: string[];
  /** `updatedAt[i]` is `records[i]`'s modification time as ISO-8601 UTC, or null. */
  updatedAt: (string | null)[];
  /**
   * `etags[i]` is `records[i]`'s version where the resource's writes declare it inside the record (Google's event
   * `etag`): stored as the base a push's `If-Match` sends. Absent: the stored versions are left as they are.
   */
  etags?: (string | null)[];
  /** Where to resume after this page is committed (see the module comment). */
  cursor: ConnectorCursor;
  /** True on the listing's last page; its cursor is the starting point of the next incremental run. */
  done: boolean;
  /** Records of this page left out by selective sync's filters applied locally (counted as `skipped`). */
  filtered: number;
}

export interface ListPagesOptions {
  mode: 'full' | 'incremental';
  cursor: ConnectorCursor | null;
}

export const DEFAULT_RETRY: Readonly<Required<Pick<ConnectorRetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>>> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
});
export const DEFAULT_MAX_PAGES = 100_000;
