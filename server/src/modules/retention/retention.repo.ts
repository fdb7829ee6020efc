import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';

/** Rows deleted per organization by one statement. */
export type Deleted = { organization_id: string; n: number }[];

/**
 * Deletes what is past its organization's retention period as of `now`: a row exactly at the cutoff stays.
 * Each statement joins organizations for the period, so every organization keeps its own.
 */
export async function pruneLogs(tx: Tx, now: Date): Promise<Deleted> {
  const r = await sql<{ organization_id: string; n: number }>`
    WITH d AS (
      DELETE FROM sync_logs l USING organizations o
       WHERE l.organization_id = o.id AND l.at < ${now}::timestamptz - make_interval(days => o.retention_logs_days)
      RETURNING l.organization_id)
    SELECT organization_id, count(*)::int AS n FROM d GROUP BY organization_id`.execute(tx);
  return r.rows;
}

/** Finished runs (succeeded, failed, cancelled) by when they finished; their logs go with them. Active runs stay. */
export async function pruneRuns(tx: Tx, now: Date): Promise<Deleted> {
  const r = await sql<{ organization_id: string; n: number }>`
    WITH d AS (
      DELETE FROM sync_runs r USING organizations o
       WHERE r.organization_id = o.id AND r.status IN ('succeeded', 'failed', 'cancelled')
         AND r.finished_at < ${now}::timestamptz - make_interval(days => o.retention_runs_days)
      RETURNING r.organization_id)
    SELECT organization_id, count(*)::int AS n FROM d GROUP BY organization_id`.execute(tx);
  return r.rows;
}

/** Records deleted at the source, by when they were marked deleted. */
export async function pruneDeletedRecords(tx: Tx, now: Date): Promise<Deleted> {
  const r = await sql<{ organization_id: string; n: number }>`
    WITH d AS (
      DELETE FROM records x USING organizations o
       WHERE x.organization_id = o.id AND x.deleted_at IS NOT NULL
         AND x.deleted_at < ${now}::timestamptz - make_interval(days => o.retention_deleted_records_days)
      RETURNING x.organization_id)
    SELECT organization_id, count(*)::int AS n FROM d GROUP BY organization_id`.execute(tx);
  return r.rows;
}

/**
 * Outbound webhook deliveries that are over — succeeded, or failed with every attempt made — by when their last
 * attempt was (their attempts go with them). A pending delivery stays however old: it is still being retried, or
 * waits for its endpoint to be enabled again.
 */
export async function pruneWebhookDeliveries(tx: Tx, now: Date): Promise<Deleted> {
  const r = await sql<{ organization_id: string; n: number }>`
    WITH d AS (
      DELETE FROM webhook_deliveries w USING organizations o
       WHERE w.organization_id = o.id AND w.status IN ('succeeded', 'failed')
         AND coalesce(w.last_attempt_at, w.created_at) < ${now}::timestamptz - make_interval(days => o.retention_webhook_deliveries_days)
      RETURNING w.organization_id)
    SELECT organization_id, count(*)::int AS n FROM d GROUP BY organization_id`.execute(tx);
  return r.rows;
}

/**
 * Outbox events older than the deliveries' period that no delivery refers to any more (all of them pruned above,
 * or their endpoint deleted). An event with a delivery left stays, so its log entry keeps its body.
 */
export async function pruneWebhookEvents(tx: Tx, now: Date): Promise<Deleted> {
  const r = await sql<{ organization_id: string; n: number }>`
    WITH d AS (
      DELETE FROM webhook_outbox ev USING organizations o
       WHERE ev.organization_id = o.id
         AND ev.created_at < ${now}::timestamptz - make_interval(days => o.retention_webhook_deliveries_days)
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries w WHERE w.event_id = ev.id)
      RETURNING ev.organization_id)
    SELECT organization_id, count(*)::int AS n FROM d GROUP BY organization_id`.execute(tx);
  return r.rows;
}
