import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { AuthedContext } from '../../lib/context.js';
import { copyInScope, copyTuplesInScope, inScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest } from '../../lib/errors.js';
import { decodeCursor } from '../../lib/pagination.js';
import { getProvider } from '../../providers/catalog.js';
import { requireIntegration } from '../integrations/integrations.port.js';
import * as repo from './change-feed.repo.js';
import { ChangePageStream } from './change-page.js';
import { FeedCursors } from './feed-cursor.js';
import type * as S from './change-feed.schemas.js';

/** The API's shapes (change-feed.schemas.ts is the one definition). */
export type ChangesQuery = Static<typeof S.ChangesQuery>;
export type ChangePageView = Static<typeof S.ChangePage>;

/**
 * A page of the feed as UTF-8 JSON (a ChangePageView, written out), its items written from their columns' binary forms
 * on Postgres, by Postgres on PGlite (change-feed.repo.ts): a stream of its bytes as the rows arrive (change-page.ts),
 * or, for an empty page, its bytes.
 */
export type ChangePageJson = (Buffer | ChangePageStream) & { readonly json: ChangePageView };

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
      // One round trip: a page with changes needs no other check. Records exist only under an integration of this
      // organization, in a resource a sync of it wrote, and past a cursor only when the feed's head is further on.
      // The page goes out as its rows arrive: the response starts with the first item, so an error before it is an
      // error response, and one after it cuts the response short (ChangePageStream).
      const cursors = new FeedCursors(feed);
      const page = new ChangePageStream(limit, cursors, feed.resource);
      const read =
        copyTuplesInScope(
          db,
          { org: orgId },
          (b) => repo.changesAfterCopyQuery(b, feed, after, limit),
          repo.CHANGE_COPY_COLUMNS.length,
          (bytes, fields) => page.tuple(bytes, fields),
        ) ??
        copyInScope(
          db,
          { org: orgId },
          (b) => repo.changesAfterQuery(b, feed, after, limit),
          (bytes, start, end) => page.item(bytes, start, end),
        );
      await Promise.race([page.started, read]);
      if (page.count === 0) {
        await read;
        await inScope(db, { org: orgId }, (tx) => checkEmptyFeed(tx, feed, after));
        return Buffer.from(JSON.stringify({ items: [], nextCursor: cursors.of(after), hasMore: false })) as ChangePageJson;
      }
      read.then(() => page.finish()).catch((err: unknown) => page.destroy(err instanceof Error ? err : new Error(String(err))));
      return page as ChangePageStream as ChangePageJson;
    },
  };
}

export type ChangeFeedService = ReturnType<typeof createChangeFeedService>;
