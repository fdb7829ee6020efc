import type { Tx } from '../../lib/db-scope.js';

export interface FeedKey {
  orgId: string;
  integrationId: string;
  resource: string;
}

/**
 * The feed's changes after `position`, oldest first: one range scan of records_feed_idx (integration, resource,
 * position). One more than `limit` is read, to tell whether more are waiting. (The query, unexecuted, so a test
 * can EXPLAIN it.)
 */
export function changesAfterQuery(tx: Tx, feed: FeedKey, position: number, limit: number) {
  return tx
    .selectFrom('records')
    .select(['external_id', 'resource', 'feed_action', 'data', 'first_seen_at', 'updated_at', 'deleted_at', 'feed_position'])
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
