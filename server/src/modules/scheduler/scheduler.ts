import os from 'node:os';
import { Agenda, type Job, type JobWithState } from 'agenda';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import { inScope, type Scope } from '../../lib/db-scope.js';
import type { RunDispatcher } from '../runs/runs.service.js';
import { uuidv7 } from '../../lib/ids.js';
import type { ScheduleSink } from '../../lib/schedule-sink.js';
import type { RunExecutor } from '../sync-engine/run-executor.js';
import { nextRunAt, type Schedule } from '../syncs/schedule.js';
import { createJobStore, isDuplicateJob, type JobStore } from './job-store.js';
import * as repo from './scheduler.repo.js';
import { slotOf } from './slot.js';

/** One repeating job per sync, keyed (unique) on data.syncId. */
export const SYNC_JOB = 'sync:scheduled';
/** One-time job per run queued by an API-only process: it wakes a worker's run pool at once (LISTEN/NOTIFY). */
export const RUN_JOB = 'run:execute';
/** Periodic: brings every sync's job in line with the database (repairs a missed after-commit call). */
export const RECONCILE_JOB = 'schedule:reconcile';
/** Scheduled by earlier versions to re-enqueue orphaned runs; the run pool's claim does that now (sync-engine/run-pool.ts). */
const RETIRED_RECOVER_JOB = 'run:recover';

const RECONCILE_EVERY = '10 minutes';
/**
 * How many `sync:scheduled` jobs one worker fires at once. A fire is one short transaction (queue the
 * run), so this only bounds the database connections fires take from the runs in flight.
 */
export const FIRE_CONCURRENCY = 16;
/**
 * How many due `sync:scheduled` jobs one worker locks per poll. Agenda locks new jobs only when it
 * polls (or is notified), so this caps how many schedules a worker can fire per poll interval: with
 * the earlier limit of WORKER_CONCURRENCY (8) two workers fired 32 schedules per 10 s (issue 4). A
 * worker fires some hundreds a second, so it can fire this many before its next poll and long before
 * the locks expire (≥ 5 s); what is due beyond it is left to the other workers. Duplicates are not a
 * concern here: the unique index on sync_runs (one run per sync and slot) refuses a second run.
 */
export function fireLockLimit(pollMs: number): number {
  return Math.max(100, Math.round((pollMs / 1000) * 100));
}
/** Drain waits this long for running jobs at shutdown; what is still running is resumed by another worker. */
const DRAIN_TIMEOUT_MS = 10_000;
/** At most this many fires share one transaction (flushFires). */
const MAX_FIRE_BATCH = 64;
/** `run:execute` handlers only wake the run pool. */
const WAKE_CONCURRENCY = 4;

export interface SyncJobData {
  orgId: string;
  integrationId: string;
  syncId: string;
}
export interface RunJobData {
  orgId: string;
  runId: string;
}

export type FireOutcome =
  /** A run was queued for the slot and handed to the run pool. */
  | { outcome: 'queued'; runId: string; slot: Date }
  /** The slot already has its run, or another run of the sync is active (the run pool takes it over if it was abandoned). */
  | { outcome: 'skipped'; slot: Date; activeRunId: string | null }
  /** The sync no longer fires (deleted, disabled, manual only, integration paused, organization suspended) or the job was stale. */
  | { outcome: 'not-scheduled' };

export interface SchedulerDeps {
  db: Db;
  config: Config;
  /** Where fired runs execute; null in an API-only process, which only enqueues (its fired runs go to the workers). */
  executor: RunExecutor | null;
  logger: FastifyBaseLogger;
}

/**
 * Cron schedules on Agenda 6 (docs/architecture.md, "Scheduler rules"). Every process can enqueue (the schedule
 * sink, and the run dispatcher of API-only processes); `start()` makes the process a worker that fires
 * schedules and executes runs. Agenda locks are not the guarantee against double runs — the unique
 * indexes on sync_runs are: one run per (sync, slot), one active run per sync.
 */
