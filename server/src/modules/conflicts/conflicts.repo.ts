import type { Insertable } from 'kysely';
import type { ConflictsTable } from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';

export async function insertConflict(tx: Tx, row: Insertable<ConflictsTable>): Promise<void> {
  await tx.insertInto('conflicts').values(row).execute();
}
