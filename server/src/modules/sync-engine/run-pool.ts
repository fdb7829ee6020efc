import type { FastifyBaseLogger } from 'fastify';
import type { RunDispatcher } from '../runs/runs.service.js';
import type { ClaimedRun } from './run-store.js';

export interface RunPoolDeps {
  /** How many runs this process executes at once. */
  concurrency: number;
  logger: FastifyBaseLogger;
  /** Claims and executes one dispatched run (returns at once when another process has it). */
  execute: (orgId: string, runId: string) => Promise<void>;
  /** Claims and prepares up to `limit` runs nobody is working on, oldest first. */
  claimOldest: (limit: number) => Promise<ClaimedRun[]>;
  /** Executes a run claimOldest claimed. */
  executeClaimed: (claimed: ClaimedRun) => Promise<void>;
}

/**
 * The run pool: at most `concurrency` runs at once in this process.
 *
 * Not yet pulling (a process that is no worker, e.g. a test app): it executes exactly the runs
 * dispatched to it. Pulling (a worker, after startPulling): the queued rows in sync_runs are the queue.
 * Whenever a slot is free the pool claims the oldest runs nobody is working on (claimOldest: queued, or
 * running with a stale heartbeat) — on a dispatch, after each finished run while there may be more,
 * and every poll. Why the table and not a job per run (run:execute) or a queue in memory:
 * - a queued run belongs to no process, so one queued by a worker that died right after is simply
 *   started by another worker; nothing has to expire or be recovered first;
 * - every worker with a free slot takes the oldest run, so a burst of due schedules is spread over
 *   all workers whichever worker fired them, and runs start in the order they were queued;
 * - Agenda locks new jobs only at its poll (or on a notification), at most lockLimit at a time, so a
 *   job per run would start at most lockLimit runs per worker per poll — the cause of issue 4;
 * - the run row is the only record of pending work, so there is no second copy that can disagree.
 * The claim itself (an UPDATE of a row still queued) is what makes a run start once, here and in execute().
 */
export function createRunPool({ concurrency, logger, execute, claimOldest, executeClaimed }: RunPoolDeps) {
  const queue: { orgId: string; runId: string }[] = [];
  let active = 0;
  const idle: (() => void)[] = [];
  let pollTimer: NodeJS.Timeout | undefined;
  let pulling = false;
  let claiming = false;
  /** Claim again: woken by a dispatch or the poll, or the last claim filled every free slot. */
  let mayHaveMore = false;
  /** While true, only the poll claims (see startPulling). */
  let holdClaims: () => boolean = () => false;
  let pollDue = false;

  function launch(work: () => Promise<void>, runId: string) {
    active++;
    work()
      .catch((err) => logger.error({ err, runId }, 'run executor crashed'))
      .finally(() => {
        active--;
        pump();
        settle();
      });
  }

  function settle() {
    if (active === 0 && queue.length === 0 && !claiming) idle.splice(0).forEach((resolve) => resolve());
  }

  function pump() {
    while (active < concurrency && queue.length) {
      const next = queue.shift()!;
      launch(() => execute(next.orgId, next.runId), next.runId);
    }
    if (pulling && mayHaveMore && !claiming && active < concurrency && (pollDue || !holdClaims())) {
      pollDue = false;
      void claimAndLaunch();
    }
  }

  async function claimAndLaunch() {
    claiming = true;
    mayHaveMore = false;
    const free = concurrency - active;
    let claimed: ClaimedRun[] = [];
    try {
      claimed = await claimOldest(free);
    } catch (err) {
      logger.warn({ err }, 'queued runs could not be claimed; trying again at the next poll');
    }
    claiming = false;
    // A full claim may have left runs behind; a dispatch during the claim has set the flag itself.
    if (claimed.length === free) mayHaveMore = true;
    for (const c of claimed) launch(() => executeClaimed(c), c.run.id);
    pump();
    settle();
  }

  function wake() {
    mayHaveMore = true;
    setImmediate(pump);
  }

  const dispatcher: RunDispatcher = {
    dispatch(orgId, runId) {
      // A pulling pool finds the committed run itself, in queue order with everything else waiting.
      if (pulling) return wake();
      queue.push({ orgId, runId });
      setImmediate(pump);
    },
  };

  return {
    dispatcher,
    /**
     * Makes this process a worker's run pool: it claims queued runs of every process, now and every
     * `pollMs`. While `hold()` is true it claims only at the poll: the worker is turning due schedules
     * into queued runs, which takes milliseconds each and lets every worker's pool see them, so a burst
     * of due schedules is queued first instead of waiting behind whole runs for the same CPU and connections.
     */
    startPulling(pollMs: number, hold: () => boolean = () => false) {
      if (pulling) return;
      pulling = true;
      holdClaims = hold;
      pollTimer = setInterval(() => {
        pollDue = true;
        wake();
      }, pollMs).unref();
      wake();
    },
    /** Claims now if slots are free (e.g. a hold ended). */
    wake,
    /** Stops claiming further runs and resolves when none is executing or waiting (graceful shutdown, tests). */
    drain: () => {
      pulling = false;
      clearInterval(pollTimer);
      return active === 0 && queue.length === 0 && !claiming ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}

export type RunPool = ReturnType<typeof createRunPool>;
