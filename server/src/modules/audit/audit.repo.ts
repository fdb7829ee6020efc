import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import type { AuditEventRow } from '../../../../db/schema.js';
import { GENESIS_HASH } from './audit-chain.js';
import type { AuditAction } from './audit.schemas.js';

export interface AuditFilters {
  organizationId?: string;
  action?: AuditAction;
  actorId?: string;
  from?: Date;
  to?: Date;
  before?: { at: string; id: string };
  limit: number;
}

/** Locks the chain's head row so concurrent writers append one after another. */
export async function lockChainHead(tx: Tx, chainKey: string, organizationId: string | null) {
  await tx
    .insertInto('audit_chain_heads')
    .values({ chain_key: chainKey, organization_id: organizationId, last_seq: 0, last_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain_key').doNothing())
    .execute();
  return tx
    .selectFrom('audit_chain_heads')
    .select(['last_seq', 'last_hash'])
    .where('chain_key', '=', chainKey)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function insertEvent(tx: Tx, row: Omit<AuditEventRow, 'metadata'> & { metadata: Record<string, unknown> }) {
  await tx
    .insertInto('audit_events')
    .values({ ...row, metadata: JSON.stringify(row.metadata) })
    .execute();
  await tx
    .updateTable('audit_chain_heads')
    .set({ last_seq: row.seq, last_hash: row.hash })
    .where('chain_key', '=', row.chain_key)
    .execute();
}

export function listEvents(tx: Tx, f: AuditFilters) {
  let q = tx.selectFrom('audit_events').selectAll();
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<=', f.to);
  if (f.before) {
    const { at, id } = f.before;
    q = q.where(sql<boolean>`(at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
}

export function listChainHeads(tx: Tx) {
  return tx.selectFrom('audit_chain_heads').selectAll().orderBy('chain_key').execute();
}

/** One chain, in order, a batch at a time (keyset on seq) so verification runs in flat memory. */
export function chainBatch(tx: Tx, chainKey: string, afterSeq: number, size: number) {
  return tx
    .selectFrom('audit_events')
    .selectAll()
    .where('chain_key', '=', chainKey)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(size)
    .execute();
}
