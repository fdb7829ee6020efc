import type { FastifyRequest } from 'fastify';
import { Forbidden } from '../lib/errors.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../lib/session-cookies.js';

/** The admin UI's catch-all route: every path that is not an API route is a page (plugins/admin-ui). */
export const UI_PAGES_ROUTE = '/*';

/** Methods that change something; only these are checked for cross-site forgery. */
export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The cookies that carry a session: a request holding one acts as the browser's user. */
const SESSION_COOKIES = [ACCESS_COOKIE, REFRESH_COOKIE];

/**
 * Cross-site request forgery checks, shared by the API and the admin UI's pages.
 *
 * SameSite=Lax is not enough on its own: sibling hosts (`evil.example.com` beside `linkyard.example.com`)
 * count as the same *site*, and a `<form enctype="text/plain">` is a "simple" request that no CORS
 * preflight stops. So what a browser cannot forge is checked: the `Origin` it attaches to every write
 * and, for the API, a JSON content type (which a cross-origin page can only send after a preflight we never grant).
 */
export function createSameOriginChecks(publicUrl: string) {
  const publicOrigin = new URL(publicUrl).origin;

  /** Our own origins: PUBLIC_URL's, and the one the request itself was addressed to (a direct or internal address). */
  function isOwnOrigin(request: FastifyRequest, origin: string): boolean {
    if (origin === publicOrigin) return true;
    try {
      // Normalised: browsers leave out a default port that the Host header may carry ("localhost:80").
      return origin === new URL(`${request.protocol}://${request.host}`).origin;
    } catch {
      return false;
    }
  }

  /** A browser says where a request comes from; anything from another site (even a sibling host) is refused. */
  function fromOtherSite(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    return site === 'cross-site' || site === 'same-site' || (origin !== undefined && !isOwnOrigin(request, origin));
  }

  return {
    /** The admin UI's pages: forms post from this origin (plain form encodings are fine there). */
    refuseCrossSiteForms(request: FastifyRequest) {
      if (UNSAFE_METHODS.has(request.method) && fromOtherSite(request)) {
        throw new Forbidden('Forms may only be submitted from Linkyard itself');
      }
    },

    /**
     * The JSON API, for callers that authenticate with the session cookies (the browser): a write must come
     * from this origin and be JSON. Bearer-authenticated callers (scripts, other systems) are not affected:
     * a forged cross-site request cannot carry an Authorization header.
     */
    refuseForgedApiWrites(request: FastifyRequest) {
      if (!UNSAFE_METHODS.has(request.method)) return;
      if (/^bearer\s/i.test(request.headers.authorization ?? '')) return;
      const cookies = request.cookies ?? {};
      if (!SESSION_COOKIES.some((name) => cookies[name])) return;
      const origin = request.headers.origin;
      if (origin === undefined || fromOtherSite(request)) {
        throw new Forbidden(
          'Requests that use the session cookies must come from Linkyard itself (this site’s Origin header); other programs should use an Authorization header',
        );
      }
      const contentType = request.headers['content-type'];
      const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
      if ((hasBody || contentType !== undefined) && !/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
        throw new Forbidden('Requests that use the session cookies must send JSON (Content-Type: application/json)');
      }
    },
  };
}
