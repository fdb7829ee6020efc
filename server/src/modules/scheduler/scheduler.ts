import os from 'node:os';
import { Agenda, type Job, type JobWithState } from 'agenda';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import { inScope, type Scope } from '../../lib/db-scope.js';
import type { RunDispatcher } from '../runs/runs.service.js';
import { queueRun } from '../runs/runs.service.js';
import type { RunExecutor } from '../sync-engine/run-executor.js';
import { nextRunAt, type Schedule } from '../syncs/schedule.js';
import { createJobStore, isDuplicateJob, type JobStore } from './job-store.js';
import type { ScheduleSink } from './schedule-sink.js';
import * as repo from './scheduler.repo.js';
import { slotOf } from './slot.js';

/** One repeating job per sync, keyed (unique) on data.syncId. */
export const SYNC_JOB = 'sync:scheduled';
/** One-time job per queued run an API-only process cannot execute itself (and per orphaned run). */
export const RUN_JOB = 'run:execute';
/** Periodic: re-enqueues runs nobody is working on (queued too long, or running with a stale heartbeat). */
export const RECOVER_JOB = 'run:recover';
/** Periodic: brings every sync's job in line with the database (repairs a missed after-commit call). */
export const RECONCILE_JOB = 'schedule:reconcile';

const RECONCILE_EVERY = '10 minutes';
/** Drain waits this long for running jobs at shutdown; what is still running is resumed by another worker. */
const DRAIN_TIMEOUT_MS = 10_000;

export interface SyncJobData { orgId: string; integrationId: string; syncId: string }
export interface RunJobData { orgId: string; runId: string }

export type FireOutcome =
  /** A run was queued for the slot and executed. */
  | { outcome: 'ran'; runId: string; slot: Date }
  /** The slot already has its run, or another run of the sync is active (which this fire resumes if it was abandoned). */
  | { outcome: 'skipped'; slot: Date; activeRunId: string | null }
  /** The sync no longer fires (deleted, disabled, manual only, integration paused, organization suspended) or the job was stale. */
  | { outcome: 'not-scheduled' };

export interface SchedulerDeps {
  db: Db;
  config: Config;
  executor: RunExecutor;
  logger: FastifyBaseLogger;
}

/**
 * Cron schedules on Agenda 6 (DESIGN.md "Scheduler rules"). Every process can enqueue (the schedule
 * sink, and the run dispatcher of API-only processes); `start()` makes the process a worker that fires
 * schedules and executes runs. Agenda locks are not the guarantee against double runs — the unique
 * indexes on sync_runs are: one run per (sync, slot), one active run per sync.
 */
