import type { Tx } from '../db-scope.js';
import { VaultError } from './vault-errors.js';

/** A data key as stored on its organization's row: wrapped under the master key of `version`. */
export interface WrappedDataKey {
  wrapped: Buffer;
  version: number;
}

/**
 * The vault's reads and writes of an organization's key columns (data_key_wrapped, data_key_version): the only
 * SQL the vault runs. The row must be visible in the caller's transaction (its organization's scope, or the
 * platform scope); when it is not, the vault was called outside inScope, which is a programming error.
 */
export async function readKeyRow(tx: Tx, organizationId: string, { forUpdate }: { forUpdate: boolean }) {
  let q = tx.selectFrom('organizations').select(['data_key_wrapped', 'data_key_version']).where('id', '=', organizationId);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) {
    throw new VaultError(
      `Organization ${organizationId} is not visible in this transaction (run vault calls in inScope(db, { org: ${organizationId} }))`,
      'organization_not_visible',
    );
  }
  return row;
}

/**
 * Stores the organization's first data key unless it has one already; returns whether this call stored it.
 * Concurrent first uses race here: the row lock makes the others wait, then find the column set and update
 * nothing, so exactly one key is stored.
 */
export async function storeFirstKey(tx: Tx, organizationId: string, key: WrappedDataKey): Promise<boolean> {
  const won = await tx
    .updateTable('organizations')
    .set({ data_key_wrapped: key.wrapped, data_key_version: key.version })
    .where('id', '=', organizationId)
    .where('data_key_wrapped', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return won !== undefined;
}

/** Replaces the organization's wrapped data key (the same data key, wrapped again). */
export async function replaceWrappedKey(tx: Tx, organizationId: string, key: WrappedDataKey): Promise<void> {
  await tx
    .updateTable('organizations')
    .set({ data_key_wrapped: key.wrapped, data_key_version: key.version })
    .where('id', '=', organizationId)
    .execute();
}
