import fp from 'fastify-plugin';
import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { httpRequestDuration } from '../lib/metrics.js';

/** Where one route (and method) records its durations: one histogram child per status code, made on first use. */
function routeObserver(method: string, route: string): (statusCode: number, seconds: number) => void {
  const byStatus = new Map<number, { observe(seconds: number): void }>();
  return (statusCode, seconds) => {
    let child = byStatus.get(statusCode);
    if (!child) {
      child = httpRequestDuration.labels(method, route, String(statusCode));
      byStatus.set(statusCode, child);
    }
    child.observe(seconds);
  };
}

/**
 * The HTTP request duration histogram (lib/metrics.ts), labelled by the route's pattern (`/api/orgs/:orgId/runs`),
 * never the URL, so no id, token or query string becomes a label and the series stay as few as the routes.
 *
 * Cheap on the hot path: each route gets its own onResponse hook when it is registered (onRoute), which knows its
 * pattern already, so a response costs two Map lookups and the observe, with reply.elapsedTime (Fastify's own
 * timing); reading request.routeOptions instead would build an object per request. Requests no route matched are
 * recorded under the route `unmatched`. Registered before the routes, and only when metrics are served (METRICS_TOKEN).
 */
export default fp(async function httpMetricsPlugin(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const observers = new Map(methods.map((method) => [method, routeObserver(method, route.url)]));
    const record: onResponseHookHandler = (request, reply, done) => {
      // A HEAD route made from a GET one may carry the GET's hook too: each records its own method only.
      observers.get(request.method)?.(reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    const existing = route.onResponse;
    route.onResponse = existing === undefined ? [record] : [...(Array.isArray(existing) ? existing : [existing]), record];
  });

  const unmatched = new Map<string, ReturnType<typeof routeObserver>>();
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) {
      // The HTTP parser admits a fixed list of methods only, so this label stays bounded too.
      let observe = unmatched.get(request.method);
      if (!observe) {
        observe = routeObserver(request.method, 'unmatched');
        unmatched.set(request.method, observe);
      }
      observe(reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
});