export function createScheduler({ db, config, executor, logger }: SchedulerDeps) {
  const log = logger.child({ module: 'scheduler' });
  const { lockLifetimeMs } = config.worker;
  let store: JobStore | null = null;
  let ready: Promise<Agenda> | null = null;
  let started = false;
  let closing = false;
  /** `sync:scheduled` handlers running in this process; the run pool holds its claims while there are any. */
  let firesInFlight = 0;

  /** The Agenda instance, created on first use: processes that never schedule never connect. */
  function agenda(): Promise<Agenda> {
    ready ??= (async () => {
      store = await createJobStore(db, config, log);
      const a = new Agenda({
        backend: store.backend,
        // Written to agenda_jobs.last_modified_by: which process last locked or ran a job.
        name: `${os.hostname()}:${process.pid}:${config.role}`,
        processEvery: config.worker.pollMs,
        // Every handler is short: runs execute in the executor's pool, outside Agenda.
        maxConcurrency: FIRE_CONCURRENCY + WAKE_CONCURRENCY + 2,
        defaultConcurrency: 1,
        defaultLockLifetime: lockLifetimeMs,
      });
      a.on('error', (err: Error) => log.warn({ err: err.message }, 'job store error'));
      a.define<SyncJobData>(SYNC_JOB, (job) => onSyncJob(job), {
        concurrency: FIRE_CONCURRENCY,
        lockLimit: fireLockLimit(config.worker.pollMs),
        lockLifetime: lockLifetimeMs,
      });
      a.define<RunJobData>(RUN_JOB, (job) => onRunJob(job), {
        concurrency: WAKE_CONCURRENCY,
        lockLifetime: lockLifetimeMs,
        removeOnComplete: true,
      });
      a.define(RECONCILE_JOB, () => reconcile('all'), { concurrency: 1, lockLifetime: 10 * 60_000 });
      await a.ready;
      // An enqueue-only process must connect the notification channel, or workers see its jobs only at
      // their next poll (docs/architecture.md, Scheduler rules); Agenda itself connects it only in start().
      if (config.role === 'api' && store.notifies) {
        await store.backend.notificationChannel
          ?.connect()
          .catch((err: Error) => log.warn({ err: err.message }, 'job notifications unavailable; workers will poll'));
      }
      return a;
    })();
    return ready;
  }

  // ---- keeping agenda_jobs in line with the database ----------------------------------------------

  const sameJob = (j: JobWithState<SyncJobData>, s: repo.ScheduleState, w: Schedule) =>
    j.repeatInterval === w.cron &&
    (j.repeatTimezone ?? null) === w.timezone &&
    !j.disabled &&
    j.nextRunAt != null &&
    j.data?.orgId === s.organization_id &&
    j.data?.integrationId === s.integration_id;

  async function upsertSyncJob(a: Agenda, s: repo.ScheduleState, w: Schedule) {
    const save = () =>
      a
        .create<SyncJobData>(SYNC_JOB, { orgId: s.organization_id, integrationId: s.integration_id, syncId: s.id })
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
    const filter: repo.ScheduleFilter =
      scope === 'all'
        ? 'all'
        : scope.syncId
          ? { syncId: scope.syncId }
          : scope.integrationId
            ? { integrationId: scope.integrationId }
            : { orgId: scope.orgId };
    const jobData =
      scope === 'all'
        ? undefined
        : scope.syncId
          ? { syncId: scope.syncId }
          : scope.integrationId
            ? { integrationId: scope.integrationId }
            : { orgId: scope.orgId };
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
      const integrations =
        scope === 'all'
          ? 'all'
          : [...new Set([...states.map((s) => s.integration_id), ...(scope.integrationId ? [scope.integrationId] : [])])];
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
    integrationChanged: (orgId, integrationId) =>
      safely('integrationChanged', { orgId, integrationId }, () => reconcile({ orgId, integrationId })),
    organizationChanged: (orgId) => safely('organizationChanged', { orgId }, () => reconcile({ orgId })),
  };

  // ---- firing schedules and executing runs -----------------------------------------------------------

  /**
   * What a `sync:scheduled` job does: re-check that the sync still fires (in its organization), compute
   * the slot, record the next run, and queue a run for the slot — the unique index refuses a second run
   * of the same slot, whichever worker fires it — then hand the run to the run pool and return. The job
   * never waits for the run: holding Agenda's slots for whole runs made due schedules queue behind each
   * other (issue 4). A queued run needs no job to keep it alive: if this worker dies before starting
   * it, another worker's pool claims it (sync-engine/run-pool.ts).
   *
   * Fires that arrive together are decided in one transaction (see flushFires).
   */
  function fire(orgId: string, syncId: string, firedAt: Date, job?: Job<SyncJobData>): Promise<FireOutcome> {
    return new Promise<Decision>((resolve, reject) => {
      pendingFires.push({ orgId, syncId, firedAt, job, resolve, reject });
      if (!flushing) {
        flushing = true;
        setImmediate(flushFires);
      }
    }).then((decided) => settleFire(orgId, syncId, decided, job));
  }

  type Decision =
    | { kind: 'gone' }
    | { kind: 'stale'; schedule: Schedule }
    | { kind: 'queued'; runId: string; slot: Date }
    | { kind: 'taken'; slot: Date; active: string | null };
  interface PendingFire {
    orgId: string;
    syncId: string;
    firedAt: Date;
    job?: Job<SyncJobData>;
    resolve: (d: Decision) => void;
    reject: (err: unknown) => void;
  }
  const pendingFires: PendingFire[] = [];
  let flushing = false;

  /**
   * Group commit of fires: while one batch's transaction runs, fires arriving meanwhile wait and then go
   * together in the next one. A burst of due schedules (1,000 in the same minute) costs a worker a few
   * statements per batch instead of six per fire: at such a burst most of a fire's time was sending
   * statements and receiving their results (issue 4). A batch that fails (e.g. a deadlock with another
   * worker's batch over a shared integration row) is decided again fire by fire.
   */
  async function flushFires() {
    try {
      await flushPending();
    } finally {
      flushing = false;
    }
  }

  async function flushPending() {
    while (pendingFires.length) {
      const batch = pendingFires.splice(0, MAX_FIRE_BATCH);
      let decided: Decision[];
      try {
        decided = await decideFires(batch);
      } catch (err) {
        if (batch.length > 1)
          log.warn({ err: (err as Error).message, fires: batch.length }, 'a batch of fires failed; deciding them one by one');
        decided = [];
        for (const f of batch) {
          try {
            decided.push((await decideFires([f]))[0]);
          } catch (oneErr) {
            decided.push(undefined as never);
            f.reject(oneErr);
          }
        }
      }
      batch.forEach((f, i) => decided[i] && f.resolve(decided[i]));
    }
  }

  /** Decides a batch of fires in one transaction: one lookup, one update of next runs, one of integrations, one insert of runs. */
  function decideFires(batch: Omit<PendingFire, 'resolve' | 'reject'>[]): Promise<Decision[]> {
    return inScope(db, { platform: true }, async (tx) => {
      const states = new Map((await repo.scheduleStates(tx, { syncIds: [...new Set(batch.map((f) => f.syncId))] })).map((s) => [s.id, s]));
      const decided: Decision[] = [];
      const nextRuns = new Map<string, Date | null>();
      const integrations = new Set<string>();
      const runs: repo.ScheduledRun[] = [];
      for (const f of batch) {
        const state = states.get(f.syncId);
        // The job's organization must be the sync's: the platform scope sees every organization's syncs.
        const schedule = state && state.organization_id === f.orgId ? repo.wantedSchedule(state) : null;
        if (!state || !schedule) {
          decided.push({ kind: 'gone' });
          continue;
        }
        // Fired by a schedule that has since changed: the job row already carries the new one.
        if (f.job && (f.job.attrs.repeatInterval !== schedule.cron || (f.job.attrs.repeatTimezone ?? null) !== schedule.timezone)) {
          decided.push({ kind: 'stale', schedule });
          continue;
        }
        const slot = slotOf(schedule, f.firedAt);
        nextRuns.set(f.syncId, f.job?.attrs.nextRunAt ?? nextRunAt(schedule, f.firedAt));
        integrations.add(state.integration_id);
        const runId = uuidv7();
        runs.push({ id: runId, organization_id: f.orgId, integration_id: state.integration_id, sync_id: f.syncId, scheduled_for: slot });
        decided.push({ kind: 'queued', runId, slot });
      }
      await repo.setNextRunAts(
        tx,
        [...nextRuns].map(([syncId, at]) => ({ syncId, at })),
      );
      await repo.refreshNextSyncAt(tx, [...integrations]);
      const inserted = await repo.insertScheduledRuns(tx, runs);
      const taken = decided.flatMap((d, i) => (d.kind === 'queued' && !inserted.has(d.runId) ? [i] : []));
      const active = await repo.activeRuns(tx, [...new Set(taken.map((i) => batch[i].syncId))]);
      for (const i of taken) {
        const d = decided[i] as { slot: Date };
        decided[i] = { kind: 'taken', slot: d.slot, active: active.get(batch[i].syncId) ?? null };
      }
      return decided;
    });
  }

  async function settleFire(orgId: string, syncId: string, decided: Decision, job?: Job<SyncJobData>): Promise<FireOutcome> {
    switch (decided.kind) {
      case 'gone':
        await reconcile({ orgId, syncId }); // cancels this job
        return { outcome: 'not-scheduled' };
      case 'stale':
        if (job) followSchedule(job, decided.schedule);
        return { outcome: 'not-scheduled' };
      case 'queued':
        log.info({ orgId, syncId, runId: decided.runId, slot: decided.slot }, 'scheduled run queued');
        (executor?.dispatcher ?? dispatcher).dispatch(orgId, decided.runId);
        return { outcome: 'queued', runId: decided.runId, slot: decided.slot };
      case 'taken':
        return { outcome: 'skipped', slot: decided.slot, activeRunId: decided.active };
    }
  }

  /** Makes the job's final save (Agenda writes next_run_at from the job in hand) follow the sync's schedule. */
  function followSchedule(job: Job<SyncJobData>, schedule: Schedule) {
    job.attrs.repeatInterval = schedule.cron;
    job.attrs.repeatTimezone = schedule.timezone;
    job.attrs.nextRunAt = nextRunAt(schedule, new Date());
  }

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
  async function onRunJob(job: Job<RunJobData>) {
    const { orgId, runId } = job.attrs.data;
    executor?.dispatcher.dispatch(orgId, runId);
  }

  async function enqueueRun(orgId: string, runId: string) {
    const a = await agenda();
    await a.create<RunJobData>(RUN_JOB, { orgId, runId }).unique({ 'data.runId': runId }).schedule(new Date()).save();
  }

  /** API-only processes cannot execute runs: they hand them to the workers through the job store. */
  const dispatcher: RunDispatcher = {
    dispatch(orgId, runId) {
      enqueueRun(orgId, runId).catch((err) =>
        log.error({ err, orgId, runId }, 'workers could not be notified of a queued run; they find it at their next poll'),
      );
    },
  };

  return {
    ...sink,
    dispatcher,
    fire,
    reconcileAll: () => reconcile('all'),

    /** Connects the job store without processing jobs (API-only processes); fails fast on a bad job store configuration. */
    async connect(): Promise<void> {
      await agenda();
    },

    /**
     * Makes this process a worker: its run pool claims queued runs (and runs abandoned by dead workers)
     * at once and every poll, it processes due jobs, keeps the periodic reconciliation scheduled, and
     * at once reconciles every schedule (syncs written by scripts or seeds, or changed while no worker ran).
     */
    async start(): Promise<void> {
      if (!executor) throw new Error('This process executes no runs (ROLE=api): it cannot work the job queue');
      const a = await agenda();
      executor.startPulling(config.worker.pollMs, () => firesInFlight > 0);
      await a.start();
      started = true;
      await a.every(RECONCILE_EVERY, RECONCILE_JOB, undefined, { skipImmediate: true });
      await a.cancel({ name: RETIRED_RECOVER_JOB }).catch((err) => log.warn({ err }, 'retired recovery job not removed'));
      await reconcile('all').catch((err) => log.error({ err }, 'schedule reconciliation failed'));
    },

    /**
     * Stops taking jobs and waits (up to 10 s) for running ones — `drain()`, not `stop()`, which would
     * unlock jobs while they still run (docs/architecture.md, Scheduler rules). A run still going afterwards keeps its heartbeat
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
