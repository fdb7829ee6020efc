import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Unauthorized } from '../../lib/errors.js';
import type { MetricsService } from './metrics.service.js';

/** The token of `Authorization: Bearer <token>`, if the request has one. */
function bearerToken(request: FastifyRequest): string | null {
  const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match ? match[1] : null;
}

/**
 * GET /metrics, Prometheus' text format (README, "Metrics"). Public to the access plugin (no session or API key
 * opens it) with a check of its own: the METRICS_TOKEN bearer, compared in constant time (401 without it or with
 * another). Without METRICS_TOKEN the route answers exactly as an unknown path does (404), so a default
 * installation shows nothing. Registered by the API (app.ts) and by each worker (worker.ts): every process serves
 * its own counters.
 */
export const metricsRoutes: FastifyPluginAsync<{ metrics: MetricsService }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      // Not part of the JSON API's document: its answer is Prometheus text (docs/api.md describes it).
      schema: { hide: true },
      // Scrapers poll it every few seconds: their requests would drown the other lines of the log.
      logLevel: 'warn',
    },
    async (request, reply) => {
      if (!metrics.enabled) return reply.callNotFound();
      if (!metrics.tokenMatches(bearerToken(request))) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new Unauthorized('GET /metrics needs the METRICS_TOKEN as a bearer token');
      }
      const body = await metrics.scrape();
      return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(body);
    },
  );
};
