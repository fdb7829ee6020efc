/** The scheduler's jobs in Agenda's job store, and how much of them one worker takes on at once. */

/** One repeating job per sync, keyed (unique) on data.syncId. */
export const SYNC_JOB = 'sync:scheduled';
/** One-time job per run queued by an API-only process: it wakes a worker's run pool at once (LISTEN/NOTIFY). */
export const RUN_JOB = 'run:execute';
/** Periodic: brings every sync's job in line with the database (repairs a missed after-commit call). */
export const RECONCILE_JOB = 'schedule:reconcile';
/** Scheduled by earlier versions to re-enqueue orphaned runs; the run pool's claim does that now (sync-engine/run-pool.ts). */
export const RETIRED_RECOVER_JOB = 'run:recover';

export const RECONCILE_EVERY = '10 minutes';
/** Daily: deletes what is past each organization's retention periods (retention module). */
export const RETENTION_JOB = 'retention:prune';
export const RETENTION_EVERY = '1 day';
/**
 * How many due `sync:scheduled` jobs one worker locks per poll, and fires at once. Agenda locks new jobs
 * only when it polls (or is notified), so this caps how many schedules a worker can fire per poll interval:
 * with the earlier limit of WORKER_CONCURRENCY (8) two workers fired 32 schedules per 10 s (issue 4). The
 * Postgres job store locks them in one statement (batched-repository.ts), and the worker fires all it locked
 * at once: fires arriving together share one transaction (fire.ts) and their job state saves share
 * statements, so firing 500 costs a few statements, not 500 round trips (issue 16; it fired 16 at a time
 * before). What is due beyond the limit is left to the other workers. Duplicates are not a concern here:
 * the unique index on sync_runs (one run per sync and slot) refuses a second run.
 */
export function fireLockLimit(pollMs: number): number {
  return Math.max(100, Math.round((pollMs / 1000) * 100));
}
/** `run:execute` handlers only wake the run pool. */
export const WAKE_CONCURRENCY = 4;

export interface SyncJobData {
  orgId: string;
  integrationId: string;
  syncId: string;
}
export interface RunJobData {
  orgId: string;
  runId: string;
}
