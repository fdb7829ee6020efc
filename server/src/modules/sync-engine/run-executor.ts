import { sql, type ExpressionBuilder } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { Database, IntegrationStatus, LogLevel, SyncRunRow } from '../../../../db/schema.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { uuidv7 } from '../../lib/ids.js';
import * as integrationsRepo from '../integrations/integrations.repo.js';
import { compileMappings } from '../syncs/mappings.js';
import * as syncsRepo from '../syncs/syncs.repo.js';
import type { FieldMapping } from '../syncs/mappings.js';
import * as runsRepo from '../runs/runs.repo.js';
import type { RunDispatcher } from '../runs/runs.service.js';
import type { OpenSource, SourceLogEntry } from './page-source.js';
import { markUnseenDeleted, upsertRecords, type RecordInput } from './records-writer.js';
import { ConnectorError } from './connector-errors.js';
import { CalDavError } from './caldav-connector.js';
import { AppError } from '../../lib/errors.js';

/** Consecutive failed runs after which the integration shows ERROR (a single hiccup does not). */
export const FAILURES_BEFORE_ERROR = 3;
/** A running run whose heartbeat is older than this was abandoned by a dead worker and may be taken over. */
export const STALE_RUN_MS = 60_000;

export interface RunExecutorDeps {
  db: Db;
  openSource: OpenSource;
  logger: FastifyBaseLogger;
  /** How many runs one process executes at once. */
  concurrency?: number;
  /**
   * A running run whose heartbeat is older than this may be taken over (default STALE_RUN_MS). Workers
   * set it to their job lock lifetime, so a dead worker's run resumes about as soon as its job lock expires.
   */
  staleRunMs?: number;
}

export interface ExecuteHooks {
  /**
   * Called after every committed page and on every heartbeat, after the run's heartbeat is saved:
   * the job runner renews its own lock here (Agenda's `job.touch()`). Errors are logged, not thrown.
   */
  onHeartbeat?: () => Promise<void>;
}

class RunCancelled extends Error {}

/**
 * Executes sync runs: claims the run, pages through the provider, maps each record, upserts each
 * page in its own transaction together with the run's counters and resume cursor (so a crash resumes
 * after the last committed page, without duplicates), detects deletions after a complete full run,
 * and records the outcome on the run, the sync and the integration. No network call happens inside
 * a transaction.
 */
