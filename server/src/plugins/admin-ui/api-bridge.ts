import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../../lib/session-cookies.js';

/** One API call made by a loader or an action of the admin UI. */
export interface UiApiCall {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query string, e.g. `/api/orgs/…/integrations?status=ERROR`. */
  path: string;
  body?: unknown;
  /** The one request header the UI passes on: a push's `Idempotency-Key`, so a form sent twice writes once. */
  idempotencyKey?: string;
}

export interface UiApiResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * The admin UI's way into the API: each call goes through `app.inject`, so it passes the same
 * authentication, tenant, role, rate-limit and validation checks as any outside client, with the browser's
 * cookies, IP and user agent.
 *
 * Sessions: when the access cookie has expired (the browser stops sending it) the bridge exchanges the
 * refresh cookie once per page request, retries, and hands the new cookies to the browser with the page.
 * Requests that arrive together after an expiry (a page and its background fetches) share the refresh that is
 * in flight for their token. Once it has answered, the token is spent: a later request presenting it again is
 * reuse — exactly what a stolen copy looks like — and the API revokes the whole session family.
 */
export function createApiBridge(app: FastifyInstance, publicUrl: string) {
  // The API refuses cookie-authenticated writes without this site's Origin; the UI's own calls carry it.
  const origin = new URL(publicUrl).origin;
  const refreshesInFlight = new Map<string, Promise<UiApiResult>>();

  function sharedRefresh(refreshToken: string, request: FastifyRequest): Promise<UiApiResult> {
    let pending = refreshesInFlight.get(refreshToken);
    if (!pending) {
      pending = inject(request, { method: 'POST', path: '/api/auth/refresh' }, `${REFRESH_COOKIE}=${refreshToken}`).finally(() =>
        refreshesInFlight.delete(refreshToken),
      );
      refreshesInFlight.set(refreshToken, pending);
    }
    return pending;
  }

  async function inject(request: FastifyRequest, call: UiApiCall, cookieHeader: string): Promise<UiApiResult> {
    const hasBody = call.body !== undefined;
    const res = await app.inject({
      method: call.method,
      url: call.path,
      remoteAddress: request.ip,
      headers: {
        ...(cookieHeader ? { cookie: cookieHeader } : {}),
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
        'user-agent': request.headers['user-agent'] ?? '',
        'x-request-id': request.id,
        origin,
      },
      ...(hasBody ? { payload: JSON.stringify(call.body) } : {}),
    });
    return { status: res.statusCode, headers: res.headers as UiApiResult['headers'], body: res.body };
  }

  /** A per-page-request API client: it keeps the cookie jar current and collects cookies for the browser. */
  return function forRequest(request: FastifyRequest) {
    const jar = new Map(Object.entries(request.cookies ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const cookiesForBrowser: string[] = [];
    let refreshed: Promise<boolean> | null = null;

    const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

    function absorb(result: UiApiResult) {
      const setCookie = result.headers['set-cookie'];
      for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
        cookiesForBrowser.push(line);
        const [pair, ...attributes] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const cleared = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
        if (cleared || eq === -1) jar.delete(name);
        else jar.set(name, pair.slice(eq + 1).trim());
      }
    }

    function refreshOnce(): Promise<boolean> {
      const token = jar.get(REFRESH_COOKIE);
      if (!token) return Promise.resolve(false);
      refreshed ??= sharedRefresh(token, request).then((result) => {
        absorb(result);
        return result.status === 200;
      });
      return refreshed;
    }

    return {
      async call(call: UiApiCall): Promise<UiApiResult> {
        if (!jar.has(ACCESS_COOKIE) && jar.has(REFRESH_COOKIE)) await refreshOnce();
        let result = await inject(request, call, cookieHeader());
        if (result.status === 401 && !call.path.startsWith('/api/auth/') && (await refreshOnce())) {
          result = await inject(request, call, cookieHeader());
        }
        absorb(result);
        return result;
      },
      /** Adds a cookie of the UI's own (e.g. a one-time flash message) to the response. */
      setCookie(line: string) {
        cookiesForBrowser.push(line);
      },
      cookiesForBrowser,
    };
  };
}

export type UiRequestApi = ReturnType<ReturnType<typeof createApiBridge>>;
