import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';

export type ScheduleFilter = { syncId: string } | { syncIds: string[] } | { integrationId: string } | { orgId: string } | 'all';

/** Everything that decides whether a sync's schedule fires: its own fields, its integration's status and its organization's. */
export function scheduleStates(tx: Tx, filter: ScheduleFilter) {
  let q = tx
    .selectFrom('syncs as s')
    .innerJoin('integrations as i', 'i.id', 's.integration_id')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .select([
      's.id',
      's.organization_id',
      's.integration_id',
      's.cron',
      's.timezone',
      's.enabled',
      's.next_run_at',
      'i.status as integration_status',
      'o.status as org_status',
    ]);
  if (filter !== 'all') {
    if ('syncId' in filter) q = q.where('s.id', '=', filter.syncId);
    // One array parameter, so the statement text (and its prepared plan) is the same for any number of syncs.
    else if ('syncIds' in filter) q = q.where(sql<boolean>`s.id = any(${filter.syncIds}::uuid[])`);
    else if ('integrationId' in filter) q = q.where('s.integration_id', '=', filter.integrationId);
    else q = q.where('s.organization_id', '=', filter.orgId);
  }
  return q.execute();
}

export type ScheduleState = Awaited<ReturnType<typeof scheduleStates>>[number];

/** The schedule that should fire for a sync right now, or null (manual only, disabled, paused, suspended). */
export function wantedSchedule(s: ScheduleState): { cron: string; timezone: string } | null {
  if (!s.cron || !s.timezone || !s.enabled || s.integration_status === 'PAUSED' || s.org_status !== 'active') return null;
  return { cron: s.cron, timezone: s.timezone };
}

/** Scheduler bookkeeping: not a change by a person, so `updated_at` stays. */
export async function setNextRunAt(tx: Tx, syncId: string, at: Date | null) {
  await tx.updateTable('syncs').set({ next_run_at: at }).where('id', '=', syncId).execute();
}

/** Several syncs' next runs in one statement (a batch of fires). */
export async function setNextRunAts(tx: Tx, next: { syncId: string; at: Date | null }[]) {
  if (next.length === 0) return;
  await sql`UPDATE syncs SET next_run_at = v.at
    FROM unnest(${next.map((n) => n.syncId)}::uuid[], ${next.map((n) => n.at?.toISOString() ?? null)}::timestamptz[]) AS v(id, at)
    WHERE syncs.id = v.id`.execute(tx);
}

/** An integration's next sync is the earliest next run of its syncs. */
export async function refreshNextSyncAt(tx: Tx, integrationIds: string[] | 'all') {
  if (integrationIds.length === 0) return;
  const earliest = sql<Date | null>`(SELECT min(s.next_run_at) FROM syncs s WHERE s.integration_id = integrations.id)`;
  let q = tx
    .updateTable('integrations')
    .set({ next_sync_at: earliest })
    .where(sql<boolean>`next_sync_at IS DISTINCT FROM ${earliest}`);
  if (integrationIds !== 'all') q = q.where(sql<boolean>`id = any(${integrationIds}::uuid[])`);
  await q.execute();
}

export interface ScheduledRun {
  id: string;
  organization_id: string;
  integration_id: string;
  sync_id: string;
  scheduled_for: Date;
}

/**
 * Queues scheduled runs in one statement; returns the ids inserted. A run the unique indexes refuse
 * (the slot has its run, or the sync has an active one) is left out, as in insertRunIfFree.
 */
export async function insertScheduledRuns(tx: Tx, runs: ScheduledRun[]): Promise<Set<string>> {
  if (runs.length === 0) return new Set();
  const col = <K extends keyof ScheduledRun>(k: K) => runs.map((r) => r[k]);
  const { rows } = await sql<{ id: string }>`
    INSERT INTO sync_runs (id, organization_id, integration_id, sync_id, trigger, status, scheduled_for)
    SELECT v.id, v.organization_id, v.integration_id, v.sync_id, 'schedule', 'queued', v.scheduled_for
    FROM unnest(${col('id')}::uuid[], ${col('organization_id')}::uuid[], ${col('integration_id')}::uuid[], ${col('sync_id')}::uuid[],
      ${runs.map((r) => r.scheduled_for.toISOString())}::timestamptz[]) AS v(id, organization_id, integration_id, sync_id, scheduled_for)
    ON CONFLICT DO NOTHING
    RETURNING id`.execute(tx);
  return new Set(rows.map((r) => r.id));
}

/** The active (queued or running) run of each of these syncs that has one; push runs do not hold a sync's slot. */
export async function activeRuns(tx: Tx, syncIds: string[]): Promise<Map<string, string>> {
  if (syncIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('sync_runs')
    .select(['id', 'sync_id'])
    .where(sql<boolean>`sync_id = any(${syncIds}::uuid[])`)
    .where('status', 'in', ['queued', 'running'])
    .where('trigger', '!=', 'push')
    .execute();
  return new Map(rows.map((r) => [r.sync_id, r.id]));
}