export function createRunExecutor({ db, openSource, logger, concurrency = 4, staleRunMs = STALE_RUN_MS }: RunExecutorDeps) {
  // Beats well inside the stale window, so a slow page (a long Retry-After) never looks like a dead worker.
  const heartbeatMs = Math.max(1000, Math.floor(staleRunMs / 4));
  /** A run nobody is working on: queued, or running with a heartbeat a live worker would have renewed. */
  const claimable = (staleBefore: Date) => (eb: ExpressionBuilder<Database, 'sync_runs'>) =>
    eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)])]);
  const claimedNow = () => ({ status: 'running' as const, started_at: sql<Date>`coalesce(started_at, now())`, heartbeat_at: new Date() });

  /** Claims a queued run, or a running one abandoned by a dead worker. */
  async function claim(tx: Tx, orgId: string, runId: string): Promise<SyncRunRow | undefined> {
    return tx.updateTable('sync_runs').set(claimedNow())
      .where('organization_id', '=', orgId).where('id', '=', runId).where(claimable(new Date(Date.now() - staleRunMs)))
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Claims up to `limit` runs of any organization that nobody is working on, oldest first. SKIP LOCKED
   * lets several workers claim at once without waiting on, or taking, each other's rows. The picked ids
   * are a MATERIALIZED CTE: as `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` the planner may
   * run the subquery again, which then skips the rows this statement just claimed and picks the next
   * ones — more than `limit` runs (seen: twelve for four free slots).
   */
  async function claimNext(limit: number): Promise<SyncRunRow[]> {
    const staleBefore = new Date(Date.now() - staleRunMs);
    return inScope(db, { platform: true }, (tx) => tx
      .with((cte) => cte('picked').materialized(), (q) => q.selectFrom('sync_runs').select('id').where(claimable(staleBefore))
        .orderBy('created_at').limit(limit).forUpdate().skipLocked())
      .updateTable('sync_runs').set(claimedNow())
      .from('picked').whereRef('sync_runs.id', '=', 'picked.id')
      .returningAll('sync_runs')
      .execute());
  }

  /**
   * Keeps the claimed run's heartbeat fresh while it executes (between pages too), then renews the
   * caller's lock; the heartbeat is written first, so it is never newer than the lock it backs.
   */
  function startHeartbeat(orgId: string, runId: string, hooks: ExecuteHooks) {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const beat = async () => {
      try {
        await inScope(db, { org: orgId }, (tx) => tx.updateTable('sync_runs').set({ heartbeat_at: new Date() })
          .where('organization_id', '=', orgId).where('id', '=', runId).where('status', '=', 'running').execute());
        await renew(hooks);
      } catch (err) {
        logger.warn({ err, runId }, 'run heartbeat failed');
      }
      if (!stopped) timer = setTimeout(beat, heartbeatMs).unref();
    };
    timer = setTimeout(beat, heartbeatMs).unref();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  async function renew(hooks: ExecuteHooks) {
    if (!hooks.onHeartbeat) return;
    try {
      await hooks.onHeartbeat();
    } catch (err) {
      logger.debug({ err }, 'lock renewal failed');
    }
  }

  /** What a claimed run needs, read in the run's organization scope; marks the integration SYNCING. */
  async function prepare(tx: Tx, orgId: string, run: SyncRunRow) {
    const sync = await syncsRepo.findSync(tx, orgId, run.sync_id);
    const integration = sync && (await integrationsRepo.findIntegration(tx, orgId, sync.integration_id));
    const mappings = sync ? await syncsRepo.mappingsOf(tx, [sync.id]) : [];
    if (sync && integration && integration.status !== 'PAUSED') {
      await integrationsRepo.updateIntegration(tx, orgId, integration.id, { status: 'SYNCING' });
      if (!run.cursor_before) {
        await tx.updateTable('sync_runs').set({ cursor_before: JSON.stringify(sync.cursor ?? null) }).where('id', '=', run.id).execute();
      }
    }
    return { run, sync, integration, mappings };
  }

  /** Claims one run and executes it; returns at once when another worker has it, or it was cancelled. */
  async function execute(orgId: string, runId: string, hooks: ExecuteHooks = {}): Promise<void> {
    const claimed = await inScope(db, { org: orgId }, async (tx) => {
      const run = await claim(tx, orgId, runId);
      return run ? prepare(tx, orgId, run) : null;
    });
    if (claimed) await executePrepared(claimed, hooks);
  }

  /** Executes a run this process claimed with claimNext. */
  async function executeClaimed(run: SyncRunRow): Promise<void> {
    await executePrepared(await inScope(db, { org: run.organization_id }, (tx) => prepare(tx, run.organization_id, run)), {});
  }

  async function executePrepared(claimed: Awaited<ReturnType<typeof prepare>>, hooks: ExecuteHooks): Promise<void> {
    const { run, sync, integration } = claimed;
    const orgId = run.organization_id;
    const runId = run.id;
    if (!sync || !integration) return finish(orgId, run, { status: 'failed', error: 'The sync or its integration no longer exists' });
    if (integration.status === 'PAUSED') return finish(orgId, run, { status: 'cancelled', error: 'The integration is paused' });

    const pending: SourceLogEntry[] = [];
    const log = (entry: SourceLogEntry) => pending.push(entry);
    const abort = new AbortController();
    const resource = sync.resource;
    const stopHeartbeat = startHeartbeat(orgId, runId, hooks);
    try {
      await renew(hooks); // the caller's lock now postdates the claim's heartbeat
      const mapper = compileMappings(claimed.mappings.map((m) => ({
        source: m.source, target: m.target,
        ...(m.transform ? { transform: m.transform } : {}), ...(m.args != null ? { args: m.args } : {}),
        ...(m.required ? { required: true } : {}), ...(m.default_value != null ? { default: m.default_value } : {}),
      }) as FieldMapping));
      const resumed = run.resume_cursor != null;
      log({ level: 'info', message: resumed ? 'Run resumed after the last committed page' : `Run started (${sync.mode} sync of ${resource})` });
      const source = await openSource({
        orgId, integration, sync, mode: sync.mode,
        cursor: run.resume_cursor ?? (sync.mode === 'incremental' ? sync.cursor : null),
        log, signal: abort.signal,
      });
      let lastCursor: unknown = null;
      let complete = false;
      // The next page is fetched while this one is written: the provider and the database work in
      // parallel. Commit order and resume cursors are unchanged (page N commits before N+1 starts).
      const pages = source[Symbol.asyncIterator]();
      let upcoming = pages.next();
      for (;;) {
        const step = await upcoming;
        if (step.done) break;
        const page = step.value;
        upcoming = page.done ? Promise.resolve({ done: true, value: undefined }) : pages.next();
        // Awaited at the top of the loop; until then a failure must not count as unhandled.
        upcoming.catch(() => {});
        const batch: RecordInput[] = [];
        let failed = 0;
        page.records.forEach((record, i) => {
          const { output, errors } = mapper.apply(record);
          if (errors.length) {
            failed++;
            if (failed <= 5) log({ level: 'warn', message: `Record ${page.externalIds[i]} skipped: ${errors.map((e) => `${e.target}: ${e.message}`).join('; ')}` });
            return;
          }
          batch.push({ externalId: page.externalIds[i], data: output, sourceUpdatedAt: page.updatedAt[i] ?? null });
        });
        const cancelled = await inScope(db, { org: orgId }, async (tx) => {
          const counts = await upsertRecords(tx, { organizationId: orgId, integrationId: integration.id, resource, runId }, batch);
          const current = await tx.updateTable('sync_runs')
            .set((eb) => ({
              fetched: eb('fetched', '+', page.records.length),
              created: eb('created', '+', counts.created),
              updated: eb('updated', '+', counts.updated),
              unchanged: eb('unchanged', '+', counts.unchanged),
              failed: eb('failed', '+', failed),
              resume_cursor: JSON.stringify(page.cursor ?? null),
              heartbeat_at: new Date(),
            }))
            .where('id', '=', runId).returning(['cancel_requested']).executeTakeFirstOrThrow();
          log({ level: 'info', message: `Batch saved: ${page.records.length} fetched, ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged${failed ? `, ${failed} failed` : ''}` });
          await writeLogs(tx, orgId, run, pending.splice(0));
          return current.cancel_requested;
        });
        lastCursor = page.cursor;
        await renew(hooks);
        if (cancelled) throw new RunCancelled('Cancelled by a user');
        if (page.done) {
          complete = true;
          break;
        }
      }
      await finish(orgId, run, { status: 'succeeded', cursorAfter: lastCursor, fullComplete: sync.mode === 'full' && complete, resource, integrationId: integration.id, pending });
    } catch (err) {
      abort.abort(); // stops a page fetch still in flight
      const cancelled = err instanceof RunCancelled;
      const message = cancelled ? err.message : safeMessage(err);
      if (!cancelled) logger.warn({ runId, orgId, err }, 'sync run failed');
      await finish(orgId, run, { status: cancelled ? 'cancelled' : 'failed', error: message, pending, integrationId: integration.id });
    } finally {
      stopHeartbeat();
    }
  }

  interface Outcome {
    status: 'succeeded' | 'failed' | 'cancelled';
    error?: string;
    cursorAfter?: unknown;
    fullComplete?: boolean;
    resource?: string;
    integrationId?: string;
    pending?: SourceLogEntry[];
  }

  async function finish(orgId: string, run: SyncRunRow, outcome: Outcome): Promise<void> {
    await inScope(db, { org: orgId }, async (tx) => {
      let deleted = 0;
      if (outcome.status === 'succeeded' && outcome.fullComplete && outcome.integrationId && outcome.resource) {
        deleted = await markUnseenDeleted(tx, { integrationId: outcome.integrationId, resource: outcome.resource, runId: run.id });
      }
      const now = new Date();
      const finished = await tx.updateTable('sync_runs')
        .set((eb) => ({
          status: outcome.status, finished_at: now, error: outcome.error ?? null, deleted: eb('deleted', '+', deleted),
          ...(outcome.status === 'succeeded' ? { cursor_after: JSON.stringify(outcome.cursorAfter ?? null), resume_cursor: null } : {}),
        }))
        .where('id', '=', run.id).returningAll().executeTakeFirstOrThrow();
      const s = finished;
      const summary = `Run ${outcome.status}: ${s.fetched} fetched, ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.deleted} deleted, ${s.failed} failed${outcome.error ? ` — ${outcome.error}` : ''}`;
      await writeLogs(tx, orgId, run, [...(outcome.pending ?? []), { level: outcome.status === 'failed' ? 'error' : 'info', message: summary, data: { stats: { fetched: s.fetched, created: s.created, updated: s.updated, unchanged: s.unchanged, deleted: s.deleted, failed: s.failed } } }]);

      await tx.updateTable('syncs')
        .set({ last_run_at: now, ...(outcome.status === 'succeeded' ? { cursor: JSON.stringify(outcome.cursorAfter ?? null) } : {}) })
        .where('id', '=', run.sync_id).execute();
      const integration = await integrationsRepo.lockIntegration(tx, orgId, run.integration_id);
      if (!integration) return;
      const stillSyncing = await tx.selectFrom('sync_runs').select('id').where('integration_id', '=', run.integration_id).where('status', '=', 'running').where('id', '!=', run.id).executeTakeFirst();
      if (outcome.status === 'failed') {
        const errors = integration.error_count + 1;
        const status: IntegrationStatus = integration.status === 'PAUSED' ? 'PAUSED' : errors >= FAILURES_BEFORE_ERROR ? 'ERROR' : stillSyncing ? 'SYNCING' : 'ACTIVE';
        await integrationsRepo.updateIntegration(tx, orgId, run.integration_id, { error_count: errors, last_error: outcome.error ?? 'Sync failed', status });
      } else {
        const status: IntegrationStatus = integration.status === 'PAUSED' ? 'PAUSED' : stillSyncing ? 'SYNCING' : 'ACTIVE';
        await integrationsRepo.updateIntegration(tx, orgId, run.integration_id, {
          status, ...(outcome.status === 'succeeded' ? { last_sync_at: now, error_count: 0, verified_at: integration.verified_at ?? now } : {}),
        });
      }
    });
  }

  async function writeLogs(tx: Tx, orgId: string, run: SyncRunRow, entries: SourceLogEntry[]) {
    const base = Date.now();
    await runsRepo.insertLogs(tx, entries.map((e, i) => ({
      id: uuidv7(base + i), organization_id: orgId, run_id: run.id, integration_id: run.integration_id, sync_id: run.sync_id,
      at: new Date(base + i), level: e.level as LogLevel, message: e.message.slice(0, 2000), data: e.data ? JSON.stringify(e.data) : null,
    })));
  }

  // ---- the run pool: at most `concurrency` runs at once in this process ----------------------------
  //
  // Not yet pulling (a process that is no worker, e.g. a test app): it executes exactly the runs
  // dispatched to it. Pulling (a worker, after startPulling): the queued rows in sync_runs are the queue.
  // Whenever a slot is free the pool claims the oldest runs nobody is working on (claimNext: queued, or
  // running with a stale heartbeat) — on a dispatch, after each finished run while there may be more,
  // and every poll. Why the table and not a job per run (run:execute) or a queue in memory:
  // - a queued run belongs to no process, so one queued by a worker that died right after is simply
  //   started by another worker; nothing has to expire or be recovered first;
  // - every worker with a free slot takes the oldest run, so a burst of due schedules is spread over
  //   all workers whichever worker fired them, and runs start in the order they were queued;
  // - Agenda locks new jobs only at its poll (or on a notification), at most lockLimit at a time, so a
  //   job per run would start at most lockLimit runs per worker per poll — the cause of issue 4;
  // - the run row is the only record of pending work, so there is no second copy that can disagree.
  // The claim itself (an UPDATE of a row still queued) is what makes a run start once, here and in execute().
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
    let claimed: SyncRunRow[] = [];
    try {
      claimed = await claimNext(free);
    } catch (err) {
      logger.warn({ err }, 'queued runs could not be claimed; trying again at the next poll');
    }
    claiming = false;
    // A full claim may have left runs behind; a dispatch during the claim has set the flag itself.
    if (claimed.length === free) mayHaveMore = true;
    for (const run of claimed) launch(() => executeClaimed(run), run.id);
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
    execute,
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

/** Errors shown to admins: connector errors are written to be safe; anything else is summarised. */
function safeMessage(err: unknown): string {
  // These are written to be shown: provider, status and a redacted URL, never a response body.
  if (err instanceof ConnectorError || err instanceof CalDavError || (err instanceof AppError && err.statusCode < 500)) {
    return err.message.slice(0, 1000);
  }
  return 'The sync failed unexpectedly; the details are in the server log';
}

export type RunExecutor = ReturnType<typeof createRunExecutor>;
