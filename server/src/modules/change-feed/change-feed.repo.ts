import { sql, type RawBuilder } from 'kysely';
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
 * Cursors as Postgres writes them (change-feed.service.ts, cursorOf, writes the same text): base64url of the JSON
 * `["<integration>","<resource>",<position>]`, where `prefixBase64` is the base64url of everything before the
 * position, padded with spaces to a whole number of 3-byte groups, so that the rest can be encoded on its own and
 * appended: the position and `]`, padded with spaces to POSITION_BYTES. Base64 of digits, spaces and `]` never has
 * `+` or `/`, and 21 bytes need no `=`, so plain base64 is base64url here: a translate() of each cursor cost
 * Postgres about 2 ms a page (measured), two thirds of what writing the rest of the item costs.
 */
export const POSITION_BYTES = 21; // 19 digits (a bigint) and `]`, a whole number of 3-byte groups
const cursorSql = (prefixBase64: string, position: RawBuilder<unknown>) =>
  sql<string>`${prefixBase64}::text || encode(textsend(lpad(${position}::text || ']', ${sql.lit(POSITION_BYTES)})), 'base64')`;

/** A JSON string of a text column (quoted and escaped by Postgres). */
const jsonText = (column: 'external_id') => sql`to_json(${sql.ref(column)})::text`;

/**
 * The feed's changes after `position`, oldest first, one more than `limit` (to tell whether more are waiting): one
 * range scan of records_feed_idx (integration, resource, position). Each change comes as its API item in JSON text,
 * every field and its cursor (last, so the page's next cursor can be read off the end of its last item), written by
 * Postgres: the route joins them as they are. Parsing each row into objects and serialising them again cost the API
 * process three times the CPU, and adding the cursor in the API most of the rest (BENCHMARKS.md, "Data delivery").
 * The text is concatenated rather than json_build_object'ed (measured: cheaper); `feed_action` is one of three words
 * (a CHECK constraint) and the times are to_char's digits, so only the ids need JSON quoting; the resource is the
 * feed's (the WHERE clause), quoted here once instead of on every row (measured: to_json cost about 250 µs a page).
 */
export function changesAfterQuery(q: Tx, feed: FeedKey, position: number, limit: number, prefixBase64: string) {
  return q
    .selectFrom('records')
    .select(
      sql<string>`'{"externalId":' || ${jsonText('external_id')} || ${`,"resource":${JSON.stringify(feed.resource)}`}::text
        || ',"action":"' || feed_action || '","data":' || data::text
        || ',"firstSeenAt":"' || ${isoUtc('first_seen_at')} || '","modifiedAt":"' || ${isoUtc('updated_at')}
        || '","deletedAt":' || coalesce('"' || ${isoUtc('deleted_at')} || '"', 'null')
        || ',"cursor":"' || ${cursorSql(prefixBase64, sql`feed_position`)} || '"}'`.as('item'),
    )
    .where('organization_id', '=', feed.orgId)
    .where('integration_id', '=', feed.integrationId)
    .where('resource', '=', feed.resource)
    .where('feed_position', '>', position)
    .orderBy('feed_position')
    .limit(limit + 1);
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
