import Fastify from 'fastify';
import type { Db } from '../../db/client.js';
import type { Config } from './config.js';
import { loggerOptions } from './lib/logger.js';
import { closeUnusedConnectionsOnClose } from './lib/unused-connections.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { createServices } from './services.js';
import { collectProcessMetrics } from './lib/metrics.js';
import { metricsRoutes } from './modules/metrics/metrics.routes.js';
import { createMetricsListener, listenForMetrics } from './modules/metrics/metrics-listener.js';
import { metricsServed } from './modules/metrics/metrics.service.js';

/**
 * The `worker` role: fires schedules and executes runs from the shared job store, sends webhook deliveries, and serves no API —
 * only GET /healthz and /readyz on HOST:PORT, for an orchestrator's liveness and readiness probes
 * (PORT=0 picks a free port, e.g. for several workers on one machine), and GET /metrics: a worker's counters (runs,
 * records, deliveries, token refreshes) are its own, so each worker is scraped (README, Metrics). `close()` drains like the
 * API process does: running jobs first (agenda.drain), then runs in flight, then the HTTP client;
 * the caller closes the database.
 */
export async function startWorker({ config, db }: { config: Config; db: Db }) {
  const server = Fastify({ logger: loggerOptions(config.logLevel) });
  closeUnusedConnectionsOnClose(server);
  const services = createServices('worker', { db, config, logger: server.log });
  if (metricsServed(config)) collectProcessMetrics();
  await server.register(healthRoutes, { db });
  await server.register(metricsRoutes, { metrics: services.metrics });
  if (config.metrics.port !== null) listenForMetrics(server, createMetricsListener(services.metrics, config.metrics.port));
  server.addHook('onClose', async () => services.close());
  await services.scheduler.start();
  services.webhookEvents.start();
  services.deliveries.start();
  await server.listen({ host: config.host, port: config.port });
  return server;
}
