import type { JobRepository } from 'agenda';
import type pg from 'pg';

/** At most this many job state saves go to the database in one statement. */
const MAX_SAVE_BATCH = 1000;

type JobState = Parameters<JobRepository['saveJobState']>[0];
type SaveOptions = Parameters<JobRepository['saveJobState']>[1];
type JobRow = NonNullable<Awaited<ReturnType<JobRepository['getNextJobToRun']>>>;

interface PendingSave {
  job: JobState;
  lastModifiedBy: string | null;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatchedRepositoryDeps {
  /** Agenda's Postgres repository: everything not batched here goes to it unchanged. */
  repository: JobRepository;
  /** The pool the repository uses (the job store's own pool, or the PGlite stand-in). */
  pool: pg.Pool;
  tableName: string;
  /** How many due jobs of this name one claim may lock (Agenda's lock limit for the name); 1 = Agenda's own claim. */
  claimBatch: (jobName: string) => number;
}

/**
 * Agenda's Postgres job repository with claims and state saves in batches (issue 16). Agenda itself stays the
 * schedule engine: it decides what is due, runs the handlers and computes each job's next run; this only changes
 * how many statements that takes.
 *
 * - Claims: Agenda locks due jobs one statement at a time (getNextJobToRun, called again after every job it
 *   gets), so a worker took ~500 sequential round trips to lock a slot's 500 jobs. Here the first call locks up
 *   to `claimBatch(name)` due jobs in one statement (the same conditions, order and SKIP LOCKED as Agenda's) and
 *   the calls that follow are answered from those rows without a round trip. Agenda's loop asks again at once
 *   (its recursion awaits only our promises), so by the next macrotask it has taken every row it had room for;
 *   what is left then (its lock limit was reached) is unlocked again, exactly as Agenda unlocks a job it
 *   locked over its limit.
 * - State saves: every run of a job saves its state twice (before the handler: last run, next run; after it:
 *   unlocked, last finished). Saves that arrive together are written by one UPDATE … FROM unnest(…), each
 *   caller still told whether its own row was updated (Agenda's error when the job no longer exists).
 */
export function batchedRepository({ repository, pool, tableName, claimBatch }: BatchedRepositoryDeps): JobRepository {
  const table = `"${tableName}"`;
  const overrides: Partial<JobRepository> = {
    getNextJobToRun: batchedClaims(repository, pool, table, claimBatch),
    saveJobState: batchedSaves(pool, table),
  };
  return new Proxy(repository, {
    get: (target, property, receiver) =>
      Object.prototype.hasOwnProperty.call(overrides, property)
        ? overrides[property as keyof JobRepository]
        : (Reflect.get(target, property, receiver) as unknown),
  });
}

/** getNextJobToRun locking up to claimBatch(name) due jobs per statement (see batchedRepository). */
function batchedClaims(
  repository: JobRepository,
  pool: pg.Pool,
  table: string,
  claimBatch: (jobName: string) => number,
): JobRepository['getNextJobToRun'] {
  /** Rows locked by a batch claim and not yet handed to Agenda, per job name. */
  const claimed = new Map<string, JobRow[]>();
  /** A claim in flight per job name: a second caller waits for it instead of claiming beside it. */
  const claiming = new Map<string, Promise<void>>();
  /** Agenda's row mapping (the repository's rowToJob), so claimed rows look exactly like its own. */
  const toJob = (row: Record<string, unknown>) => (repository as unknown as { rowToJob(r: Record<string, unknown>): JobRow }).rowToJob(row);

  async function claim(jobName: string, limit: number, nextScanAt: Date, lockDeadline: Date, now: Date, by: string | null) {
    const { rows } = await pool.query(
      `WITH due AS MATERIALIZED (
         SELECT id FROM ${table}
         WHERE name = $2 AND disabled = FALSE AND ((locked_at IS NULL AND next_run_at <= $3) OR locked_at <= $4)
         ORDER BY next_run_at ASC NULLS LAST, priority DESC
         LIMIT $6
         FOR UPDATE SKIP LOCKED
       )
       UPDATE ${table} t SET locked_at = $1, last_modified_by = $5 FROM due WHERE t.id = due.id
       RETURNING t.*`,
      [now, jobName, nextScanAt, lockDeadline, by, limit],
    );
    const jobs = (rows as Record<string, unknown>[]).map(toJob);
    // Agenda's order: earliest due first, then the highest priority.
    jobs.sort((a, b) => time(a.nextRunAt) - time(b.nextRunAt) || (b.priority ?? 0) - (a.priority ?? 0));
    claimed.set(jobName, [...(claimed.get(jobName) ?? []), ...jobs]);
    // Agenda's claim loop takes the rows within microtasks; what is left by the next macrotask is over its limit.
    if (jobs.length > 1) setImmediate(() => releaseUnclaimed(jobName));
  }

  /** Rows Agenda did not take (its lock limit): unlocked, as Agenda unlocks a job locked over its limit. */
  function releaseUnclaimed(jobName: string) {
    const left = claimed.get(jobName);
    if (!left?.length) return;
    claimed.delete(jobName);
    repository.unlockJobs(left.map((j) => j._id!)).catch(() => {
      // Not unlocked: the lock expires after the job's lock lifetime and any worker takes the job then.
    });
  }

  return async function getNextJobToRun(jobName, nextScanAt, lockDeadline, now, options) {
    const limit = claimBatch(jobName);
    if (limit <= 1) return repository.getNextJobToRun(jobName, nextScanAt, lockDeadline, now, options);
    for (;;) {
      const next = claimed.get(jobName)?.shift();
      if (next) return next;
      const inFlight = claiming.get(jobName);
      if (inFlight) {
        await inFlight;
        continue;
      }
      const p = claim(jobName, limit, nextScanAt, lockDeadline, now ?? new Date(), options?.lastModifiedBy ?? null).finally(() =>
        claiming.delete(jobName),
      );
      claiming.set(jobName, p);
      await p;
      return claimed.get(jobName)?.shift();
    }
  };
}

/** saveJobState writing the saves that arrive together in one statement (see batchedRepository). */
function batchedSaves(pool: pg.Pool, table: string): JobRepository['saveJobState'] {
  // While one batch's statement runs, saves arriving meanwhile wait and go in the next one.
  const pending: PendingSave[] = [];
  let flushing = false;

  async function flushSaves() {
    try {
      while (pending.length) {
        // A job saved twice before a flush (never by Agenda's own run) goes in order, in separate statements.
        const batch: PendingSave[] = [];
        const later: PendingSave[] = [];
        const ids = new Set<string>();
        for (const save of pending) {
          const id = String(save.job._id);
          if (batch.length < MAX_SAVE_BATCH && !ids.has(id)) {
            ids.add(id);
            batch.push(save);
          } else later.push(save);
        }
        pending.splice(0, pending.length, ...later);
        await writeSaves(batch);
      }
    } finally {
      flushing = false;
    }
  }

  async function writeSaves(batch: PendingSave[]) {
    const col = <T>(f: (s: PendingSave) => T) => batch.map(f);
    const at = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
    try {
      const { rows } = await pool.query(
        `UPDATE ${table} t SET locked_at = v.locked_at, next_run_at = v.next_run_at, last_run_at = v.last_run_at,
           progress = v.progress, fail_reason = v.fail_reason, fail_count = v.fail_count, failed_at = v.failed_at,
           last_finished_at = v.last_finished_at, last_modified_by = v.last_modified_by
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::real[], $7::text[],
           $8::int[], $9::timestamptz[], $10::timestamptz[], $11::text[])
           AS v(id, name, locked_at, next_run_at, last_run_at, progress, fail_reason, fail_count, failed_at, last_finished_at, last_modified_by)
         WHERE t.id = v.id AND t.name = v.name
         RETURNING t.id`,
        [
          col((s) => String(s.job._id)),
          col((s) => s.job.name),
          col((s) => at(s.job.lockedAt)),
          col((s) => at(s.job.nextRunAt)),
          col((s) => at(s.job.lastRunAt)),
          col((s) => s.job.progress ?? null),
          col((s) => s.job.failReason ?? null),
          col((s) => s.job.failCount ?? null),
          col((s) => at(s.job.failedAt)),
          col((s) => at(s.job.lastFinishedAt)),
          col((s) => s.lastModifiedBy),
        ],
      );
      const saved = new Set((rows as { id: string }[]).map((r) => r.id));
      for (const s of batch) {
        if (saved.has(String(s.job._id))) s.resolve();
        else
          s.reject(new Error(`job ${s.job._id} (name: ${s.job.name}) cannot be updated in the database, maybe it does not exist anymore?`));
      }
    } catch (err) {
      for (const s of batch) s.reject(err);
    }
  }

  return function saveJobState(job: JobState, options?: SaveOptions) {
    if (!job._id) return Promise.reject(new Error('Cannot save job state without job ID'));
    return new Promise<void>((resolve, reject) => {
      pending.push({ job, lastModifiedBy: options?.lastModifiedBy ?? null, resolve, reject });
      if (!flushing) {
        flushing = true;
        setImmediate(flushSaves);
      }
    });
  };
}

const time = (d: Date | null | undefined) => (d ? new Date(d).getTime() : Number.POSITIVE_INFINITY);
