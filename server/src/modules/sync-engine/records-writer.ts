import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import { canonicalJson } from '../../lib/canonical-json.js';

export interface RecordInput {
  externalId: string;
  data: Record<string, unknown>;
  sourceUpdatedAt: string | null;
}

export interface BatchCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Same mapped content, same hash: how a run tells updated from unchanged without comparing JSON. */
export function contentHash(data: unknown): string {
  return createHash('sha256').update(canonicalJson(data)).digest('base64url');
}

/**
 * Upserts one batch of mapped records in a single statement (`unnest` → `ON CONFLICT`), keyed on
 * (integration, resource, external id). Duplicates within the batch are removed first (the last one
 * wins, as the provider's latest page does), since ON CONFLICT cannot touch one row twice (and the
 * "touched" test below relies on one upsert per row per transaction, which the executor keeps). Every
 * row gets `last_seen_run_id` so a full run can mark the rows it did not see as deleted; rows whose
 * content hash did not change keep their `updated_at`. A deleted record that reappears is restored.
 */
export async function upsertRecords(
  tx: Tx,
  target: { organizationId: string; integrationId: string; resource: string; runId: string },
  batch: RecordInput[],
): Promise<BatchCounts> {
  const unique = new Map<string, RecordInput>();
  for (const r of batch) unique.set(r.externalId, r);
  if (unique.size === 0) return { created: 0, updated: 0, unchanged: 0 };
  const rows = [...unique.values()];
  const ids = rows.map((r) => r.externalId);
  const data = rows.map((r) => JSON.stringify(r.data));
  const hashes = rows.map((r) => contentHash(r.data));
  const updatedAt = rows.map((r) => r.sourceUpdatedAt);
  const { organizationId, integrationId, resource, runId } = target;

  // One statement, no read of the table first: a preceding lookup of the batch's rows is planned
  // generically once the statement is prepared and then scans the whole resource per batch.
  // RETURNING tells the outcome per row: `xmax = 0` only on a freshly inserted row version, and
  // `updated_at` is set to the transaction time only when the content changed (or was restored).
  const result = await sql<{ created: number; updated: number }>`
    WITH upserted AS (
      INSERT INTO records AS r (organization_id, integration_id, resource, external_id, data, content_hash, source_updated_at, last_seen_run_id)
      SELECT ${organizationId}, ${integrationId}, ${resource}, t.external_id, t.data::jsonb, t.content_hash, t.source_updated_at, ${runId}
        FROM unnest(${ids}::text[], ${data}::text[], ${hashes}::text[], ${updatedAt}::timestamptz[])
          AS t(external_id, data, content_hash, source_updated_at)
      ON CONFLICT (integration_id, resource, external_id) DO UPDATE SET
        data = EXCLUDED.data,
        content_hash = EXCLUDED.content_hash,
        source_updated_at = EXCLUDED.source_updated_at,
        last_seen_run_id = EXCLUDED.last_seen_run_id,
        deleted_at = NULL,
        updated_at = CASE WHEN r.content_hash = EXCLUDED.content_hash AND r.deleted_at IS NULL THEN r.updated_at ELSE now() END
      RETURNING (r.xmax = 0) AS inserted, r.updated_at = now() AS touched
    )
    SELECT count(*) FILTER (WHERE inserted)::int AS created,
           count(*) FILTER (WHERE NOT inserted AND touched)::int AS updated
      FROM upserted`.execute(tx);
  const { created, updated } = result.rows[0];
  return { created, updated, unchanged: rows.length - created - updated };
}

/** After a complete full run: every live record of the resource this run did not see is gone upstream. */
export async function markUnseenDeleted(tx: Tx, target: { integrationId: string; resource: string; runId: string }): Promise<number> {
  const r = await tx.updateTable('records')
    .set({ deleted_at: new Date(), updated_at: new Date() })
    .where('integration_id', '=', target.integrationId)
    .where('resource', '=', target.resource)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('last_seen_run_id', 'is', null), eb('last_seen_run_id', '!=', target.runId)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
