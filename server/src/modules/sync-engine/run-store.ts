import type { CompiledQuery } from 'kysely';
import type { Db } from '../../../../db/client.js';
import type { ErrorKind, IntegrationRow, IntegrationStatus, LogLevel, SyncRunRow } from '../../../../db/schema.js';
import { inScope, inScopeBatched, type SendQueries, type Tx } from '../../lib/db-scope.js';
import { countPushWrites, recordsWritten, runsFinished } from '../../lib/metrics.js';
import { uuidv7 } from '../../lib/ids.js';
import * as integrations from '../integrations/integrations.port.js';
import * as push from '../push/push.port.js';
import * as runs from '../runs/runs.port.js';
import * as syncs from '../syncs/syncs.port.js';
import * as webhooks from '../webhooks/webhooks.port.js';
import type { SourceLogEntry } from './page-source.js';
import { markUnseenDeletedQueries, upsertRecordsQueries, type BatchCounts, type PreparedRecords } from './records-writer.js';

/** Consecutive failed runs after which the integration shows ERROR (a single hiccup does not). */
export const FAILURES_BEFORE_ERROR = 3;

/**
 * What a run records in the database, one transaction per step, in the run's organization scope (claims of
 * any organization's runs: the platform scope): its claim, each page's records together with the run's counters,
 * resume cursor and logs, and its end on the run, the sync and the integration. The only part of the sync engine
 * that reads or writes tables; the SQL is in the modules that own them, reached through their ports (runs, syncs,
 * integrations), and, for the synced records themselves, which only the engine writes, in records-writer.ts.
 */
