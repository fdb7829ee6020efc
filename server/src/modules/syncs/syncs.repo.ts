import { sql, type CompiledQuery, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import type { FieldMappingsTable, SyncsTable } from '../../../../db/schema.js';

export function listSyncs(
  tx: Tx,
  orgId: string,
  integrationId: string,
  after: { createdAt: string; id: string } | undefined,
  limit: number,
) {
  let q = tx.selectFrom('syncs').selectAll().where('organization_id', '=', orgId).where('integration_id', '=', integrationId);
  if (after) q = q.where(sql<boolean>`(created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
  return q
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

export function findSync(tx: Tx, orgId: string, syncId: string) {
  return tx.selectFrom('syncs').selectAll().where('organization_id', '=', orgId).where('id', '=', syncId).executeTakeFirst();
}

/** Syncs by id (a batch of claimed runs' syncs, at least one; the caller's scope decides whose), as a query sent with others. */
export function findSyncsByIdQuery(q: Tx, syncIds: string[]): CompiledQuery<Selectable<SyncsTable>> {
  return q.selectFrom('syncs').selectAll().where('id', 'in', syncIds).compile();
}

export function lockSync(tx: Tx, orgId: string, syncId: string) {
  return tx.selectFrom('syncs').selectAll().where('organization_id', '=', orgId).where('id', '=', syncId).forUpdate().executeTakeFirst();
}

export async function syncOfResourceExists(tx: Tx, orgId: string, integrationId: string, resource: string): Promise<boolean> {
  const row = await tx
    .selectFrom('syncs')
    .select('id')
    .where('organization_id', '=', orgId)
    .where('integration_id', '=', integrationId)
    .where('resource', '=', resource)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertSync(tx: Tx, row: Insertable<SyncsTable>) {
  await tx.insertInto('syncs').values(row).execute();
}

export async function updateSync(tx: Tx, orgId: string, syncId: string, patch: Updateable<SyncsTable>) {
  await tx
    .updateTable('syncs')
    .set({ ...patch, updated_at: new Date() })
    .where('organization_id', '=', orgId)
    .where('id', '=', syncId)
    .execute();
}

/**
 * Records a finished run on its sync: when it ran and, for a succeeded run, the cursor the next run starts from (as a
 * query, sent with the rest of the run's end: sync-engine/run-store.ts).
 */
export function recordRunOnSyncQuery(q: Tx, syncId: string, ranAt: Date, cursorAfter?: unknown): CompiledQuery {
  return q
    .updateTable('syncs')
    .set({ last_run_at: ranAt, ...(cursorAfter !== undefined ? { cursor: JSON.stringify(cursorAfter) } : {}) })
    .where('id', '=', syncId)
    .compile();
}

export async function deleteSync(tx: Tx, orgId: string, syncId: string) {
  await tx.deleteFrom('syncs').where('organization_id', '=', orgId).where('id', '=', syncId).execute();
}

export async function mappingsOf(tx: Tx, syncIds: string[]) {
  if (syncIds.length === 0) return [];
  return (await tx.executeQuery(mappingsOfQuery(tx, syncIds))).rows;
}

/** mappingsOf as a query (at least one sync), for a caller that sends it with others (a batch of claimed runs). */
export function mappingsOfQuery(q: Tx, syncIds: string[]): CompiledQuery<Selectable<FieldMappingsTable>> {
  return q.selectFrom('field_mappings').selectAll().where('sync_id', 'in', syncIds).orderBy('sync_id').orderBy('position').compile();
}

export async function replaceMappings(
  tx: Tx,
  orgId: string,
  syncId: string,
  rows: Omit<Insertable<FieldMappingsTable>, 'sync_id' | 'organization_id'>[],
) {
  await tx.deleteFrom('field_mappings').where('sync_id', '=', syncId).execute();
  if (rows.length)
    await tx
      .insertInto('field_mappings')
      .values(rows.map((r) => ({ ...r, sync_id: syncId, organization_id: orgId })))
      .execute();
}
