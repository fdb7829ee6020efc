/**
 * Errors thrown by the safe HTTP client. Messages name the host and the reason and never contain a query
 * string, header or body, so they are safe to log and to show to the admin who configured the URL.
 *
 * Every error carries `method`, `url` (redacted: query secrets masked) and `durationMs` once the client
 * knows them, so the caller can log a failed call the same way it logs a response.
 */
export type SafeHttpErrorCode =
  | 'BLOCKED_DESTINATION'
  | 'INVALID_URL'
  | 'CONNECT_TIMEOUT'
  | 'REQUEST_TIMEOUT'
  | 'ABORTED'
  | 'RESPONSE_TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'NETWORK_ERROR'
  | 'INVALID_JSON';

export class SafeHttpError extends Error {
  /** HTTP method of the failed request, when known. */
  method?: string;
  /** URL of the failed hop with query secrets masked (see `redactUrl`), when known. */
  url?: string;
  /** Time from the start of `request()` to the failure. */
  durationMs?: number;

  constructor(
    readonly code: SafeHttpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The destination is not allowed: a private, loopback, link-local, metadata or otherwise non-public address
 * (checked on the address the socket actually connects to), a scheme other than http(s), or plain http when
 * HTTPS is required. Never retried.
 */
export class BlockedDestinationError extends SafeHttpError {
  constructor(
    /** Host name as written in the URL (IPv6 without brackets). */
    readonly host: string,
    /** Why it was refused, e.g. "loopback address". */
    readonly reason: string,
    /** The resolved address that was refused, when the refusal came from an address check. */
    readonly address?: string,
  ) {
    const where = address && address !== host ? `${host} (resolved to ${address})` : host;
    super('BLOCKED_DESTINATION', `Refused to send a request to ${where}: ${reason}`);
  }
}

/** The URL cannot be used at all (unparsable, embedded credentials, bad redirect Location). */
export class InvalidUrlError extends SafeHttpError {
  constructor(message: string) {
    super('INVALID_URL', message);
  }
}

/** A deadline passed: `phase: 'connect'` (DNS + TCP + TLS) or `'request'` (the overall deadline). */
export class RequestTimeoutError extends SafeHttpError {
  constructor(
    readonly phase: 'connect' | 'request',
    readonly timeoutMs: number,
    host: string,
  ) {
    super(
      phase === 'connect' ? 'CONNECT_TIMEOUT' : 'REQUEST_TIMEOUT',
      phase === 'connect'
        ? `Could not connect to ${host} within ${timeoutMs} ms`
        : `Request to ${host} did not complete within ${timeoutMs} ms`,
    );
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. */
export class RequestAbortedError extends SafeHttpError {
  constructor(host: string, cause: unknown) {
    super('ABORTED', `Request to ${host} was aborted`, { cause });
  }
}

export class ResponseTooLargeError extends SafeHttpError {
  constructor(
    readonly limitBytes: number,
    host: string,
  ) {
    super('RESPONSE_TOO_LARGE', `Response from ${host} is larger than the ${limitBytes}-byte limit`);
  }
}

export class TooManyRedirectsError extends SafeHttpError {
  constructor(
    readonly maxRedirects: number,
    host: string,
  ) {
    super('TOO_MANY_REDIRECTS', `Request to ${host} was redirected more than ${maxRedirects} times`);
  }
}

/** Connection refused/reset, DNS failure, TLS failure… `cause` is the original error (with its `code`). */
export class NetworkError extends SafeHttpError {
  /** The system error code (ECONNREFUSED, ENOTFOUND, ECONNRESET, CERT_HAS_EXPIRED, …) when there is one. */
  readonly causeCode?: string;

  constructor(host: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    const causeCode = typeof code === 'string' ? code : undefined;
    super('NETWORK_ERROR', `Request to ${host} failed${causeCode ? ` (${causeCode})` : ''}`, { cause });
    this.causeCode = causeCode;
  }
}

/** `response.json()` on a body that is not JSON. The body is not quoted: it may hold credentials. */
export class InvalidJsonError extends SafeHttpError {
  constructor(
    readonly status: number,
    host: string,
    bytes: number,
  ) {
    super('INVALID_JSON', `Response from ${host} (status ${status}, ${bytes} bytes) is not valid JSON`);
  }
}
