import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';

/** One row per organization with its health figures; runs in the platform scope. */
export function tenantOverview(tx: Tx, afterSlug: string | undefined, limit: number) {
  let q = tx.selectFrom('organizations as o').select([
    'o.id',
    'o.slug',
    'o.name',
    'o.status',
    'o.created_at',
    sql<number>`(SELECT count(*)::int FROM memberships m WHERE m.organization_id = o.id)`.as('members'),
    // Activity: the latest audited change or sync run, whichever is newer.
    sql<Date | null>`greatest(
        (SELECT max(a.at) FROM audit_events a WHERE a.organization_id = o.id),
        (SELECT max(r.created_at) FROM sync_runs r WHERE r.organization_id = o.id))`.as('last_activity_at'),
    sql<number>`(SELECT count(*)::int FROM sync_runs r WHERE r.organization_id = o.id AND r.created_at > now() - interval '24 hours')`.as(
      'runs_24h',
    ),
    sql<number>`(SELECT count(*)::int FROM sync_runs r WHERE r.organization_id = o.id AND r.created_at > now() - interval '24 hours' AND r.status = 'failed')`.as(
      'failed_runs_24h',
    ),
    sql<Record<string, number> | null>`(
        SELECT jsonb_object_agg(s.status, s.n) FROM (
          SELECT i.status, count(*)::int AS n FROM integrations i WHERE i.organization_id = o.id GROUP BY i.status
        ) s)`.as('integrations_by_status'),
  ]);
  if (afterSlug) q = q.where('o.slug', '>', afterSlug);
  return q
    .orderBy('o.slug')
    .limit(limit + 1)
    .execute();
}