export function createRunStore({ db, staleRunMs, processName }: { db: Db; staleRunMs: number; processName: string }) {
  const staleBefore = () => new Date(Date.now() - staleRunMs);

  /**
   * Records the run's outcome in one transaction: with `lastPage`, the run's last page first (its records, counters and
   * logs, as commitPage writes them); deletions after a complete full run; the run's status and final stats (and its
   * summary line after the pending log entries), the sync's last run and cursor, the run's webhook events, and the
   * integration's status. Two round trips (three after a complete full run, whose deletions the run counts; one more
   * with a last page): the last page's upsert with the check for a cancel (a cancel found there ends the run cancelled
   * after the page, as commitPage's would, and marks nothing deleted); the deletions; the run's end (after the last
   * page's counters), the sync, the integration's lock and then the check for other running runs, in one message; what
   * needs their rows, and COMMIT, in the next. Rows are locked in the order they always were: the feed and records, the
   * run, the sync, the integration. The last page used to commit on its own first: one transaction less per run (its
   * BEGIN, scope and COMMIT, and a round trip), and an end that cannot be recorded no longer leaves its last page behind.
   */
  async function finish(
    run: SyncRunRow,
    asked: RunOutcome,
    lastPage?: CommittedPage & { integrationId: string; resource: string },
  ): Promise<void> {
    const orgId = run.organization_id;
    let outcome = asked;
    let written: Pick<BatchCounts, 'created' | 'updated'> = { created: 0, updated: 0 };
    const deletedCount = await inScopeBatched(db, { org: orgId }, async (q, send) => {
      // The last page's counters, sent with the next message that writes the run (after the deletions' record locks).
      const progress: CompiledQuery[] = [];
      if (lastPage) {
        const page = await sendLastPage(q, send, run, lastPage, outcome);
        ({ outcome, written } = page);
        progress.push(page.progress);
      }
      const succeeded = outcome.status === 'succeeded';
      const marking =
        succeeded && outcome.fullComplete && outcome.integrationId && outcome.resource
          ? markUnseenDeletedQueries(q, {
              organizationId: orgId,
              integrationId: outcome.integrationId,
              resource: outcome.resource,
              runId: run.id,
            })
          : null;
      const deleted = marking
        ? marking.count((await send([...marking.queries, ...progress.splice(0)])).slice(0, marking.queries.length))
        : 0;
      const now = new Date();
      const cursorAfter = succeeded ? (outcome.cursorAfter ?? null) : undefined;
      const [ended, , locked, others] = (
        await send([
          ...progress,
          runs.finishRunQuery(q, run.id, {
            status: outcome.status,
            finishedAt: now,
            error: outcome.error ?? null,
            errorKind: outcome.status === 'failed' ? (outcome.errorKind ?? null) : null,
            deleted,
            cursorAfter,
          }),
          syncs.recordRunOnSyncQuery(q, run.sync_id, now, cursorAfter),
          integrations.lockIntegrationQuery(q, orgId, run.integration_id),
          runs.otherRunRunningQuery(q, run.integration_id, run.id),
        ])
      ).slice(-4);
      const [row] = ended as SyncRunRow[];
      if (!row) throw new Error(`finish: run ${run.id} not found`);
      const stats = runStats(row);
      const integration = (locked as IntegrationRow[])[0] as IntegrationRow | undefined;
      await send(
        [
          runs.insertLogsQuery(q, logRows(run, [...(outcome.pending ?? []), summaryLine(outcome, stats)])),
          ...runEvents(q, run, outcome, stats),
          ...(integration ? integrationAfterRunQueries(q, run, integration, outcome, others.length > 0, now) : []),
        ],
        { commit: true },
      );
      return deleted;
    });
    runsFinished.inc({ status: outcome.status, trigger: run.trigger });
    if (deletedCount) recordsWritten.inc({ change: 'deleted' }, deletedCount);
    if (written.created) recordsWritten.inc({ change: 'created' }, written.created);
    if (written.updated) recordsWritten.inc({ change: 'updated' }, written.updated);
  }

  return {
    /** Claims a queued run, or a running one abandoned by a dead worker, and prepares it; null when someone else has it. */
    claim: (orgId: string, runId: string): Promise<ClaimedRun | null> =>
      inScopeBatched(db, { org: orgId }, async (q, send) => {
        const [claimed] = await send([runs.claimRunQuery(q, orgId, runId, staleBefore(), processName)]);
        return (await prepareRuns(q, send, claimed as SyncRunRow[]))[0] ?? null;
      }),

    /**
     * Claims up to `limit` runs of any organization that nobody is working on, oldest first, and prepares them, in one
     * transaction (platform scope) of three round trips: the claim, the reads, the writes with COMMIT.
     */
    claimOldest: (limit: number): Promise<ClaimedRun[]> =>
      inScopeBatched(db, { platform: true }, async (q, send) => {
        const [claimed] = await send([runs.claimOldestRunsQuery(q, limit, staleBefore(), processName)]);
        return prepareRuns(q, send, claimed as SyncRunRow[]);
      }),

    heartbeat: (orgId: string, runId: string): Promise<void> => inScope(db, { org: orgId }, (tx) => runs.touchHeartbeat(tx, orgId, runId)),

    commitPage: (run: SyncRunRow, target: { integrationId: string; resource: string }, page: CommittedPage, pending: SourceLogEntry[]) =>
      commitPage(db, run, target, page, pending),
    finish,
    ...pushRunStore(db),
  };
}

export type RunStore = ReturnType<typeof createRunStore>;

/**
 * One page, in one transaction: its records, the run's counters and resume cursor, and the pending log entries
 * (drained) followed by the batch line. Returns whether a user asked to cancel the run. Two round trips: BEGIN,
 * the scope, the feed lock and the upsert in one message; the counters and logs (which need the upsert's counts)
 * and COMMIT in the second.
 */
async function commitPage(
  db: Db,
  run: SyncRunRow,
  target: { integrationId: string; resource: string },
  page: CommittedPage,
  pending: SourceLogEntry[],
): Promise<boolean> {
  const orgId = run.organization_id;
  pending.push(...page.logs);
  let written = { created: 0, updated: 0 };
  const cancelRequested = await inScopeBatched(db, { org: orgId }, async (q, send) => {
    const upsert = upsertRecordsQueries(
      q,
      { organizationId: orgId, integrationId: target.integrationId, resource: target.resource, runId: run.id },
      page.batch,
    );
    const counts = upsert.counts(await send(upsert.queries));
    pending.push({ level: 'info', message: batchLine(page, counts) });
    const [progress] = await send(
      [runs.addPageProgressQuery(q, run.id, pageProgress(page, counts)), runs.insertLogsQuery(q, logRows(run, pending.splice(0)))],
      { commit: true },
    );
    const [row] = progress as { cancel_requested: boolean }[];
    if (!row) throw new Error(`commitPage: run ${run.id} not found`);
    written = counts;
    return row.cancel_requested;
  });
  // Counted once committed (a page rolled back is written again by the run's next attempt).
  if (written.created) recordsWritten.inc({ change: 'created' }, written.created);
  if (written.updated) recordsWritten.inc({ change: 'updated' }, written.updated);
  return cancelRequested;
}