export function createScheduler({ db, config, executor, logger }: SchedulerDeps) {
  const log = logger.child({ module: 'scheduler' });
  const { concurrency, lockLifetimeMs } = config.worker;
  let store: JobStore | null = null;
  let ready: Promise<Agenda> | null = null;
  let started = false;
  let closing = false;

  /** The Agenda instance, created on first use: processes that never schedule never connect. */
  function agenda(): Promise<Agenda> {
    ready ??= (async () => {
      store = await createJobStore(db, config, log);
      const a = new Agenda({
        backend: store.backend,
        // Written to agenda_jobs.last_modified_by: which process last locked or ran a job.
        name: `${os.hostname()}:${process.pid}:${config.role}`,
        processEvery: config.worker.pollMs,
        maxConcurrency: concurrency + 2,
        defaultConcurrency: concurrency,
        defaultLockLifetime: lockLifetimeMs,
      });
      a.on('error', (err: Error) => log.warn({ err: err.message }, 'job store error'));
      // lockLimit = concurrency: a worker locks only what it can start, leaving the rest to other workers.
      a.define<SyncJobData>(SYNC_JOB, (job) => onSyncJob(job), { concurrency, lockLimit: concurrency, lockLifetime: lockLifetimeMs });
      a.define<RunJobData>(RUN_JOB, (job) => onRunJob(job), { concurrency, lockLimit: concurrency, lockLifetime: lockLifetimeMs, removeOnComplete: true });
      a.define(RECOVER_JOB, () => recoverOrphans(), { concurrency: 1, lockLifetime: lockLifetimeMs });
      a.define(RECONCILE_JOB, () => reconcile('all'), { concurrency: 1, lockLifetime: 10 * 60_000 });
      await a.ready;
      // An enqueue-only process must connect the notification channel, or workers see its jobs only at
      // their next poll (DESIGN.md); Agenda itself connects it only in start().
      if (config.role === 'api' && store.notifies) {
        await store.backend.notificationChannel?.connect().catch((err: Error) => log.warn({ err: err.message }, 'job notifications unavailable; workers will poll'));
      }
      return a;
    })();
    return ready;
  }

  // ---- keeping agenda_jobs in line with the database ----------------------------------------------

  const sameJob = (j: JobWithState<SyncJobData>, s: repo.ScheduleState, w: Schedule) =>
    j.repeatInterval === w.cron && (j.repeatTimezone ?? null) === w.timezone && !j.disabled && j.nextRunAt != null &&
    j.data?.orgId === s.organization_id && j.data?.integrationId === s.integration_id;

  async function upsertSyncJob(a: Agenda, s: repo.ScheduleState, w: Schedule) {
    const save = () => a.create<SyncJobData>(SYNC_JOB, { orgId: s.organization_id, integrationId: s.integration_id, syncId: s.id })
      .repeatEvery(w.cron, { timezone: w.timezone, skipImmediate: true })
      .unique({ 'data.syncId': s.id })
      .save();
    try {
      return await save();
    } catch (err) {
      // Another process inserted this sync's job between the backend's lookup and its insert
      // (agenda_jobs_one_per_sync_idx, in either store); saving again finds that job and updates it.
      if (isDuplicateJob(err)) return save();
      throw err;
    }
  }

  /**
   * Makes agenda_jobs match the database for a scope: exactly one job, with the sync's cron and
   * timezone, for every sync that should fire; none for the rest. Jobs that already match are left
   * alone (re-saving would move an overdue due time into the future). Also records each sync's next
   * run (null when it does not fire) and each integration's earliest.
   */
  async function reconcile(scope: { orgId: string; syncId?: string; integrationId?: string } | 'all'): Promise<void> {
    const a = await agenda();
    const dbScope: Scope = scope === 'all' ? { platform: true } : { org: scope.orgId };
    const filter: repo.ScheduleFilter = scope === 'all' ? 'all'
      : scope.syncId ? { syncId: scope.syncId } : scope.integrationId ? { integrationId: scope.integrationId } : { orgId: scope.orgId };
    const jobData = scope === 'all' ? undefined
      : scope.syncId ? { syncId: scope.syncId } : scope.integrationId ? { integrationId: scope.integrationId } : { orgId: scope.orgId };
    const states = await inScope(db, dbScope, (tx) => repo.scheduleStates(tx, filter));
    const { jobs } = await a.queryJobs({ name: SYNC_JOB, ...(jobData ? { data: jobData } : {}) });
    const jobsBySync = new Map<string, JobWithState<SyncJobData>[]>();
    for (const j of jobs as JobWithState<SyncJobData>[]) {
      const id = j.data?.syncId ?? '';
      jobsBySync.set(id, [...(jobsBySync.get(id) ?? []), j]);
    }

    const cancel: string[] = [];
    const nextRuns = new Map<string, Date | null>();
    for (const s of states) {
      const existing = jobsBySync.get(s.id) ?? [];
      jobsBySync.delete(s.id);
      const wanted = repo.wantedSchedule(s);
      if (!wanted) {
        cancel.push(...existing.map((j) => j._id));
        nextRuns.set(s.id, null);
        continue;
      }
      let keep: { _id?: string; nextRunAt: Date | null } | undefined = existing.find((j) => sameJob(j, s, wanted));
      if (!keep) keep = (await upsertSyncJob(a, s, wanted)).attrs;
      cancel.push(...existing.filter((j) => j._id !== keep!._id).map((j) => j._id));
      nextRuns.set(s.id, keep.nextRunAt);
    }
    // Jobs whose sync is gone (deleted, alone or with its integration).
    for (const orphans of jobsBySync.values()) cancel.push(...orphans.map((j) => j._id));
    if (cancel.length) await a.cancel({ ids: cancel });

    const changed = states.filter((s) => (s.next_run_at?.getTime() ?? null) !== (nextRuns.get(s.id)?.getTime() ?? null));
    await inScope(db, dbScope, async (tx) => {
      for (const s of changed) await repo.setNextRunAt(tx, s.id, nextRuns.get(s.id) ?? null);
      const integrations = scope === 'all' ? 'all' : [...new Set([...states.map((s) => s.integration_id), ...(scope.integrationId ? [scope.integrationId] : [])])];
      await repo.refreshNextSyncAt(tx, integrations);
    });
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
    integrationChanged: (orgId, integrationId) => safely('integrationChanged', { orgId, integrationId }, () => reconcile({ orgId, integrationId })),
    organizationChanged: (orgId) => safely('organizationChanged', { orgId }, () => reconcile({ orgId })),
  };

  // ---- firing schedules and executing runs -----------------------------------------------------------

  /**
   * What a `sync:scheduled` job does: in the organization's scope, re-check that the sync still fires,
   * compute the slot, record the next run, and queue a run for the slot — the unique index refuses a
   * second run of the same slot, whichever worker fires it — then execute the run inside the job, so
   * Agenda's concurrency applies and the job's lock is renewed as pages commit.
   */
  async function fire(orgId: string, syncId: string, firedAt: Date, job?: Job<SyncJobData>): Promise<FireOutcome> {
    const decided = await inScope(db, { org: orgId }, async (tx) => {
      const [state] = await repo.scheduleStates(tx, { syncId });
      const schedule = state ? repo.wantedSchedule(state) : null;
      if (!state || !schedule) return { kind: 'gone' as const };
      // Fired by a schedule that has since changed: the job row already carries the new one.
      if (job && (job.attrs.repeatInterval !== schedule.cron || (job.attrs.repeatTimezone ?? null) !== schedule.timezone)) return { kind: 'stale' as const, schedule };
      const slot = slotOf(schedule, firedAt);
      await repo.setNextRunAt(tx, syncId, job?.attrs.nextRunAt ?? nextRunAt(schedule, firedAt));
      await repo.refreshNextSyncAt(tx, [state.integration_id]);
      const runId = await queueRun(tx, orgId, { id: syncId, integration_id: state.integration_id }, 'schedule', slot);
      if (runId) return { kind: 'queued' as const, runId, slot };
      return { kind: 'taken' as const, slot, active: (await repo.activeRun(tx, orgId, syncId))?.id ?? null };
    });
    const hooks = job ? { onHeartbeat: () => job.touch() } : {};
    switch (decided.kind) {
      case 'gone':
        await reconcile({ orgId, syncId }); // cancels this job
        return { outcome: 'not-scheduled' };
      case 'stale':
        if (job) followSchedule(job, decided.schedule);
        return { outcome: 'not-scheduled' };
      case 'queued':
        log.info({ orgId, syncId, runId: decided.runId, slot: decided.slot }, 'scheduled run started');
        await executor.execute(orgId, decided.runId, hooks);
        if (job) await followCurrentSchedule(orgId, syncId, job);
        return { outcome: 'ran', runId: decided.runId, slot: decided.slot };
      case 'taken':
        // A run for this slot exists, or another run of the sync is active. If that run was abandoned by a
        // dead worker (stale heartbeat), executing it resumes it from its last committed page; otherwise
        // the claim fails at once and nothing happens.
        if (decided.active) {
          await executor.execute(orgId, decided.active, hooks);
          if (job) await followCurrentSchedule(orgId, syncId, job);
        }
        return { outcome: 'skipped', slot: decided.slot, activeRunId: decided.active };
    }
  }

  /** Makes the job's final save (Agenda writes next_run_at from the job in hand) follow the sync's schedule. */
  function followSchedule(job: Job<SyncJobData>, schedule: Schedule) {
    job.attrs.repeatInterval = schedule.cron;
    job.attrs.repeatTimezone = schedule.timezone;
    job.attrs.nextRunAt = nextRunAt(schedule, new Date());
  }

  /** A schedule edited while its run was executing: the next due time follows the new schedule. */
  async function followCurrentSchedule(orgId: string, syncId: string, job: Job<SyncJobData>) {
    const [state] = await inScope(db, { org: orgId }, (tx) => repo.scheduleStates(tx, { syncId }));
    const schedule = state && repo.wantedSchedule(state);
    if (schedule && (schedule.cron !== job.attrs.repeatInterval || schedule.timezone !== (job.attrs.repeatTimezone ?? null))) followSchedule(job, schedule);
  }

  async function onSyncJob(job: Job<SyncJobData>) {
    const { orgId, syncId } = job.attrs.data;
    try {
      await fire(orgId, syncId, job.attrs.lastRunAt ?? new Date(), job);
    } catch (err) {
      log.error({ err, orgId, syncId }, 'scheduled sync could not start');
    }
  }

  async function onRunJob(job: Job<RunJobData>) {
    const { orgId, runId } = job.attrs.data;
    try {
      await executor.execute(orgId, runId, { onHeartbeat: () => job.touch() });
    } catch (err) {
      // The run stays queued (or running with an ageing heartbeat); recovery re-enqueues it.
      log.error({ err, orgId, runId }, 'run could not be executed');
    }
  }

  async function enqueueRun(orgId: string, runId: string) {
    const a = await agenda();
    await a.create<RunJobData>(RUN_JOB, { orgId, runId }).unique({ 'data.runId': runId }).schedule(new Date()).save();
  }

  /**
   * Runs nobody is working on — queued for longer than a lock lifetime (the process that queued them
   * died before dispatching), or running with a heartbeat older than that (the worker died) — are
   * enqueued again; the executor's claim lets exactly one worker take each, and it resumes after the
   * last committed page.
   */
  async function recoverOrphans(): Promise<number> {
    const before = new Date(Date.now() - lockLifetimeMs);
    const orphans = await inScope(db, { platform: true }, (tx) => repo.orphanedRuns(tx, before, before, 500));
    for (const o of orphans) await enqueueRun(o.organization_id, o.id);
    if (orphans.length) log.info({ count: orphans.length }, 'orphaned runs enqueued again');
    return orphans.length;
  }

  /** API-only processes cannot execute runs: they hand them to the workers through the job store. */
  const dispatcher: RunDispatcher = {
    dispatch(orgId, runId) {
      enqueueRun(orgId, runId).catch((err) => log.error({ err, orgId, runId }, 'run could not be enqueued; recovery will pick it up'));
    },
  };

  return {
    ...sink,
    dispatcher,
    fire,
    reconcileAll: () => reconcile('all'),
    recoverOrphans,

    /** Connects the job store without processing jobs (API-only processes); fails fast on a bad job store configuration. */
    async connect(): Promise<void> {
      await agenda();
    },

    /**
     * Makes this process a worker: processes due jobs, keeps the periodic recovery and reconciliation
     * jobs scheduled, and at once reconciles every schedule (syncs written by scripts or seeds, or
     * changed while no worker ran) and takes over orphaned runs.
     */
    async start(): Promise<void> {
      const a = await agenda();
      await a.start();
      started = true;
      const recoverEvery = `${Math.min(60, Math.round(lockLifetimeMs / 1000))} seconds`;
      await a.every(recoverEvery, RECOVER_JOB, undefined, { skipImmediate: true });
      await a.every(RECONCILE_EVERY, RECONCILE_JOB, undefined, { skipImmediate: true });
      await reconcile('all').catch((err) => log.error({ err }, 'schedule reconciliation failed'));
      await recoverOrphans().catch((err) => log.error({ err }, 'run recovery failed'));
    },

    /**
     * Stops taking jobs and waits (up to 10 s) for running ones — `drain()`, not `stop()`, which would
     * unlock jobs while they still run (DESIGN.md). A run still going afterwards keeps its heartbeat
     * until the process exits and is then resumed elsewhere.
     */
    async close(): Promise<void> {
      closing = true;
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

export type Scheduler = ReturnType<typeof createScheduler>;
