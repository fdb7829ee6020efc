import { sql, type Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../../../../db/schema.js';
import type { ApiKeyActorRow } from '../../lib/context.js';
import type { Tx } from '../../lib/db-scope.js';
import { newestFirst } from '../../lib/keyset.js';

/** The access gate's lookups run before any scope exists (the key decides the organization): owner connection. */
type Conn = Kysely<Database>;

export type NewApiKey = Omit<ApiKeyRow, 'created_at' | 'last_used_at' | 'revoked_at'>;

export async function insertApiKey(tx: Tx, key: NewApiKey): Promise<ApiKeyRow> {
  return tx.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow();
}

/** Newest first, a page at a time (keyset on created_at, id). */
export function listApiKeys(tx: Tx, orgId: string, limit: number, before?: { at: string; id: string }) {
  const q = tx.selectFrom('api_keys').selectAll().where('organization_id', '=', orgId);
  return newestFirst(q, 'created_at', before, limit).execute();
}

export function findApiKey(tx: Tx, orgId: string, id: string) {
  return tx.selectFrom('api_keys').selectAll().where('organization_id', '=', orgId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markRevoked(tx: Tx, orgId: string, id: string, at: Date) {
  return tx
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('organization_id', '=', orgId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The key with this secret hash and its organization's status, in one index probe (every API-key request). */
export async function findKeyForAccess(db: Conn, secretHash: string): Promise<(ApiKeyActorRow & { secret_hash: string }) | undefined> {
  const result = await sql<ApiKeyActorRow & { secret_hash: string }>`
    SELECT k.id, k.organization_id, k.name, k.role, k.secret_hash, k.expires_at, k.revoked_at, k.last_used_at,
           o.status AS org_status
      FROM api_keys k JOIN organizations o ON o.id = k.organization_id
     WHERE k.secret_hash = ${secretHash}`.execute(db);
  return result.rows[0];
}

/**
 * Records a use, unless one was recorded in the last minute: the condition makes concurrent requests on any
 * number of instances write at most once a minute per key.
 */
export async function touchLastUsed(db: Conn, id: string, at: Date): Promise<void> {
  await sql`
    UPDATE api_keys SET last_used_at = ${at}
     WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at <= ${at}::timestamptz - interval '1 minute')`.execute(db);
}