/**
 * A run's last page at the start of its end's transaction (run-store's finish): the upsert and the check for a cancel in
 * one message. Returns the run's outcome with the page's log lines (cancelled if a user asked), its counters' query,
 * and what it wrote. The caller's list of pending log entries is left alone: should the transaction fail, the run's
 * failure is recorded without the page.
 */
async function sendLastPage(
  q: Tx,
  send: SendQueries,
  run: SyncRunRow,
  lastPage: CommittedPage & { integrationId: string; resource: string },
  outcome: RunOutcome,
): Promise<{ outcome: RunOutcome; progress: CompiledQuery; written: BatchCounts }> {
  const pending = [...(outcome.pending ?? []), ...lastPage.logs];
  const upsert = upsertRecordsQueries(
    q,
    { organizationId: run.organization_id, integrationId: lastPage.integrationId, resource: lastPage.resource, runId: run.id },
    lastPage.batch,
  );
  const results = await send([...upsert.queries, runs.cancelRequestedQuery(q, run.id)]);
  const counts = upsert.counts(results);
  const [check] = results[results.length - 1] as { cancel_requested: boolean }[];
  if (!check) throw new Error(`finish: run ${run.id} not found`);
  pending.push({ level: 'info', message: batchLine(lastPage, counts) });
  const { resource, integrationId } = outcome;
  return {
    outcome: check.cancel_requested
      ? { status: 'cancelled', error: CANCELLED_BY_USER, pending, resource, integrationId }
      : { ...outcome, pending },
    progress: runs.addPageProgressQuery(q, run.id, pageProgress(lastPage, counts)),
    written: counts,
  };
}

/** What a user's cancel leaves in the run's error. */
export const CANCELLED_BY_USER = 'Cancelled by a user';

/** A committed page's log line. */
function batchLine(page: CommittedPage, counts: BatchCounts): string {
  return `Batch saved: ${page.fetched} fetched, ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged${page.failed ? `, ${page.failed} failed` : ''}${page.skipped ? `, ${page.skipped} skipped by filters` : ''}`;
}

/** What a committed page adds to the run's counters, and where the run resumes after it. */
function pageProgress(page: CommittedPage, counts: BatchCounts): runs.PageProgress {
  return {
    fetched: page.fetched,
    created: counts.created,
    updated: counts.updated,
    unchanged: counts.unchanged,
    failed: page.failed,
    skipped: page.skipped,
    resumeCursor: page.cursor,
  };
}

/** What a push run records beyond a pull's (push-executor.ts commits each write itself). */
function pushRunStore(db: Db) {
  return {
    /** Push runs commit one write at a time (push-executor.ts). */
    db,
    /** A push run that ends early leaves no write pending. */
    failPending: async (run: SyncRunRow, error: string): Promise<void> => {
      const failed = await inScope(db, { org: run.organization_id }, async (tx) => {
        const n = await push.failPendingWrites(tx, run.id, error);
        if (n) await runs.addPushProgress(tx, run.id, { failed: n });
        return n;
      });
      countPushWrites({ failed });
    },
    /** Whether a user asked to cancel the run. */
    cancelRequested: (orgId: string, runId: string): Promise<boolean> =>
      inScope(db, { org: orgId }, async (tx) => (await runs.cancelRequested(tx, orgId, runId)) === true),
  };
}
type RowOf<Q> = Q extends CompiledQuery<infer R> ? R : never;

export interface ClaimedRun {
  run: SyncRunRow;
  sync: RowOf<ReturnType<typeof syncs.findSyncsByIdQuery>> | undefined;
  integration: RowOf<ReturnType<typeof integrations.findIntegrationsByIdQuery>> | undefined;
  mappings: RowOf<ReturnType<typeof syncs.mappingsOfQuery>>[];
}

