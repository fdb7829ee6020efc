/**
 * The HTTP side of CalDAV shared by the connector (reads) and the writer: the connection context, WebDAV requests
 * (PROPFIND/REPORT answered by a multistatus) through the SSRF-safe client with basic auth, the host rule for
 * hrefs a server returns, and URL helpers. A 401 is a `CalDavAuthError`; other failures are `CalDavError`s
 * carrying `status` and `headers` so `withRetries` can judge them. Messages never contain response bodies or
 * credentials.
 *
 * Hosts: hrefs a server returns are followed on the base URL's origin, or on a sibling host under the same
 * parent domain over https (iCloud serves the calendar home from `pNN-caldav.icloud.com` for a base of
 * `caldav.icloud.com`); anything else is refused, so a server cannot point our credentials at an unrelated host.
 */
import { basicHeaders } from '../oauth/provider-endpoints.js';
import { withRetries, type RetryOptions, type SafeHttpClient, type SafeHttpResponse } from '../../lib/safe-http/index.js';
import { CalDavAuthError, CalDavError, parseMultistatus, type DavResponse } from './caldav-protocol.js';

export interface CalDavContext {
  /** The integration's `calendarUrl` setting, or the definition's default. */
  baseUrl: string;
  username: string;
  password: string;
  http: SafeHttpClient;
  log: (e: { level: 'debug' | 'info' | 'warn' | 'error'; message: string; data?: Record<string, unknown> }) => void;
  signal?: AbortSignal;
  /** Retries per request (429/5xx/transient network errors). Absent: no retries here; the caller may retry. */
  retry?: Omit<RetryOptions, 'signal'>;
}

export function redacted(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Hosts we follow hrefs to: see the file comment. */
export function assertAllowedTarget(ctx: CalDavContext, target: string): void {
  const base = new URL(ctx.baseUrl);
  const url = new URL(target);
  if (url.origin === base.origin) return;
  const parentOf = (host: string) => {
    const labels = host.split('.');
    return labels.length >= 3 ? labels.slice(1).join('.') : host;
  };
  const isIp = /^[\d.]+$|^\[/.test(base.hostname);
  const parent = parentOf(base.hostname);
  const sibling =
    !isIp && url.protocol === 'https:' && base.protocol === 'https:' && (url.hostname === parent || url.hostname.endsWith(`.${parent}`));
  if (!sibling) {
    throw new CalDavError('protocol', `The CalDAV server pointed to ${url.host}, which is not under ${base.host}; refused`, {
      url: redacted(target),
    });
  }
}

export async function davRequest(
  ctx: CalDavContext,
  method: 'PROPFIND' | 'REPORT',
  url: string,
  depth: '0' | '1',
  body: string,
): Promise<DavResponse[]> {
  assertAllowedTarget(ctx, url);
  const send = () =>
    ctx.http.request({
      method,
      url,
      body,
      signal: ctx.signal,
      headers: {
        ...basicHeaders(ctx.username, ctx.password),
        'content-type': 'application/xml; charset=utf-8',
        accept: 'application/xml, text/xml',
        depth,
      },
    });
  const res: SafeHttpResponse = ctx.retry
    ? await withRetries(send, {
        ...ctx.retry,
        signal: ctx.signal,
        onRetry: (info) => {
          ctx.log({
            level: 'warn',
            message: 'CalDAV request failed; retrying',
            data: { method, url: redacted(url), attempt: info.attempt, status: info.status, delayMs: info.delayMs },
          });
          ctx.retry?.onRetry?.(info);
        },
      })
    : await send();
  ctx.log({
    level: 'debug',
    message: 'CalDAV request',
    data: { method: res.method, url: res.redactedUrl, status: res.status, durationMs: res.durationMs },
  });
  const where = res.redactedUrl;
  if (res.status === 207) return parseMultistatus(res.body, res.url);
  const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined;
  const details = { status: res.status, url: where, retryAfter };
  if (res.status === 401) throw new CalDavAuthError(where);
  if (res.status === 403) throw new CalDavError('forbidden', `The CalDAV server refused access to ${redacted(url)} (HTTP 403)`, details);
  if (res.status === 404) throw new CalDavError('not_found', `${redacted(url)} does not exist on the CalDAV server (HTTP 404)`, details);
  if (res.status === 429) throw new CalDavError('rate_limited', 'The CalDAV server is rate limiting requests (HTTP 429)', details);
  if (res.status >= 500) throw new CalDavError('server_error', `The CalDAV server failed (HTTP ${res.status})`, details);
  if (res.status >= 200 && res.status < 300) {
    // Some servers answer 200 with a multistatus body; anything else is not a WebDAV answer.
    const type = String(res.headers['content-type'] ?? '');
    if (/xml/i.test(type)) return parseMultistatus(res.body, res.url);
    throw new CalDavError(
      'protocol',
      `${method} ${redacted(url)} answered HTTP ${res.status} without a multistatus body; is this a CalDAV URL?`,
      details,
    );
  }
  throw new CalDavError('http_error', `${method} ${redacted(url)} answered HTTP ${res.status}`, details);
}

/** Same collection, whatever the percent-encoding and trailing slash. */
export function sameResource(a: string, b: string): boolean {
  const norm = (u: string) => {
    const url = new URL(u);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    return `${url.origin}${path.replace(/\/+$/, '')}`;
  };
  return norm(a) === norm(b);
}
