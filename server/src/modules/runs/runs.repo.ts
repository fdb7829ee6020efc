import { sql, type CompiledQuery, type ExpressionBuilder, type Insertable } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import { newestFirst } from '../../lib/keyset.js';
import type { Database, ErrorKind, LogLevel, RunStatus, SyncLogsTable, SyncRunRow, SyncRunsTable } from '../../../../db/schema.js';

export interface RunFilters {
  ids?: string[];
  integrationId?: string;
  syncId?: string;
  status?: RunStatus;
  from?: Date;
  to?: Date;
  before?: { createdAt: string; id: string };
  limit: number;
}

/** A page of an organization's runs, newest first, as a query (the service sends it with its scope: readInScope). */
export function listRunsQuery(tx: Tx, orgId: string, f: RunFilters) {
  let q = tx.selectFrom('sync_runs').selectAll().where('organization_id', '=', orgId);
  if (f.ids) q = q.where('id', 'in', f.ids);
  if (f.integrationId) q = q.where('integration_id', '=', f.integrationId);
  if (f.syncId) q = q.where('sync_id', '=', f.syncId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<=', f.to);
  return newestFirst(q, 'created_at', f.before && { at: f.before.createdAt, id: f.before.id }, f.limit);
}

export function findRun(tx: Tx, orgId: string, runId: string) {
  return tx.selectFrom('sync_runs').selectAll().where('organization_id', '=', orgId).where('id', '=', runId).executeTakeFirst();
}

/**
 * Inserts the run unless a unique index refuses it (another active run of the sync, or the slot's run
 * already exists); returns whether it was inserted. DO NOTHING instead of catching the violation: no
 * savepoint, and the surrounding transaction stays usable.
 */
export async function insertRunIfFree(tx: Tx, row: Insertable<SyncRunsTable>): Promise<boolean> {
  const inserted = await tx
    .insertInto('sync_runs')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * The sync's active run (queued or running), locked when it is queued so that it cannot start before the caller
 * commits (a claim skips or waits for a locked row): a webhook event joining it is then seen by the run.
 */
export function lockActiveRun(tx: Tx, orgId: string, syncId: string) {
  return (
    tx
      .selectFrom('sync_runs')
      .select(['id', 'status'])
      .where('organization_id', '=', orgId)
      .where('sync_id', '=', syncId)
      .where('status', 'in', ['queued', 'running'])
      // Push runs sit beside the sync's one pull run (migration 0013): nothing joins them.
      .where('trigger', '!=', 'push')
      .forUpdate()
      .executeTakeFirst()
  );
}

export async function cancelQueued(tx: Tx, orgId: string, runId: string) {
  const r = await tx
    .updateTable('sync_runs')
    .set({ status: 'cancelled', finished_at: new Date(), error: 'Cancelled before it started' })
    .where('organization_id', '=', orgId)
    .where('id', '=', runId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * A push run cancelled before it started: its writes fail with it rather than wait as pending changes for a
 * bidirectional run to send later. The rows are the push module's (run_writes), written here because cancelling is
 * this module's and a call into push would make the two folders import each other (push queues runs through runs).
 */
export async function failWritesOfCancelledPush(tx: Tx, runId: string): Promise<number> {
  const r = await tx
    .updateTable('run_writes')
    .set({ status: 'failed', error: 'Cancelled before it was written', finished_at: new Date() })
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function requestCancel(tx: Tx, orgId: string, runId: string) {
  const r = await tx
    .updateTable('sync_runs')
    .set({ cancel_requested: true })
    .where('organization_id', '=', orgId)
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- run execution (the sync engine's run executor) -------------------------------------------------

/** A run nobody is working on: queued, or running with a heartbeat older than `staleBefore` (its worker died). */
const claimable = (staleBefore: Date) => (eb: ExpressionBuilder<Database, 'sync_runs'>) =>
  eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)])]);
const claimedNow = (claimedBy: string) => ({
  status: 'running' as const,
  started_at: sql<Date>`coalesce(started_at, now())`,
  heartbeat_at: new Date(),
  claimed_by: claimedBy,
});

/**
 * Claims one run if nobody is working on it (see `claimable`): running, started (once), heartbeat now, claimed by
 * `claimedBy`. Its row when claimed, none when someone else has it.
 */
export function claimRunQuery(q: Tx, orgId: string, runId: string, staleBefore: Date, claimedBy: string): CompiledQuery<SyncRunRow> {
  return q
    .updateTable('sync_runs')
    .set(claimedNow(claimedBy))
    .where('organization_id', '=', orgId)
    .where('id', '=', runId)
    .where(claimable(staleBefore))
    .returningAll()
    .compile();
}

/**
 * Claims up to `limit` runs of any organization that nobody is working on, oldest first (platform scope). SKIP
 * LOCKED lets several workers claim at once without waiting on, or taking, each other's rows. The picked ids
 * are a MATERIALIZED CTE: as `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` the planner may
 * run the subquery again, which then skips the rows this statement just claimed and picks the next
 * ones — more than `limit` runs (seen: twelve for four free slots).
 */
export function claimOldestRunsQuery(q: Tx, limit: number, staleBefore: Date, claimedBy: string): CompiledQuery<SyncRunRow> {
  return q
    .with(
      (cte) => cte('picked').materialized(),
      (qc) =>
        qc.selectFrom('sync_runs').select('id').where(claimable(staleBefore)).orderBy('created_at').limit(limit).forUpdate().skipLocked(),
    )
    .updateTable('sync_runs')
    .set(claimedNow(claimedBy))
    .from('picked')
    .whereRef('sync_runs.id', '=', 'picked.id')
    .returningAll('sync_runs')
    .compile();
}

/** The run queue across organizations (platform scope), for the metrics. */
export interface QueueStats {
  queued: number;
  running: number;
  /** Seconds since the oldest queued run was due (its schedule slot, else its creation); 0 when none is waiting. */
  oldestDueSeconds: number;
}

/**
 * How many runs wait and run, and how long the oldest due one has waited (GET /metrics, at each scrape). Reads only
 * the active runs, through the partial index sync_runs_active_idx (migration 0019), however long the history.
 */
export async function queueStats(tx: Tx): Promise<QueueStats> {
  const { rows } = await sql<QueueStats>`
    SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued,
           count(*) FILTER (WHERE status = 'running')::int AS running,
           coalesce(extract(epoch FROM now() - min(coalesce(scheduled_for, created_at))
             FILTER (WHERE status = 'queued' AND coalesce(scheduled_for, created_at) <= now())), 0)::float8 AS "oldestDueSeconds"
      FROM sync_runs
     WHERE status IN ('queued', 'running')`.execute(tx);
  return rows[0];
}

/** Renews a running run's heartbeat (a run that has ended keeps its last one). */
export async function touchHeartbeat(tx: Tx, orgId: string, runId: string): Promise<void> {
  await tx
    .updateTable('sync_runs')
    .set({ heartbeat_at: new Date() })
    .where('organization_id', '=', orgId)
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute();
}

/** Stores the sync's cursor as each run found it (`cursor_before`), one statement for a batch of claimed runs (at least one). */
export function setCursorsBeforeQuery(q: Tx, cursors: { runId: string; cursor: unknown }[]): CompiledQuery {
  return sql`
    UPDATE sync_runs SET cursor_before = v.cursor::jsonb
      FROM (SELECT unnest(${cursors.map((c) => c.runId)}::uuid[]) AS id,
                   unnest(${cursors.map((c) => JSON.stringify(c.cursor ?? null))}::text[]) AS cursor) v
     WHERE sync_runs.id = v.id`.compile(q);
}

/** What one committed page adds to its run. */
export interface PageProgress {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  skipped: number;
  /** Where the run resumes after this page. */
  resumeCursor: unknown;
}

/**
 * Adds a committed page's counts to the run, stores its resume cursor and heartbeat: a query, sent with the page's
 * others (run-store.ts); its row's `cancel_requested` says whether a user asked to cancel (no row: no such run).
 */
export function addPageProgressQuery(q: Tx, runId: string, p: PageProgress): CompiledQuery<{ cancel_requested: boolean }> {
  return q
    .updateTable('sync_runs')
    .set((eb) => ({
      fetched: eb('fetched', '+', p.fetched),
      created: eb('created', '+', p.created),
      updated: eb('updated', '+', p.updated),
      unchanged: eb('unchanged', '+', p.unchanged),
      failed: eb('failed', '+', p.failed),
      skipped: eb('skipped', '+', p.skipped),
      resume_cursor: JSON.stringify(p.resumeCursor ?? null),
      heartbeat_at: new Date(),
    }))
    .where('id', '=', runId)
    .returning(['cancel_requested'])
    .compile();
}

/**
 * Whether a user asked to cancel the run, as a query sent with others (a run's last page, run-store.ts): one row, none
 * when there is no such run.
 */
export function cancelRequestedQuery(q: Tx, runId: string): CompiledQuery<{ cancel_requested: boolean }> {
  return q.selectFrom('sync_runs').select('cancel_requested').where('id', '=', runId).compile();
}

export interface RunEnd {
  status: 'succeeded' | 'failed' | 'cancelled';
  finishedAt: Date;
  error: string | null;
  /** The kind of `error` (error-kind.ts); null when the run did not fail. */
  errorKind: ErrorKind | null;
  /** Records the run marked deleted at its end. */
  deleted: number;
  /** A succeeded run's final cursor: stored as `cursor_after`, and the resume cursor is dropped. */
  cursorAfter?: unknown;
}

/** One push write's outcome on the run's counters, in the transaction that records it. */
export async function addPushProgress(
  tx: Tx,
  runId: string,
  p: { pushed?: number; failed?: number; conflicts?: number; skipped?: number; created?: number; updated?: number; deleted?: number },
): Promise<void> {
  await tx
    .updateTable('sync_runs')
    .set((eb) => ({
      pushed: eb('pushed', '+', p.pushed ?? 0),
      failed: eb('failed', '+', p.failed ?? 0),
      conflicts: eb('conflicts', '+', p.conflicts ?? 0),
      skipped: eb('skipped', '+', p.skipped ?? 0),
      created: eb('created', '+', p.created ?? 0),
      updated: eb('updated', '+', p.updated ?? 0),
      deleted: eb('deleted', '+', p.deleted ?? 0),
      heartbeat_at: new Date(),
    }))
    .where('id', '=', runId)
    .execute();
}

/** Ends the run (as a query, sent with the rest of its end: run-store.ts); its row is the run with its final stats. */
export function finishRunQuery(q: Tx, runId: string, end: RunEnd): CompiledQuery<SyncRunRow> {
  return q
    .updateTable('sync_runs')
    .set((eb) => ({
      status: end.status,
      finished_at: end.finishedAt,
      error: end.error,
      error_kind: end.errorKind,
      deleted: eb('deleted', '+', end.deleted),
      ...(end.cursorAfter !== undefined ? { cursor_after: JSON.stringify(end.cursorAfter), resume_cursor: null } : {}),
    }))
    .where('id', '=', runId)
    .returningAll()
    .compile();
}

/** Whether another run of the integration is running (it stays SYNCING when this one ends): a row when there is one. */
export function otherRunRunningQuery(q: Tx, integrationId: string, exceptRunId: string): CompiledQuery<{ id: string }> {
  return q
    .selectFrom('sync_runs')
    .select('id')
    .where('integration_id', '=', integrationId)
    .where('status', '=', 'running')
    .where('id', '!=', exceptRunId)
    .limit(1)
    .compile();
}

export interface LogFilters {
  runId?: string;
  integrationId?: string;
  level?: LogLevel;
  q?: string;
  from?: Date;
  to?: Date;
  after?: { at: string; id: string };
  before?: { at: string; id: string };
  limit: number;
}

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Run logs read oldest first (a story); organization logs newest first (a feed). */
export function listLogs(tx: Tx, orgId: string, f: LogFilters) {
  let q = tx.selectFrom('sync_logs').selectAll().where('organization_id', '=', orgId);
  if (f.runId) q = q.where('run_id', '=', f.runId);
  if (f.integrationId) q = q.where('integration_id', '=', f.integrationId);
  // A level filter means "this level and more severe".
  if (f.level) q = q.where('level', 'in', LEVELS.slice(LEVELS.indexOf(f.level)));
  if (f.q) q = q.where('message', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<=', f.to);
  if (f.after) q = q.where(sql<boolean>`(at, id) > (${f.after.at}::timestamptz, ${f.after.id}::uuid)`);
  if (f.before) q = q.where(sql<boolean>`(at, id) < (${f.before.at}::timestamptz, ${f.before.id}::uuid)`);
  const ordered = f.runId ? q.orderBy('at').orderBy('id') : q.orderBy('at', 'desc').orderBy('id', 'desc');
  return ordered.limit(f.limit + 1).execute();
}

/** Appends rows to a run's log (as a query, sent with the rest of a page or of the run's end); at least one row. */
export function insertLogsQuery(q: Tx, rows: Insertable<SyncLogsTable>[]): CompiledQuery {
  return q.insertInto('sync_logs').values(rows).compile();
}

export function listRecords(
  tx: Tx,
  orgId: string,
  integrationId: string,
  resource: string | undefined,
  after: { resource: string; externalId: string } | undefined,
  limit: number,
  includeDeleted: boolean,
) {
  let q = tx
    .selectFrom('records')
    .select(['external_id', 'resource', 'data', 'source_updated_at', 'updated_at', 'deleted_at', 'feed_action'])
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId);
  if (resource) q = q.where('resource', '=', resource);
  if (!includeDeleted) q = q.where('deleted_at', 'is', null);
  if (after) q = q.where(sql<boolean>`(resource, external_id) > (${after.resource}, ${after.externalId})`);
  return q
    .orderBy('resource')
    .orderBy('external_id')
    .limit(limit + 1)
    .execute();
}

/**
 * The data of a resource's most recently changed records (field discovery): newest feed positions first, read
 * backwards along the (integration, resource, feed position) index, so a resource of a million records costs
 * no more than one of ten.
 */
export function recentRecordData(tx: Tx, orgId: string, integrationId: string, resource: string, limit: number) {
  return tx
    .selectFrom('records')
    .select('data')
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .where('resource', '=', resource)
    .where('deleted_at', 'is', null)
    .orderBy('feed_position', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The first-run checklist's facts, each the organization's oldest row of its kind (one index probe apiece): an
 * integration, one that was connected (any status but INACTIVE: it signed in or ran once), a sync and a run.
 */
export async function onboardingFacts(tx: Tx, orgId: string) {
  const { rows } = await sql<{
    integration: string | null;
    connected: string | null;
    sync: string | null;
    run_integration: string | null;
    run: string | null;
  }>`SELECT
      (SELECT id FROM integrations WHERE organization_id = ${orgId} ORDER BY created_at, id LIMIT 1) AS integration,
      (SELECT id FROM integrations WHERE organization_id = ${orgId} AND status <> 'INACTIVE' ORDER BY created_at, id LIMIT 1) AS connected,
      (SELECT integration_id FROM syncs WHERE organization_id = ${orgId} ORDER BY created_at, id LIMIT 1) AS sync,
      (SELECT integration_id FROM sync_runs WHERE organization_id = ${orgId} ORDER BY created_at, id LIMIT 1) AS run_integration,
      (SELECT id FROM sync_runs WHERE organization_id = ${orgId} ORDER BY created_at, id LIMIT 1) AS run`.execute(tx);
  return rows[0]!;
}

/** Enabled syncs whose integration is not paused, for "sync now" of one integration or the org. */
export function runnableSyncs(tx: Tx, orgId: string, integrationId?: string) {
  let q = tx
    .selectFrom('syncs as s')
    .innerJoin('integrations as i', 'i.id', 's.integration_id')
    .select(['s.id', 's.integration_id', 'i.status'])
    .where('s.organization_id', '=', orgId)
    .where('s.enabled', '=', true);
  if (integrationId) q = q.where('s.integration_id', '=', integrationId);
  return q.execute();
}

/**
 * The organization's sync status at a glance (the admin UI's status widget). Each count is driven by an
 * index: integrations by organization, active runs through each sync's partial "one active run" index,
 * failures of the last 24 h through the (organization, created_at) index.
 */
export async function syncStatus(tx: Tx, orgId: string) {
  const [byStatus, active, recent, open] = await Promise.all([
    tx
      .selectFrom('integrations')
      .select(['status', sql<number>`count(*)::int`.as('n'), sql<Date | null>`max(last_sync_at)`.as('last_sync_at')])
      .where('organization_id', '=', orgId)
      .groupBy('status')
      .execute(),
    tx
      .selectFrom('syncs')
      .innerJoin('sync_runs', (j) => j.onRef('sync_runs.sync_id', '=', 'syncs.id').on('sync_runs.status', 'in', ['queued', 'running']))
      .select(['sync_runs.status', sql<number>`count(*)::int`.as('n')])
      .where('syncs.organization_id', '=', orgId)
      .groupBy('sync_runs.status')
      .execute(),
    tx
      .selectFrom('sync_runs')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('organization_id', '=', orgId)
      .where('created_at', '>', sql<Date>`now() - interval '24 hours'`)
      .where('status', '=', 'failed')
      .executeTakeFirstOrThrow(),
    // Two-way sync: the records waiting for a person to choose (conflicts_sync_idx covers the status).
    tx
      .selectFrom('conflicts')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('organization_id', '=', orgId)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
  ]);
  return { byStatus, active, failedRuns24h: recent.n, openConflicts: open.n };
}