/**
 * What claimed runs need, read for the whole batch at once in the claim's transaction, in one message (each run's
 * sync, its integration with whether it is connected, the sync's mappings); then, in one more with COMMIT, marks the
 * runs' integrations SYNCING (a paused one stays PAUSED: its run is cancelled) and stores the sync's cursor on each
 * run that has none yet (`cursor_before`).
 */
async function prepareRuns(q: Tx, send: SendQueries, claimed: SyncRunRow[]): Promise<ClaimedRun[]> {
  if (claimed.length === 0) return [];
  const syncIds = [...new Set(claimed.map((r) => r.sync_id))];
  // A run's integration is its sync's (a sync never moves), so the three reads go together.
  const [syncRows, integrationRows, mappingRows] = (await send([
    syncs.findSyncsByIdQuery(q, syncIds),
    integrations.findIntegrationsByIdQuery(q, [...new Set(claimed.map((r) => r.integration_id))]),
    syncs.mappingsOfQuery(q, syncIds),
  ])) as [NonNullable<ClaimedRun['sync']>[], NonNullable<ClaimedRun['integration']>[], ClaimedRun['mappings']];
  const syncById = new Map(syncRows.map((s) => [s.id, s]));
  const integrationById = new Map(integrationRows.map((i) => [i.id, i]));
  const prepared = claimed.map((run): ClaimedRun => {
    const sync = syncById.get(run.sync_id);
    const integration = sync && integrationById.get(sync.integration_id);
    return { run, sync, integration, mappings: sync ? mappingRows.filter((m) => m.sync_id === sync.id) : [] };
  });
  const starting = prepared.filter((p) => p.sync && p.integration && p.integration.status !== 'PAUSED');
  // Sorted: two workers' batches lock shared integrations in the same order.
  const syncing = [...new Set(starting.map((p) => p.integration!.id))].sort();
  const cursors = starting.filter((p) => !p.run.cursor_before).map((p) => ({ runId: p.run.id, cursor: p.sync!.cursor }));
  await send(
    [
      ...(syncing.length ? [integrations.markSyncingQuery(q, syncing)] : []),
      ...(cursors.length ? [runs.setCursorsBeforeQuery(q, cursors)] : []),
    ],
    { commit: true },
  );
  return prepared;
}

/** A page as it is committed: the mapped records, and what the run counts for it. */
export interface CommittedPage {
  /** The mapped records, ready to upsert (prepared before the page's transaction begins). */
  batch: PreparedRecords;
  /** Records the provider sent (mapped or not). */
  fetched: number;
  /** Records the mappings refused. */
  failed: number;
  /** Records selective sync's filters left out (applied locally). */
  skipped: number;
  /** Where the run resumes after this page. */
  cursor: unknown;
  /** What mapping the page logged (records refused), written with it: the page is mapped before the one before it commits. */
  logs: SourceLogEntry[];
}

export interface RunOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  error?: string;
  /** What kind of failure `error` is (error-kind.ts); unset for failures no remedy fits (the sync was deleted). */
  errorKind?: ErrorKind;
  cursorAfter?: unknown;
  /** A full run listed everything: records it did not see are marked deleted. */
  fullComplete?: boolean;
  resource?: string;
  integrationId?: string;
  /** Log entries not yet written; the summary line follows them. */
  pending?: SourceLogEntry[];
}

/**
 * The integration after a run ends: a pause stays; a failure counts towards ERROR (FAILURES_BEFORE_ERROR in a row);
 * otherwise SYNCING while another of its runs is running, else ACTIVE. A success resets the failure count.
 */
