import type { ErrorKind } from '../../lib/error-kind.js';
import { readJsonPointer } from '../../providers/json-pointer.js';

/**
 * Typed failures of a connector listing. Messages are safe to store in `sync_runs.error` and show to the admin:
 * they name the provider, the status and the URL without its query string, plus at most a short, truncated
 * message the provider put in a well-known error field — never the raw response body, which may echo a credential.
 */

export type ConnectorErrorCode =
  /** The provider answered a non-2xx status (after retries for 429/5xx, after one refresh for 401). */
  | 'http_status'
  /** A 2xx body carried a value at the definition's `errorPath` (Slack `ok: false`, GraphQL `errors`). */
  | 'provider_error'
  /** The provider could not be reached (connection refused, timeout, blocked destination…). */
  | 'network'
  /** A 2xx body that is not JSON, or whose records are not an array. */
  | 'invalid_response'
  /** The same page position came back twice: following it would loop forever. */
  | 'cursor_repeated'
  /** More pages than the listing cap: a provider that never stops. */
  | 'page_limit'
  /** A next-page URL on another origin than the API base. */
  | 'unsafe_next_url'
  /** The definition asks for something the REST connector cannot do (a CalDAV REPORT resource). */
  | 'unsupported';

export class ConnectorError extends Error {
  /** Which remedy helps, when the thrower knows better than the code and status say (error-kinds.ts). */
  readonly kind?: ErrorKind;

  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    /** Whether running again later, with nothing changed, may succeed (a provider outage, a long Retry-After). */
    readonly retryable: boolean,
    options?: { cause?: unknown; kind?: ErrorKind },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.kind) this.kind = options.kind;
  }
}

export interface ProviderRequestErrorDetails {
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  method: string;
  /** The request URL with query secrets masked (safe to log). */
  url: string;
  retryable: boolean;
  /** The provider's own error message or code, sanitised and truncated; null when it sent none. */
  providerMessage?: string | null;
  /** The provider's Retry-After (429/503) when it was longer than the connector is willing to wait. */
  retryAfterMs?: number;
  /** Attempts made for this request. */
  attempts?: number;
}

/** A provider call that failed for good. */
export class ProviderRequestError extends ConnectorError {
  readonly status: number | null;
  readonly method: string;
  readonly url: string;
  readonly providerMessage: string | null;
  readonly retryAfterMs?: number;
  readonly attempts?: number;

  constructor(code: ConnectorErrorCode, message: string, details: ProviderRequestErrorDetails, options?: { cause?: unknown }) {
    super(code, message, details.retryable, options);
    this.status = details.status;
    this.method = details.method;
    this.url = details.url;
    this.providerMessage = details.providerMessage ?? null;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.attempts !== undefined) this.attempts = details.attempts;
  }
}

/** Pagination that cannot be followed safely (loops, runaway listings, off-origin next links). */
export class PaginationError extends ConnectorError {
  constructor(code: 'cursor_repeated' | 'page_limit' | 'unsafe_next_url' | 'unsupported', message: string) {
    super(code, message, false);
  }
}

/** Where providers put a human-readable error message, most specific first. */
const MESSAGE_POINTERS = [
  '/error/message', // Stripe, Google
  '/message', // GitHub, HubSpot, Notion, Slack (some), Mailchimp
  '/errorMessages/0', // Jira
  '/0/message', // Salesforce (an array of errors)
  '/errors/0/message', // GraphQL, Jira field errors
  '/errors/0/detail', // JSON:API
  '/error_description', // OAuth-style
  '/detail', // RFC 9457 problem details, Mailchimp
  '/title',
  '/fault/faultstring',
  '/Fault/Error/0/Message', // QuickBooks
  '/error', // Slack `error: "invalid_auth"`, Zendesk
];
/** Short machine codes worth adding when present. */
const CODE_POINTERS = [
  '/error/code',
  '/error/type',
  '/errorCode',
  '/0/errorCode',
  '/code',
  '/category',
  '/errors/0/extensions/code',
  '/extensions/code',
];
const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_MESSAGE = 200;

/** Credential-shaped text a provider may echo back (`Bearer abc…`, `Basic …`, `token=…`). */
const CREDENTIAL_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic|OAuth|Token)\s+[A-Za-z0-9._~+/=-]{4,}/gi, '$1 [redacted]'],
  [/\b((?:access_|refresh_|id_)?token|api_?key|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi, '$1$2[redacted]'],
];

/** Strips control characters, masks the given secrets and credential-shaped text, and truncates. */
export function sanitiseProviderText(text: string, secrets: Iterable<string>): string {
  let out = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE - 1)}…` : out;
}

/** The provider's error message (and code) from a parsed error body, or from an `errorPath` value. */
export function providerErrorMessage(body: unknown, secrets: Iterable<string>): string | null {
  let message: string | null = null;
  if (typeof body === 'string') message = body;
  else {
    for (const pointer of MESSAGE_POINTERS) {
      const value = readJsonPointer(body, pointer);
      if (typeof value === 'string' && value.trim() !== '') {
        message = value;
        break;
      }
    }
    message ??= fieldErrorMessage(body);
  }
  let code: string | null = null;
  if (body !== null && typeof body === 'object') {
    for (const pointer of CODE_POINTERS) {
      const value = readJsonPointer(body, pointer);
      if ((typeof value === 'string' || typeof value === 'number') && SAFE_CODE.test(String(value))) {
        code = String(value);
        break;
      }
    }
  }
  if (message === null && code === null) return null;
  const text = message === null ? code! : code !== null && !message.includes(code) ? `${message} (${code})` : message;
  const sanitised = sanitiseProviderText(text, secrets);
  return sanitised === '' ? null : sanitised;
}

/** The URL for an error message: origin and path, without the query (long, and the least safe part). */
export function urlForMessage(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 120 ? `${u.pathname.slice(0, 119)}…` : u.pathname;
    return `${u.origin}${path}`;
  } catch {
    return url.split(/[?#]/, 1)[0].slice(0, 160);
  }
}

/**
 * Jira's validation answers name the field as a key and leave `errorMessages` empty: `{ errorMessages: [], errors: {
 * summary: "You must specify a summary of the issue." } }` (the first one is enough to say what was refused).
 */
function fieldErrorMessage(body: unknown): string | null {
  const errors = readJsonPointer(body, '/errors');
  if (errors === null || typeof errors !== 'object' || Array.isArray(errors)) return null;
  const first = Object.entries(errors).find(([, value]) => typeof value === 'string' && value.trim() !== '');
  return first ? `${first[0]}: ${first[1] as string}` : null;
}
