import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunStatus, RunTrigger } from '../../../db/schema.js';

/**
 * The process's Prometheus metrics (GET /metrics, README "Metrics"): counters and histograms of what this process
 * did since it started. They live in this process only: every process (each API process, each worker) is scraped,
 * and dashboards sum them across processes. What is the same for every process (queue depth, dispatch lag) is read
 * from the database at scrape time instead (modules/metrics).
 *
 * Every label value is from a small fixed set (a run status, a route pattern, an outcome): never an id, an email,
 * a URL, an organization or anything a caller typed, so no secret reaches a label and the series stay few.
 */
export const metricsRegistry = new Registry();

const FINISHED: Exclude<RunStatus, 'queued' | 'running'>[] = ['succeeded', 'failed', 'cancelled'];
const TRIGGERS: RunTrigger[] = ['schedule', 'manual', 'webhook', 'retry', 'push'];

/**
 * Runs that ended in this process, by final status and trigger: those its executor finished (after the finish
 * committed), and those cancelled through its API before any worker took them (they never reach an executor).
 */
export const runsFinished = new Counter({
  name: 'linkyard_runs_finished_total',
  help: 'Sync runs that ended in this process (executed to their end, or cancelled while queued), by final status and trigger',
  labelNames: ['status', 'trigger'] as const,
  registers: [metricsRegistry],
});

/** Records a sync stored, by change: created, updated, or marked deleted (after the page's transaction committed). */
export const recordsWritten = new Counter({
  name: 'linkyard_records_written_total',
  help: 'Records stored by sync runs of this process, by change (created, updated, deleted)',
  labelNames: ['change'] as const,
  registers: [metricsRegistry],
});

/**
 * Records a push run wrote to the provider, by outcome: applied, conflict (changed on both sides), failed, skipped
 * (nothing to send). Counted after the outcomes' transaction committed, once per write even when a worker that took a
 * run over re-sends it.
 */
export const pushWrites = new Counter({
  name: 'linkyard_push_writes_total',
  help: 'Record writes to providers finished by push runs of this process, by outcome (applied, conflict, failed, skipped)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** Adds a push's committed outcomes (a run's counters: pushed = applied) to linkyard_push_writes_total. */
export function countPushWrites(c: { pushed?: number; conflicts?: number; failed?: number; skipped?: number }): void {
  if (c.pushed) pushWrites.inc({ outcome: 'applied' }, c.pushed);
  if (c.conflicts) pushWrites.inc({ outcome: 'conflict' }, c.conflicts);
  if (c.failed) pushWrites.inc({ outcome: 'failed' }, c.failed);
  if (c.skipped) pushWrites.inc({ outcome: 'skipped' }, c.skipped);
}

/** Outbound webhook delivery attempts, by outcome: succeeded, retrying (failed, another attempt is scheduled), failed (given up). */
export const webhookDeliveryAttempts = new Counter({
  name: 'linkyard_webhook_delivery_attempts_total',
  help: 'Outbound webhook delivery attempts sent by this process, by outcome (succeeded, retrying, failed: no attempt left)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** OAuth access-token refreshes this process made (the token endpoint called, or the refresh found impossible). */
export const tokenRefreshes = new Counter({
  name: 'linkyard_oauth_token_refreshes_total',
  help: 'OAuth access-token refreshes attempted by this process, by outcome (succeeded, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** The failed ones, by reason: refresh_failed (the provider refused or did not answer), reconnect_required (nothing to refresh with). */
export const tokenRefreshFailures = new Counter({
  name: 'linkyard_oauth_token_refresh_failures_total',
  help: 'OAuth access-token refreshes that failed in this process, by reason (refresh_failed, reconnect_required)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/** Seconds from a request's arrival to its response, by method, route pattern and status (plugins/http-metrics.ts). */
export const httpRequestDuration = new Histogram({
  name: 'linkyard_http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route pattern (never the raw URL) and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

// Every combination of the fixed label sets starts at 0, so a rate is defined before the first event.
for (const status of FINISHED) for (const trigger of TRIGGERS) runsFinished.inc({ status, trigger }, 0);
for (const change of ['created', 'updated', 'deleted']) recordsWritten.inc({ change }, 0);
for (const outcome of ['applied', 'conflict', 'failed', 'skipped']) pushWrites.inc({ outcome }, 0);
for (const outcome of ['succeeded', 'retrying', 'failed']) webhookDeliveryAttempts.inc({ outcome }, 0);
for (const outcome of ['succeeded', 'failed']) tokenRefreshes.inc({ outcome }, 0);
for (const reason of ['refresh_failed', 'reconnect_required']) tokenRefreshFailures.inc({ reason }, 0);

let defaultsCollected = false;

/**
 * prom-client's default metrics of the Node.js process (event-loop lag and its percentiles, CPU, memory, GC,
 * handles), started once per process, only where metrics are served: the event-loop monitor is not free.
 */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}
