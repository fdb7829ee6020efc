import type { Insertable } from 'kysely';
import type { ConflictsTable } from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';
import { newestFirst } from '../../lib/keyset.js';

export async function insertConflict(tx: Tx, row: Insertable<ConflictsTable>): Promise<void> {
  await tx.insertInto('conflicts').values(row).execute();
}

export interface ConflictFilters {
  integrationId?: string;
  syncId?: string;
  status?: 'open' | 'resolved';
  before?: { createdAt: string; id: string };
  limit: number;
}

/** Newest first, keyset on (created_at, id): the conflicts_list_idx order. */
export function listConflicts(tx: Tx, orgId: string, f: ConflictFilters) {
  let q = tx.selectFrom('conflicts').selectAll().where('organization_id', '=', orgId);
  if (f.integrationId) q = q.where('integration_id', '=', f.integrationId);
  if (f.syncId) q = q.where('sync_id', '=', f.syncId);
  if (f.status) q = q.where('status', '=', f.status);
  return newestFirst(q, 'created_at', f.before && { at: f.before.createdAt, id: f.before.id }, f.limit).execute();
}

export function findConflict(tx: Tx, orgId: string, conflictId: string) {
  return tx.selectFrom('conflicts').selectAll().where('organization_id', '=', orgId).where('id', '=', conflictId).executeTakeFirst();
}

/** Marks an open conflict resolved; false when it was not open any more (someone resolved it meanwhile). */
export async function markResolved(
  tx: Tx,
  conflictId: string,
  r: { resolution: 'local' | 'remote' | 'merged'; resolvedBy: string },
): Promise<boolean> {
  const updated = await tx
    .updateTable('conflicts')
    .set({ status: 'resolved', resolution: r.resolution, resolved_by: r.resolvedBy, resolved_at: new Date() })
    .where('id', '=', conflictId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** The provider moved again while the conflict was open: the conflict now shows its newest version. */
export async function refreshRemote(
  tx: Tx,
  conflictId: string,
  remote: { fields: string; remoteData: string; remoteUpdatedAt: Date | null; remoteEtag: string | null },
): Promise<void> {
  await tx
    .updateTable('conflicts')
    .set({
      fields: remote.fields,
      remote_data: remote.remoteData,
      remote_updated_at: remote.remoteUpdatedAt,
      remote_etag: remote.remoteEtag,
    })
    .where('id', '=', conflictId)
    .where('status', '=', 'open')
    .execute();
}
