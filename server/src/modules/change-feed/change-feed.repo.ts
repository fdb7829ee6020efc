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

/** A JSON string of a text column (quoted and escaped by Postgres). */
const jsonText = (column: 'external_id') => sql`to_json(${sql.ref(column)})::text`;

/**
 * The feed's changes after `position`, oldest first, one more than `limit` (to tell whether more are waiting): one
 * range scan of records_feed_idx (integration, resource, position). Each change comes as one text: its feed position's
 * digits, then its API item in JSON up to its cursor's value, `{"externalId":…,"cursor":"`, every other field
 * written by Postgres: the route joins them as they are, the server writing each cursor from the digits
 * (feed-cursor.ts; in SQL, a cursor's base64 cost Postgres about 100 µs of CPU a page of 1,000, measured, and 70
 * bytes a row more to send). Parsing each row into objects and serialising them again cost the API process three
 * times the CPU (BENCHMARKS.md, "Data delivery"). The text is concatenated rather than json_build_object'ed
 * (measured: cheaper); `feed_action` is one of three words (a CHECK constraint) and the times are to_char's digits,
 * so only the ids need JSON quoting; the resource is the feed's (the WHERE clause), quoted here once instead of on
 * every row (measured: to_json cost about 250 µs a page). The read on PGlite; on Postgres the server writes the same
 * bytes from the columns (changesAfterCopyQuery), and the change feed's tests compare the two.
 */
export function changesAfterQuery(q: Tx, feed: FeedKey, position: number, limit: number) {
  return changesAfter(q, feed, position, limit).select(
    sql<string>`feed_position::text || '{"externalId":' || ${jsonText('external_id')} || ${`,"resource":${JSON.stringify(feed.resource)}`}::text
        || ',"action":"' || feed_action || '","data":' || data::text
        || ',"firstSeenAt":"' || ${isoUtc('first_seen_at')} || '","modifiedAt":"' || ${isoUtc('updated_at')}
        || '","deletedAt":' || coalesce('"' || ${isoUtc('deleted_at')} || '"', 'null') || ',"cursor":"'`.as('item'),
  );
}

/** The page's rows, in feed order, one more than the page holds (it says whether another page follows). */
function changesAfter(q: Tx, feed: FeedKey, position: number, limit: number) {
  return q
    .selectFrom('records')
    .where('organization_id', '=', feed.orgId)
    .where('integration_id', '=', feed.integrationId)
    .where('resource', '=', feed.resource)
    .where('feed_position', '>', position)
    .orderBy('feed_position')
    .limit(limit + 1);
}

/** The columns of changesAfterCopyQuery, in their order (a binary COPY's fields are by position). */
export const CHANGE_COPY_COLUMNS = [
  'feed_position',
  'external_id',
  'feed_action',
  'data',
  'first_seen_at',
  'updated_at',
  'deleted_at',
] as const;

/**
 * The same changes as changesAfterQuery, as the columns are stored, for a binary COPY on Postgres (copyTuplesInScope):
 * Postgres makes no text of them but the data's (jsonb's binary form is its text), the server writes each item
 * (change-page.ts, ChangePageStream.tuple) byte for byte as changesAfterQuery's text. Making that text cost Postgres
 * about half of its time per page (to_char of three timestamps, to_json of the id, the concatenation; measured).
 * changesAfterQuery stays the form on PGlite, whose rows are values in this process already.
 */
export function changesAfterCopyQuery(q: Tx, feed: FeedKey, position: number, limit: number) {
  return changesAfter(q, feed, position, limit).select(CHANGE_COPY_COLUMNS);
}

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
