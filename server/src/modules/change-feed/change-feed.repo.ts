import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';

export interface FeedKey {
  orgId: string;
  integrationId: string;
  resource: string;
}

/** A timestamp as the API writes it (`Date.toISOString()`: UTC, milliseconds, `Z`), made by Postgres. */
const isoUtc = (column: 'first_seen_at' | 'updated_at' | 'deleted_at') =>
  sql<string | null>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The feed's changes after `position`, oldest first: one range scan of records_feed_idx (integration, resource,
 * position). One more than `limit` is read, to tell whether more are waiting. Each change comes as its JSON text
 * (every field of the API's item but `cursor`), built by Postgres: the route sends it on as it is, where parsing
 * each row's data and dates into objects only to serialise them again cost the API process three times the CPU
 * (BENCHMARKS.md, "Data delivery"). (The query, unexecuted, so a test can EXPLAIN it.)
 */
export function changesAfterQuery(tx: Tx, feed: FeedKey, position: number, limit: number) {
  return tx
    .selectFrom('records')
    .select([
      'feed_position',
      sql<string>`json_build_object('externalId', external_id, 'resource', resource, 'action', feed_action, 'data', data,
        'firstSeenAt', ${isoUtc('first_seen_at')}, 'modifiedAt', ${isoUtc('updated_at')}, 'deletedAt', ${isoUtc('deleted_at')})::text`.as(
        'change_json',
      ),
    ])
    .where('organization_id', '=', feed.orgId)
    .where('integration_id', '=', feed.integrationId)
    .where('resource', '=', feed.resource)
    .where('feed_position', '>', position)
    .orderBy('feed_position')
    .limit(limit + 1);
}

export const changesAfter = (tx: Tx, feed: FeedKey, position: number, limit: number) =>
  changesAfterQuery(tx, feed, position, limit).execute();

/** The feed's latest position (0 when it is empty): no cursor the server issued points past it. */
export async function feedHead(tx: Tx, feed: FeedKey): Promise<number> {
  const row = await tx
    .selectFrom('records')
    .select('feed_position')
    .where('organization_id', '=', feed.orgId)
    .where('integration_id', '=', feed.integrationId)
    .where('resource', '=', feed.resource)
    .orderBy('feed_position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.feed_position ?? 0;
}
