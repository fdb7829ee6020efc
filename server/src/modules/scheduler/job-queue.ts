import os from 'node:os';
import { Agenda, type Job } from 'agenda';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import { createJobStore, type JobStore } from './job-store.js';
import { rememberNextRuns } from './next-run-cache.js';
import {
  fireLockLimit,
  RECONCILE_EVERY,
  RECONCILE_JOB,
  RETENTION_EVERY,
  RETENTION_JOB,
  RETIRED_RECOVER_JOB,
  RUN_JOB,
  SYNC_JOB,
  WAKE_CONCURRENCY,
  type RunJobData,
  type SyncJobData,
} from './jobs.js';

/** Drain waits this long for running jobs at shutdown; what is still running is resumed by another worker. */
const DRAIN_TIMEOUT_MS = 10_000;

/** What the process does when it works a job (a worker or `all` only). */
export interface JobHandlers {
  onSyncJob(job: Job<SyncJobData>): Promise<void>;
  onRunJob(job: Job<RunJobData>): Promise<void>;
  onReconcileJob(): Promise<void>;
  onRetentionJob(): Promise<void>;
}

export interface JobQueueDeps {
  db: Db;
  config: Pick<Config, 'role' | 'worker' | 'agenda' | 'databaseUrl'>;
  log: FastifyBaseLogger;
  handlers: JobHandlers;
}

/**
 * Agenda on its job store: created on first use (processes that never schedule never connect), working jobs
 * once started, drained at close.
 */
export function createJobQueue({ db, config, log, handlers }: JobQueueDeps) {
  const { lockLifetimeMs, pollMs } = config.worker;
  /** `sync:scheduled` jobs locked per claim and fired at once (jobs.ts). */
  const fireLimit = fireLockLimit(pollMs);
  let store: JobStore | null = null;
  let ready: Promise<Agenda> | null = null;
  let started = false;

  async function open(): Promise<Agenda> {
    rememberNextRuns();
    store = await createJobStore({ db, config, logger: log, claimBatch: (name) => (name === SYNC_JOB ? fireLimit : 1) });
    const a = new Agenda({
      backend: store.backend,
      // Written to agenda_jobs.last_modified_by: which process last locked or ran a job.
      name: `${os.hostname()}:${process.pid}:${config.role}`,
      processEvery: pollMs,
      // Every handler is short: runs execute in the executor's pool, outside Agenda.
      maxConcurrency: fireLimit + WAKE_CONCURRENCY + 2,
      defaultConcurrency: 1,
      defaultLockLifetime: lockLifetimeMs,
    });
    a.on('error', (err: Error) => log.warn({ err: err.message }, 'job store error'));
    a.define<SyncJobData>(SYNC_JOB, (job) => handlers.onSyncJob(job), {
      concurrency: fireLimit,
      lockLimit: fireLimit,
      lockLifetime: lockLifetimeMs,
    });
    a.define<RunJobData>(RUN_JOB, (job) => handlers.onRunJob(job), {
      concurrency: WAKE_CONCURRENCY,
      lockLifetime: lockLifetimeMs,
      removeOnComplete: true,
    });
    a.define(RECONCILE_JOB, () => handlers.onReconcileJob(), { concurrency: 1, lockLifetime: 10 * 60_000 });
    a.define(RETENTION_JOB, () => handlers.onRetentionJob(), { concurrency: 1, lockLifetime: 30 * 60_000 });
    await a.ready;
    // An enqueue-only process must connect the notification channel, or workers see its jobs only at
    // their next poll (docs/architecture.md, Scheduler rules); Agenda itself connects it only in start().
    if (config.role === 'api' && store.notifies) {
      await store.backend.notificationChannel
        ?.connect()
        .catch((err: Error) => log.warn({ err: err.message }, 'job notifications unavailable; workers will poll'));
    }
    return a;
  }

  const agenda = (): Promise<Agenda> => (ready ??= open());

  return {
    agenda,

    /** Processes due jobs, keeps the periodic reconciliation and the daily pruning scheduled, and removes the retired recovery job. */
    async start(): Promise<void> {
      const a = await agenda();
      await a.start();
      started = true;
      await a.every(RECONCILE_EVERY, RECONCILE_JOB, undefined, { skipImmediate: true });
      // One job for all workers (every() keeps a single job per name): the first pruning runs a day after start.
      await a.every(RETENTION_EVERY, RETENTION_JOB, undefined, { skipImmediate: true });
      await a.cancel({ name: RETIRED_RECOVER_JOB }).catch((err) => log.warn({ err }, 'retired recovery job not removed'));
    },

    /** A job that wakes a worker's run pool for a run an API-only process queued. */
    async enqueueRun(orgId: string, runId: string): Promise<void> {
      const a = await agenda();
      await a.create<RunJobData>(RUN_JOB, { orgId, runId }).unique({ 'data.runId': runId }).schedule(new Date()).save();
    },

    /**
     * Stops taking jobs and waits (up to 10 s) for running ones — `drain()`, not `stop()`, which would
     * unlock jobs while they still run (docs/architecture.md, Scheduler rules).
     */
    async close(): Promise<void> {
      if (!ready) return;
      const a = await ready.catch(() => null);
      if (a && started) {
        const result = await a.drain({ timeout: DRAIN_TIMEOUT_MS });
        if (result.running) log.warn({ running: result.running }, 'jobs still running at shutdown; another worker resumes them');
      } else if (store?.notifies) {
        await store.backend.notificationChannel?.disconnect().catch(() => {});
      }
      await store?.close();
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
