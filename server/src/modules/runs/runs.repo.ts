import { sql, type Insertable } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import type { LogLevel, RunStatus, SyncLogsTable, SyncRunsTable } from '../../../../db/schema.js';

export interface RunFilters {
  integrationId?: string;
  syncId?: string;
  status?: RunStatus;
  from?: Date;
  to?: Date;
  before?: { createdAt: string; id: string };
  limit: number;
}

export function listRuns(tx: Tx, orgId: string, f: RunFilters) {
  let q = tx.selectFrom('sync_runs').selectAll().where('organization_id', '=', orgId);
  if (f.integrationId) q = q.where('integration_id', '=', f.integrationId);
  if (f.syncId) q = q.where('sync_id', '=', f.syncId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<=', f.to);
  if (f.before) q = q.where(sql<boolean>`(created_at, id) < (${f.before.createdAt}::timestamptz, ${f.before.id}::uuid)`);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
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
  const inserted = await tx.insertInto('sync_runs').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

export async function cancelQueued(tx: Tx, orgId: string, runId: string) {
  const r = await tx.updateTable('sync_runs')
    .set({ status: 'cancelled', finished_at: new Date(), error: 'Cancelled before it started' })
    .where('organization_id', '=', orgId).where('id', '=', runId).where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function requestCancel(tx: Tx, orgId: string, runId: string) {
  const r = await tx.updateTable('sync_runs').set({ cancel_requested: true })
    .where('organization_id', '=', orgId).where('id', '=', runId).where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
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

export async function insertLogs(tx: Tx, rows: Insertable<SyncLogsTable>[]) {
  if (rows.length) await tx.insertInto('sync_logs').values(rows).execute();
}

export function listRecords(tx: Tx, orgId: string, integrationId: string, resource: string | undefined, after: { resource: string; externalId: string } | undefined, limit: number, includeDeleted: boolean) {
  let q = tx.selectFrom('records').select(['external_id', 'resource', 'data', 'source_updated_at', 'updated_at', 'deleted_at'])
    .where('organization_id', '=', orgId).where('integration_id', '=', integrationId);
  if (resource) q = q.where('resource', '=', resource);
  if (!includeDeleted) q = q.where('deleted_at', 'is', null);
  if (after) q = q.where(sql<boolean>`(resource, external_id) > (${after.resource}, ${after.externalId})`);
  return q.orderBy('resource').orderBy('external_id').limit(limit + 1).execute();
}

/** Enabled syncs whose integration is not paused, for "sync now" of one integration or the org. */
export function runnableSyncs(tx: Tx, orgId: string, integrationId?: string) {
  let q = tx.selectFrom('syncs as s').innerJoin('integrations as i', 'i.id', 's.integration_id')
    .select(['s.id', 's.integration_id', 'i.status'])
    .where('s.organization_id', '=', orgId).where('s.enabled', '=', true);
  if (integrationId) q = q.where('s.integration_id', '=', integrationId);
  return q.execute();
}

/**
 * The organization's sync status at a glance (the admin UI's status widget). Each count is driven by an
 * index: integrations by organization, active runs through each sync's partial "one active run" index,
 * failures of the last 24 h through the (organization, created_at) index.
 */
export async function syncStatus(tx: Tx, orgId: string) {
  const [byStatus, active, recent] = await Promise.all([
    tx.selectFrom('integrations').select(['status', sql<number>`count(*)::int`.as('n'), sql<Date | null>`max(last_sync_at)`.as('last_sync_at')])
      .where('organization_id', '=', orgId).groupBy('status').execute(),
    tx.selectFrom('syncs').innerJoin('sync_runs', (j) => j.onRef('sync_runs.sync_id', '=', 'syncs.id').on('sync_runs.status', 'in', ['queued', 'running']))
      .select(['sync_runs.status', sql<number>`count(*)::int`.as('n')])
      .where('syncs.organization_id', '=', orgId).groupBy('sync_runs.status').execute(),
    tx.selectFrom('sync_runs').select(sql<number>`count(*)::int`.as('n'))
      .where('organization_id', '=', orgId).where('created_at', '>', sql<Date>`now() - interval '24 hours'`).where('status', '=', 'failed')
      .executeTakeFirstOrThrow(),
  ]);
  return { byStatus, active, failedRuns24h: recent.n };
}
