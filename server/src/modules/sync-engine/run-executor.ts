import os from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import { createRunExecution, type ExecuteHooks } from './execute-run.js';
import type { OpenSource } from './page-source.js';
import { createRunPool } from './run-pool.js';
import { createRunStore } from './run-store.js';

export { FAILURES_BEFORE_ERROR } from './run-store.js';
export type { ExecuteHooks } from './execute-run.js';

export interface RunExecutorDeps {
  db: Db;
  openSource: OpenSource;
  logger: FastifyBaseLogger;
  /** How many runs one process executes at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /**
   * A running run whose heartbeat is older than this was abandoned by a dead worker and may be taken over.
   * The job lock lifetime, so a dead worker's run resumes about as soon as its job lock expires.
   */
  staleRunMs: number;
  /** Recorded on every run this process claims (sync_runs.claimed_by); `host:pid` unless given. */
  processName?: string;
}

/**
 * Executes sync runs: the run pool (run-pool.ts) decides when a run starts, at most `concurrency` at once;
 * execute-run.ts executes one (connector → mappings → one transaction per page); run-store.ts is what a run
 * reads and writes in the database, through the runs, syncs and integrations repos.
 */
export function createRunExecutor({ db, openSource, logger, concurrency, staleRunMs, processName }: RunExecutorDeps) {
  const store = createRunStore({ db, staleRunMs, processName: processName ?? `${os.hostname()}:${process.pid}` });
  // Beats well inside the stale window, so a slow page (a long Retry-After) never looks like a dead worker.
  const heartbeatMs = Math.max(1000, Math.floor(staleRunMs / 4));
  const { execute, executeClaimed } = createRunExecution({ store, openSource, logger, heartbeatMs });
  const pool = createRunPool({
    concurrency,
    logger,
    claimOldest: store.claimOldest,
    executeClaimed,
    execute: (orgId, runId) => execute(orgId, runId),
  });
  return {
    /** Claims one run and executes it now, outside the pool; returns at once when another worker has it. */
    execute: (orgId: string, runId: string, hooks?: ExecuteHooks) => execute(orgId, runId, hooks),
    ...pool,
  };
}

export type RunExecutor = ReturnType<typeof createRunExecutor>;
