import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { AuthedContext } from '../../lib/context.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest } from '../../lib/errors.js';
import { decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { getProvider } from '../../providers/catalog.js';
import { requireIntegration } from '../integrations/integrations.port.js';
import * as repo from './change-feed.repo.js';
import type * as S from './change-feed.schemas.js';

/** The API's shapes (change-feed.schemas.ts is the one definition). */
export type ChangesQuery = Static<typeof S.ChangesQuery>;
export type ChangePageView = Static<typeof S.ChangePage>;

/**
 * A page of the feed as JSON text (a ChangePageView, written out): the items' JSON comes from Postgres
 * (change-feed.repo.ts) and is joined, not parsed and serialised again.
 */
export type ChangePageJson = string & { readonly json: ChangePageView };

/**
 * A cursor names its feed and a position in it: [integration id, resource, position], opaque to clients
 * (lib/pagination.ts). Naming the feed lets a cursor of another integration or resource be refused instead of
 * silently starting this feed somewhere arbitrary.
 */
const cursorOf = (feed: repo.FeedKey, position: number) => encodeCursor([feed.integrationId, feed.resource, position]);

const INVALID_AFTER =
  'after is not a cursor of this feed; use the nextCursor of an earlier call with the same integration and resource, or start without after';

/** The position `after` names (0 without one); 400 (query.after) for a cursor of another feed or a made-up one. */
function positionAfter(feed: repo.FeedKey, after: string | undefined): number {
  const parts = decodeCursor(after, ['uuid', 'string', 'number'], 'after');
  if (!parts) return 0;
  const [integrationId, resource, position] = parts;
  if (integrationId !== feed.integrationId || resource !== feed.resource || !Number.isSafeInteger(position) || position < 0) {
    throw new BadRequest(INVALID_AFTER, 'query.after');
  }
  return position;
}

/** An item: the change's JSON from Postgres with its cursor added (JSON.stringify is not needed: cursors are base64url). */
const itemJson = (feed: repo.FeedKey, changeJson: string, position: number) =>
  `${changeJson.slice(0, changeJson.lastIndexOf('}'))}, "cursor" : "${cursorOf(feed, position)}"}`;

/** The resource must be one the integration's provider offers (each has its own feed). */
function checkResource(providerKey: string, resource: string): void {
  const provider = getProvider(providerKey);
  if (provider?.resources.some((r) => r.key === resource)) return;
  const known = provider?.resources.map((r) => r.key).join(', ') ?? '';
  throw new BadRequest(
    `resource "${resource}" is not a resource of ${provider?.name ?? providerKey} (available: ${known})`,
    'query.resource',
  );
}

/**
 * Why a feed has nothing after `after`, if it is not simply up to date: the integration is not this organization's
 * (404), the resource is not one of its provider's (400), or the cursor points past the feed's latest position, which
 * no cursor the server issued does, since positions only grow (400).
 */
async function checkEmptyFeed(tx: Tx, feed: repo.FeedKey, after: number): Promise<void> {
  const integration = await requireIntegration(tx, feed.orgId, feed.integrationId);
  checkResource(integration.provider, feed.resource);
  if (after > (await repo.feedHead(tx, feed))) throw new BadRequest(INVALID_AFTER, 'query.after');
}

export interface ChangeFeedServiceDeps {
  db: Db;
}

/** The records change feed (API.md, "Records change feed"): what changed in one (integration, resource) feed, in commit order. */
export function createChangeFeedService({ db }: ChangeFeedServiceDeps) {
  return {
    async changes(ctx: AuthedContext, orgId: string, integrationId: string, q: ChangesQuery): Promise<ChangePageJson> {
      const feed: repo.FeedKey = { orgId, integrationId, resource: q.resource };
      const limit = q.limit ?? 100;
      const after = positionAfter(feed, q.after);
      return inScope(db, { org: orgId }, async (tx) => {
        const rows = await repo.changesAfter(tx, feed, after, limit);
        // Records exist only under an integration of this organization, in a resource a sync of it wrote, and past a
        // cursor only when the feed's head is further on: a page with changes needs no other check (two queries
        // less per page while a follower catches up). An empty page is checked before it is answered.
        if (rows.length === 0) await checkEmptyFeed(tx, feed, after);
        const hasMore = rows.length > limit;
        const page = hasMore ? rows.slice(0, limit) : rows;
        const items = page.map((r) => itemJson(feed, r.change_json, r.feed_position));
        const nextCursor = cursorOf(feed, page.length ? page[page.length - 1].feed_position : after);
        return `{"items":[${items.join(',')}],"nextCursor":"${nextCursor}","hasMore":${hasMore}}` as ChangePageJson;
      });
    },
  };
}

export type ChangeFeedService = ReturnType<typeof createChangeFeedService>;
