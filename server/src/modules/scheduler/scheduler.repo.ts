import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';

export type ScheduleFilter = { syncId: string } | { integrationId: string } | { orgId: string } | 'all';

/** Everything that decides whether a sync's schedule fires: its own fields, its integration's status and its organization's. */
export function scheduleStates(tx: Tx, filter: ScheduleFilter) {
  let q = tx.selectFrom('syncs as s')
    .innerJoin('integrations as i', 'i.id', 's.integration_id')
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .select(['s.id', 's.organization_id', 's.integration_id', 's.cron', 's.timezone', 's.enabled', 's.next_run_at', 'i.status as integration_status', 'o.status as org_status']);
  if (filter !== 'all') {
    if ('syncId' in filter) q = q.where('s.id', '=', filter.syncId);
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

/** An integration's next sync is the earliest next run of its syncs. */
export async function refreshNextSyncAt(tx: Tx, integrationIds: string[] | 'all') {
  if (integrationIds.length === 0) return;
  const earliest = sql<Date | null>`(SELECT min(s.next_run_at) FROM syncs s WHERE s.integration_id = integrations.id)`;
  let q = tx.updateTable('integrations').set({ next_sync_at: earliest }).where(sql<boolean>`next_sync_at IS DISTINCT FROM ${earliest}`);
  if (integrationIds !== 'all') q = q.where('id', 'in', integrationIds);
  await q.execute();
}

export function activeRun(tx: Tx, orgId: string, syncId: string) {
  return tx.selectFrom('sync_runs').select(['id', 'status'])
    .where('organization_id', '=', orgId).where('sync_id', '=', syncId).where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
}
