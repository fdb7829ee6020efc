import type { Agenda, JobWithState } from 'agenda';
import type { Db } from '../../../../db/client.js';
import { inScope, type Scope } from '../../lib/db-scope.js';
import type { Schedule } from '../syncs/schedule.js';
import { SYNC_JOB, type SyncJobData } from './jobs.js';
import { isDuplicateJob } from './job-store.js';
import * as repo from './scheduler.repo.js';

/** Which syncs a reconciliation covers: every sync, or one organization's (all, one integration's, or one). */
export type ReconcileScope = { orgId: string; syncId?: string; integrationId?: string } | 'all';

/** Whether the stored job already fires the sync as wanted (then it is left alone). */
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

/** The scope's syncs as the database filter and as the job data to look them up by. */
function filtersOf(scope: ReconcileScope): { states: repo.ScheduleFilter; jobData: Partial<SyncJobData> | undefined } {
  if (scope === 'all') return { states: 'all', jobData: undefined };
  const one: { syncId: string } | { integrationId: string } | { orgId: string } = scope.syncId
    ? { syncId: scope.syncId }
    : scope.integrationId
      ? { integrationId: scope.integrationId }
      : { orgId: scope.orgId };
  return { states: one, jobData: one };
}

/**
 * For each sync: keeps the job that already fires it as wanted, or saves one; the other jobs are to cancel.
 * Returns the jobs to cancel (including those of syncs that are gone) and each sync's next run.
 */
async function alignJobs(a: Agenda, states: repo.ScheduleState[], jobs: JobWithState<SyncJobData>[]) {
  const jobsBySync = new Map<string, JobWithState<SyncJobData>[]>();
  for (const j of jobs) {
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
  return { cancel, nextRuns };
}

/**
 * Makes agenda_jobs match the database for a scope: exactly one job, with the sync's cron and timezone, for
 * every sync that should fire; none for the rest. Jobs that already match are left alone (re-saving would move
 * an overdue due time into the future). Also records each sync's next run (null when it does not fire) and each
 * integration's earliest.
 */
export function createReconciler({ db, agenda }: { db: Db; agenda: () => Promise<Agenda> }) {
  return async function reconcile(scope: ReconcileScope): Promise<void> {
    const a = await agenda();
    const dbScope: Scope = scope === 'all' ? { platform: true } : { org: scope.orgId };
    const filters = filtersOf(scope);
    const states = await inScope(db, dbScope, (tx) => repo.scheduleStates(tx, filters.states));
    const { jobs } = await a.queryJobs({ name: SYNC_JOB, ...(filters.jobData ? { data: filters.jobData } : {}) });
    const { cancel, nextRuns } = await alignJobs(a, states, jobs as JobWithState<SyncJobData>[]);
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
  };
}

export type Reconcile = ReturnType<typeof createReconciler>;