export function integrationAfterRun(
  integration: Pick<IntegrationRow, 'status' | 'error_count' | 'verified_at'>,
  outcome: Pick<RunOutcome, 'status' | 'error' | 'errorKind'>,
  stillSyncing: boolean,
  now: Date,
) {
  if (outcome.status === 'failed') {
    const errors = integration.error_count + 1;
    const status: IntegrationStatus =
      integration.status === 'PAUSED' ? 'PAUSED' : errors >= FAILURES_BEFORE_ERROR ? 'ERROR' : stillSyncing ? 'SYNCING' : 'ACTIVE';
    return { error_count: errors, last_error: outcome.error ?? 'Sync failed', last_error_kind: outcome.errorKind ?? null, status };
  }
  const status: IntegrationStatus = integration.status === 'PAUSED' ? 'PAUSED' : stillSyncing ? 'SYNCING' : 'ACTIVE';
  return {
    status,
    ...(outcome.status === 'succeeded' ? { last_sync_at: now, error_count: 0, verified_at: integration.verified_at ?? now } : {}),
  };
}

/** The run's final stats, as its summary line and webhook events report them. */
function runStats(s: SyncRunRow): RunStats {
  return {
    fetched: s.fetched,
    created: s.created,
    updated: s.updated,
    unchanged: s.unchanged,
    deleted: s.deleted,
    failed: s.failed,
    skipped: s.skipped,
  };
}

type RunStats = Pick<SyncRunRow, 'fetched' | 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed' | 'skipped'>;

/** The run's last log line: its outcome and final stats. */
function summaryLine(outcome: RunOutcome, s: RunStats): SourceLogEntry {
  const message = `Run ${outcome.status}: ${s.fetched} fetched, ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.deleted} deleted, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped by filters` : ''}${outcome.error ? ` — ${outcome.error}` : ''}`;
  return { level: outcome.status === 'failed' ? 'error' : 'info', message, data: { stats: s } };
}

/**
 * The integration's status and error after one of its runs ended (its row locked by the caller); integration.error
 * when this failure made it ERROR.
 */
function integrationAfterRunQueries(
  q: Tx,
  run: SyncRunRow,
  integration: IntegrationRow,
  outcome: RunOutcome,
  stillSyncing: boolean,
  now: Date,
): CompiledQuery[] {
  const orgId = run.organization_id;
  const after = integrationAfterRun(integration, outcome, stillSyncing, now);
  const queries = [integrations.updateIntegrationStateQuery(q, orgId, run.integration_id, after)];
  // Into ERROR now: this failure reached the threshold (the status read here is SYNCING while a run is running).
  if (after.status === 'ERROR' && integration.error_count < FAILURES_BEFORE_ERROR) {
    queries.push(
      webhooks.recordEventQuery(q, orgId, 'integration.error', {
        integrationId: run.integration_id,
        provider: integration.provider,
        reason: outcome.error ?? 'Sync failed',
      }),
    );
  }
  return queries;
}

/**
 * The run's end for webhook endpoints, in the transaction that records it (the outbox): sync.succeeded or
 * sync.failed, and records.changed when the run added, updated or deleted records. A cancelled run reports nothing.
 */
function runEvents(q: Tx, run: SyncRunRow, outcome: RunOutcome, stats: RunStats): CompiledQuery[] {
  if (outcome.status === 'cancelled') return [];
  const subject = { runId: run.id, syncId: run.sync_id, integrationId: run.integration_id, resource: outcome.resource ?? '' };
  const queries = [
    webhooks.recordEventQuery(q, run.organization_id, outcome.status === 'succeeded' ? 'sync.succeeded' : 'sync.failed', {
      ...subject,
      trigger: run.trigger,
      stats,
      error: outcome.error ?? null,
    }),
  ];
  if (stats.created || stats.updated || stats.deleted) {
    queries.push(
      webhooks.recordEventQuery(q, run.organization_id, 'records.changed', {
        ...subject,
        added: stats.created,
        updated: stats.updated,
        deleted: stats.deleted,
      }),
    );
  }
  return queries;
}

/** Log entries as rows of the run's log, one millisecond apart so they keep their order. */
function logRows(run: SyncRunRow, entries: SourceLogEntry[]) {
  const base = Date.now();
  return entries.map((e, i) => ({
    id: uuidv7(base + i),
    organization_id: run.organization_id,
    run_id: run.id,
    integration_id: run.integration_id,
    sync_id: run.sync_id,
    at: new Date(base + i),
    level: e.level as LogLevel,
    message: e.message.slice(0, 2000),
    data: e.data ? JSON.stringify(e.data) : null,
  }));
}
