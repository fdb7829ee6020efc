import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service.js';

/**
 * METRICS_PORT: GET /metrics without a token on 127.0.0.1 only, for a Prometheus (or agent) on the same host or in
 * the same pod. Every other path and method is a 404. Plain node:http: nothing else is served here, so none of the
 * API's plugins apply. `start` and `close` are hooked to the process's server (onListen, onClose).
 */
export function createMetricsListener(metrics: MetricsService, port: number) {
  let server: Server | null = null;
  return {
    async start(): Promise<void> {
      const s = createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
          return;
        }
        metrics.scrape().then(
          (body) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(body),
          () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics failed\n'),
        );
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
    },
    /** The port listened on (METRICS_PORT=0 picks a free one), null before start. */
    port(): number | null {
      return server ? (server.address() as AddressInfo).port : null;
    },
    async close(): Promise<void> {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

/** The listener opens when the process's server listens (not for `inject`), and closes with it. */
export function listenForMetrics(server: Pick<FastifyInstance, 'addHook'>, listener: ReturnType<typeof createMetricsListener>): void {
  server.addHook('onListen', () => listener.start());
  server.addHook('onClose', () => listener.close());
}
