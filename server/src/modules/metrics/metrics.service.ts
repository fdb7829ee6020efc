import { timingSafeEqual, createHash } from 'node:crypto';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Db } from '../../../../db/client.js';
import { inScope } from '../../lib/db-scope.js';
import { metricsRegistry } from '../../lib/metrics.js';
import * as runs from '../runs/runs.port.js';
import type { Config } from '../../config.js';

/** Whether this process serves metrics, and so collects them: METRICS_TOKEN or METRICS_PORT set. */
export function metricsServed(config: Pick<Config, 'metrics'>): boolean {
  return config.metrics.token !== null || config.metrics.port !== null;
}

/**
 * What GET /metrics answers (README, "Metrics"): this process's counters and histograms (lib/metrics.ts), and what
 * every process reads alike from the database at scrape time — the run queue (depth, dispatch lag) — plus this
 * process's database pool. One small query per scrape, on the partial index of active runs.
 */
export function createMetricsService({ db, token }: { db: Db; token: string | null }) {
  const registry = new Registry();
  const activeRuns = new Gauge({
    name: 'linkyard_runs_active',
    help: 'Runs queued or running now, from the database (the same in every process: use max, not sum, across processes)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const dispatchLag = new Gauge({
    name: 'linkyard_runs_dispatch_lag_seconds',
    help: 'Seconds the oldest due queued run has waited for a worker (0 when none waits), from the database',
    registers: [registry],
  });
  const databaseUp = new Gauge({
    name: 'linkyard_metrics_database_up',
    help: '1 when the database answered this scrape (the run gauges are current), 0 when it did not',
    registers: [registry],
  });

  const pool = db.poolStats;
  if (pool) {
    new Gauge({
      name: 'linkyard_db_pool_connections',
      help: "This process's database pool: connections open, idle, and queries waiting for one",
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const s = pool();
        this.set({ state: 'total' }, s.total);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'waiting' }, s.waiting);
      },
    });
    new Counter({
      name: 'linkyard_db_pool_wait_seconds_total',
      help: 'Seconds queries of this process waited for a pool connection, in total (divide by acquisitions for the mean)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(pool().waitSeconds);
      },
    });
    new Counter({
      name: 'linkyard_db_pool_acquisitions_total',
      help: 'Connections this process took from its database pool',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(pool().acquisitions);
      },
    });
  }

  async function readQueue(): Promise<void> {
    try {
      const q = await inScope(db, { platform: true }, (tx) => runs.queueStats(tx));
      activeRuns.set({ status: 'queued' }, q.queued);
      activeRuns.set({ status: 'running' }, q.running);
      dispatchLag.set(q.oldestDueSeconds);
      databaseUp.set(1);
    } catch {
      // Still answer with what this process knows; stale database figures are left out rather than repeated.
      activeRuns.reset();
      dispatchLag.reset();
      databaseUp.set(0);
    }
  }

  const expected = token === null ? null : digest(token);
  return {
    /** Whether metrics are served at all (METRICS_TOKEN set). */
    enabled: expected !== null,
    /** Whether `presented` is the METRICS_TOKEN, compared in constant time (as digests: equal lengths whatever was sent). */
    tokenMatches(presented: string | null): boolean {
      return expected !== null && presented !== null && timingSafeEqual(digest(presented), expected);
    },
    contentType: metricsRegistry.contentType,
    /** The Prometheus text exposition of every metric. */
    async scrape(): Promise<string> {
      await readQueue();
      return Registry.merge([metricsRegistry, registry]).metrics();
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export type MetricsService = ReturnType<typeof createMetricsService>;
