import type { Job } from 'agenda';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import type { ScheduleSink } from '../../lib/schedule-sink.js';
import type { RunDispatcher } from '../runs/runs.service.js';
import type { RunExecutor } from '../sync-engine/run-executor.js';
import { createFiring } from './fire.js';
import { createJobQueue } from './job-queue.js';
import type { RunJobData, SyncJobData } from './jobs.js';
import { createReconciler } from './reconcile.js';
import { createRetentionService } from '../retention/retention.service.js';

export type { FireOutcome } from './fire.js';
export { fireLockLimit, RECONCILE_JOB, RUN_JOB, SYNC_JOB, type RunJobData, type SyncJobData } from './jobs.js';

export interface SchedulerDeps {
  db: Db;
  config: Pick<Config, 'role' | 'worker' | 'agenda' | 'databaseUrl'>;
  /** Where fired runs execute; null in an API-only process, which only enqueues (its fired runs go to the workers). */
  executor: RunExecutor | null;
  logger: FastifyBaseLogger;
}

/**
 * Cron schedules on Agenda 6 (docs/architecture.md, "Scheduler rules"). Every process can enqueue (the schedule
 * sink, and the run dispatcher of API-only processes); `start()` makes the process a worker that fires
 * schedules and executes runs. Agenda locks are not the guarantee against double runs — the unique
 * indexes on sync_runs are: one run per (sync, slot), one active run per sync.
 *
 * The parts: job-queue.ts (Agenda on its job store), reconcile.ts (agenda_jobs in line with the syncs),
 * fire.ts (a due schedule queues its run).
 */
export function createScheduler({ db, config, executor, logger }: SchedulerDeps) {
  const log = logger.child({ module: 'scheduler' });
  let closing = false;
  /** `sync:scheduled` handlers running in this process; the run pool holds its claims while there are any. */
  let firesInFlight = 0;

  const retention = createRetentionService({ db });
  const queue = createJobQueue({
    db,
    config,
    log,
    handlers: { onSyncJob, onRunJob, onReconcileJob: () => reconcile('all'), onRetentionJob },
  });
  const reconcile = createReconciler({ db, agenda: queue.agenda });

  /** API-only processes cannot execute runs: they hand them to the workers through the job store. */
  const toWorkers: RunDispatcher = {
    dispatch(orgId, runId) {
      queue
        .enqueueRun(orgId, runId)
        .catch((err) => log.error({ err, orgId, runId }, 'workers could not be notified of a queued run; they find it at their next poll'));
    },
  };
  const fire = createFiring({ db, log, reconcile, dispatcher: executor?.dispatcher ?? toWorkers });

  async function onSyncJob(job: Job<SyncJobData>) {
    const { orgId, syncId } = job.attrs.data;
    firesInFlight++;
    try {
      await fire(orgId, syncId, job.attrs.lastRunAt ?? new Date(), job);
    } catch (err) {
      log.error({ err, orgId, syncId }, 'scheduled sync could not be queued');
    } finally {
      if (--firesInFlight === 0) executor?.wake();
    }
  }

  /** The run is in sync_runs already; the job only tells this worker's pool to claim it now rather than at its next poll. */
  /** The daily pruning of data past each organization's retention periods. */
  async function onRetentionJob() {
    const counts = await retention.prune();
    log.info({ organizations: Object.keys(counts).length }, 'retention: pruned data past its retention period');
  }

  async function onRunJob(job: Job<RunJobData>) {
    const { orgId, runId } = job.attrs.data;
    executor?.dispatcher.dispatch(orgId, runId);
  }

  /** Sink calls run after a commit: they log failures instead of failing a request whose change is committed. */
  async function safely(what: string, ids: Record<string, string>, work: () => Promise<void>) {
    if (closing) return;
    try {
      await work();
    } catch (err) {
      log.error({ err, ...ids }, `scheduler: ${what} failed; the next reconciliation repairs it`);
    }
  }

  const sink: ScheduleSink = {
    syncChanged: (orgId, syncId) => safely('syncChanged', { orgId, syncId }, () => reconcile({ orgId, syncId })),
    integrationChanged: (orgId, integrationId) =>
      safely('integrationChanged', { orgId, integrationId }, () => reconcile({ orgId, integrationId })),
    organizationChanged: (orgId) => safely('organizationChanged', { orgId }, () => reconcile({ orgId })),
  };

  return {
    ...sink,
    dispatcher: toWorkers,
    fire,
    reconcileAll: () => reconcile('all'),

    /** Connects the job store without processing jobs (API-only processes); fails fast on a bad job store configuration. */
    async connect(): Promise<void> {
      await queue.agenda();
    },

    /**
     * Makes this process a worker: its run pool claims queued runs (and runs abandoned by dead workers)
     * at once and every poll, it processes due jobs, keeps the periodic reconciliation scheduled, and
     * at once reconciles every schedule (syncs written by scripts or seeds, or changed while no worker ran).
     */
    async start(): Promise<void> {
      if (!executor) throw new Error('This process executes no runs (ROLE=api): it cannot work the job queue');
      await queue.agenda();
      executor.startPulling(config.worker.pollMs, () => firesInFlight > 0);
      await queue.start();
      await reconcile('all').catch((err) => log.error({ err }, 'schedule reconciliation failed'));
    },

    /**
     * Stops taking jobs and waits (up to 10 s) for running ones (job-queue.ts). A run still going afterwards keeps
     * its heartbeat until the process exits and is then resumed elsewhere.
     */
    async close(): Promise<void> {
      closing = true;
      await queue.close();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
