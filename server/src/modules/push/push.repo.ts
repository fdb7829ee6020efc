import { sql, type Insertable } from 'kysely';
import type { RunWritesTable, WriteStatus } from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';

// ---- push requests (the API's Idempotency-Key memory) ----

/** The first answer to a push with this key for this sync, if there was one. */
export function findPushRequest(tx: Tx, syncId: string, key: string) {
  return tx
    .selectFrom('push_requests')
    .select(['id', 'response'])
    .where('sync_id', '=', syncId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/**
 * Claims the key for this push. A concurrent request with the same key waits on the unique index until this
 * transaction ends, then finds nothing inserted (false) and reads the first answer.
 */
export async function insertPushRequest(
  tx: Tx,
  row: { id: string; organization_id: string; sync_id: string; idempotency_key: string | null; run_id: string; response: string },
): Promise<boolean> {
  const inserted = await tx
    .insertInto('push_requests')
    .values(row)
    .onConflict((oc) => oc.columns(['sync_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

// ---- run writes (outbox items, then outcomes) ----

export async function insertWrites(tx: Tx, rows: Insertable<RunWritesTable>[]): Promise<void> {
  // 1,000 rows × 9 columns stay well under Postgres' 65,535 parameters.
  if (rows.length) await tx.insertInto('run_writes').values(rows).execute();
}

/** The run's writes not done yet, in order: what a (resumed) push run works through. */
export function pendingWrites(tx: Tx, runId: string, afterPosition: number, limit: number) {
  return tx
    .selectFrom('run_writes')
    .selectAll()
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .where('position', '>', afterPosition)
    .orderBy('position')
    .limit(limit)
    .execute();
}

/**
 * A sync's pending changes: writes still `pending` whose push run has ended without them (pushed while the integration
 * was paused), in push order (run ids are time-ordered). A queued or running push run's writes are its own to do; a
 * push a user cancelled leaves none (runs.service.ts fails them).
 */
export function pendingChangesOfSync(tx: Tx, syncId: string, after: { runId: string; position: number } | null, limit: number) {
  let q = tx
    .selectFrom('run_writes as w')
    .innerJoin('sync_runs as r', 'r.id', 'w.run_id')
    .selectAll('w')
    .where('w.sync_id', '=', syncId)
    .where('w.status', '=', 'pending')
    .where('r.status', 'not in', ['queued', 'running']);
  if (after) q = q.where(sql<boolean>`(w.run_id, w.position) > (${after.runId}::uuid, ${after.position}::int)`);
  return q.orderBy('w.run_id').orderBy('w.position').limit(limit).execute();
}

export interface WriteOutcome {
  status: Exclude<WriteStatus, 'pending'>;
  externalId?: string | null;
  error?: string | null;
  conflictId?: string | null;
}

/** Records one write's outcome; false when it was no longer pending (another worker finished it). */
export async function finishWrite(tx: Tx, runId: string, position: number, outcome: WriteOutcome): Promise<boolean> {
  const r = await tx
    .updateTable('run_writes')
    .set({
      status: outcome.status,
      error: outcome.error ?? null,
      conflict_id: outcome.conflictId ?? null,
      finished_at: new Date(),
      ...(outcome.externalId !== undefined ? { external_id: outcome.externalId } : {}),
    })
    .where('run_id', '=', runId)
    .where('position', '=', position)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Records several writes' outcomes in one statement; returns the keys (`runId:position`) of those that were still
 * pending (the others another worker finished: not counted again).
 */
export async function finishWrites(tx: Tx, finished: { runId: string; position: number; outcome: WriteOutcome }[]): Promise<Set<string>> {
  if (finished.length === 0) return new Set();
  const rows = finished.map(({ runId, position, outcome }) => ({
    run_id: runId,
    position,
    status: outcome.status,
    error: outcome.error ?? null,
    conflict_id: outcome.conflictId ?? null,
    // Absent: the write's provider id stays as it is (only a create learns one).
    set_external_id: outcome.externalId !== undefined,
    external_id: outcome.externalId ?? null,
  }));
  const r = await sql<{ run_id: string; position: number }>`
    UPDATE run_writes AS w
       SET status = t.status, error = t.error, conflict_id = t.conflict_id, finished_at = now(),
           external_id = CASE WHEN t.set_external_id THEN t.external_id ELSE w.external_id END
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS t(run_id uuid, position int, status text, error text, conflict_id uuid, set_external_id boolean, external_id text)
     WHERE w.run_id = t.run_id AND w.position = t.position AND w.status = 'pending'
    RETURNING w.run_id, w.position`.execute(tx);
  return new Set(r.rows.map((row) => `${row.run_id}:${row.position}`));
}

/** A run that ends early (cancelled, failed) leaves no write pending. */
export async function failPendingWrites(tx: Tx, runId: string, error: string): Promise<number> {
  const r = await tx
    .updateTable('run_writes')
    .set({ status: 'failed', error, finished_at: new Date() })
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A run's finished writes, in order (`GET …/runs/:runId/writes`). */
export function listWrites(
  tx: Tx,
  orgId: string,
  runId: string,
  page: { afterPosition: number; limit: number; status?: Exclude<WriteStatus, 'pending'> },
) {
  const { afterPosition, limit, status } = page;
  return tx
    .selectFrom('run_writes')
    .select(['position', 'external_id', 'op', 'status', 'error'])
    .where('organization_id', '=', orgId)
    .where('run_id', '=', runId)
    .where('status', status ? '=' : '!=', status ?? 'pending')
    .where('position', '>', afterPosition)
    .orderBy('position')
    .limit(limit + 1)
    .execute();
}

/** Which of these external ids are live records of the sync's resource (a delete must name one). */
export async function liveRecordIds(tx: Tx, integrationId: string, resource: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .selectFrom('records')
    .select('external_id')
    .where('integration_id', '=', integrationId)
    .where('resource', '=', resource)
    .where(sql<boolean>`external_id = any(${ids}::text[])`)
    .where('deleted_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.external_id));
}
