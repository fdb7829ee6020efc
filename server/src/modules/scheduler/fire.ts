import type { Job } from 'agenda';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { uuidv7 } from '../../lib/ids.js';
import type { RunDispatcher } from '../runs/runs.service.js';
import { nextRunAt, type Schedule } from '../syncs/schedule.js';
import type { SyncJobData } from './jobs.js';
import type { Reconcile } from './reconcile.js';
import * as repo from './scheduler.repo.js';
import { slotOf } from './slot.js';

/**
 * At most this many fires share one transaction (flushPending): a worker fires every job it locked at once
 * (jobs.ts, fireLockLimit), so a slot's burst is decided in one or two transactions (issue 16).
 */
const MAX_FIRE_BATCH = 1000;

export type FireOutcome =
  /** A run was queued for the slot and handed to the run pool. */
  | { outcome: 'queued'; runId: string; slot: Date }
  /** The slot already has its run, or another run of the sync is active (the run pool takes it over if it was abandoned). */
  | { outcome: 'skipped'; slot: Date; activeRunId: string | null }
  /** The sync no longer fires (deleted, disabled, manual only, integration paused, organization suspended) or the job was stale. */
  | { outcome: 'not-scheduled' };

type Decision =
  | { kind: 'gone' }
  | { kind: 'stale'; schedule: Schedule }
  | { kind: 'queued'; runId: string; slot: Date }
  | { kind: 'taken'; slot: Date; active: string | null };

interface Fire {
  orgId: string;
  syncId: string;
  firedAt: Date;
  job?: Job<SyncJobData>;
}

interface PendingFire extends Fire {
  resolve: (d: Decision) => void;
  reject: (err: unknown) => void;
}

export interface FiringDeps {
  db: Db;
  log: FastifyBaseLogger;
  /** Repairs a gone sync's job (cancels it). */
  reconcile: Reconcile;
  /** Hands a queued run to whoever executes it: this process's run pool, or the workers. */
  dispatcher: RunDispatcher;
}

/**
 * What a `sync:scheduled` job does: re-check that the sync still fires (in its organization), compute the slot,
 * record the next run, and queue a run for the slot — the unique index refuses a second run of the same slot,
 * whichever worker fires it — then hand the run to the run pool and return. The job never waits for the run:
 * holding Agenda's slots for whole runs made due schedules queue behind each other (issue 4). A queued run needs
 * no job to keep it alive: if this worker dies before starting it, another worker's pool claims it
 * (sync-engine/run-pool.ts).
 *
 * Fires that arrive together are decided in one transaction (group commit, createFireBatches).
 */
export function createFiring({ db, log, reconcile, dispatcher }: FiringDeps) {
  const decide = createFireBatches({ db, log });

  async function settle({ orgId, syncId, job }: Fire, decided: Decision): Promise<FireOutcome> {
    switch (decided.kind) {
      case 'gone':
        await reconcile({ orgId, syncId }); // cancels this job
        return { outcome: 'not-scheduled' };
      case 'stale':
        if (job) followSchedule(job, decided.schedule);
        return { outcome: 'not-scheduled' };
      case 'queued':
        log.info({ orgId, syncId, runId: decided.runId, slot: decided.slot }, 'scheduled run queued');
        dispatcher.dispatch(orgId, decided.runId);
        return { outcome: 'queued', runId: decided.runId, slot: decided.slot };
      case 'taken':
        return { outcome: 'skipped', slot: decided.slot, activeRunId: decided.active };
    }
  }

  return async function fire(orgId: string, syncId: string, firedAt: Date, job?: Job<SyncJobData>): Promise<FireOutcome> {
    const f = { orgId, syncId, firedAt, job };
    return settle(f, await decide(f));
  };
}

/** Makes the job's final save (Agenda writes next_run_at from the job in hand) follow the sync's schedule. */
function followSchedule(job: Job<SyncJobData>, schedule: Schedule) {
  job.attrs.repeatInterval = schedule.cron;
  job.attrs.repeatTimezone = schedule.timezone;
  job.attrs.nextRunAt = nextRunAt(schedule, new Date());
}

/**
 * Group commit of fires: while one batch's transaction runs, fires arriving meanwhile wait and then go together in
 * the next one. A burst of due schedules (1,000 in the same minute) costs a worker a few statements per batch
 * instead of six per fire: at such a burst most of a fire's time was sending statements and receiving their
 * results (issue 4). A batch that fails (e.g. a deadlock with another worker's batch over a shared integration
 * row) is decided again fire by fire.
 */
function createFireBatches({ db, log }: { db: Db; log: FastifyBaseLogger }) {
  const pending: PendingFire[] = [];
  let flushing = false;

  async function flushPending() {
    while (pending.length) {
      const batch = pending.splice(0, MAX_FIRE_BATCH);
      let decided: Decision[];
      try {
        decided = await inScope(db, { platform: true }, (tx) => decideFires(tx, batch));
      } catch (err) {
        if (batch.length > 1)
          log.warn({ err: (err as Error).message, fires: batch.length }, 'a batch of fires failed; deciding them one by one');
        decided = [];
        for (const f of batch) {
          try {
            decided.push((await inScope(db, { platform: true }, (tx) => decideFires(tx, [f])))[0]);
          } catch (oneErr) {
            decided.push(undefined as never);
            f.reject(oneErr);
          }
        }
      }
      batch.forEach((f, i) => decided[i] && f.resolve(decided[i]));
    }
  }

  async function flushFires() {
    try {
      await flushPending();
    } finally {
      flushing = false;
    }
  }

  return function decide(fire: Fire): Promise<Decision> {
    return new Promise<Decision>((resolve, reject) => {
      pending.push({ ...fire, resolve, reject });
      if (!flushing) {
        flushing = true;
        setImmediate(flushFires);
      }
    });
  };
}

/** Decides a batch of fires in one transaction: one lookup, one update of next runs, one of integrations, one insert of runs. */
async function decideFires(tx: Tx, batch: Fire[]): Promise<Decision[]> {
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
}
