import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { AuthedContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { BadRequest } from '../../lib/errors.js';
import { decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { getProvider } from '../../providers/catalog.js';
import { requireIntegration } from '../integrations/integrations.port.js';
import * as repo from './change-feed.repo.js';
import type * as S from './change-feed.schemas.js';

/** The API's shapes (change-feed.schemas.ts is the one definition). */
export type ChangesQuery = Static<typeof S.ChangesQuery>;
export type ChangeView = Static<typeof S.Change>;
export type ChangePageView = Static<typeof S.ChangePage>;

type ChangeRow = Awaited<ReturnType<typeof repo.changesAfter>>[number];

/**
 * A cursor names its feed and a position in it: [integration id, resource, position], opaque to clients
 * (lib/pagination.ts). Naming the feed lets a cursor of another integration or resource be refused instead of
 * silently starting this feed somewhere arbitrary.
 */
const cursorOf = (feed: repo.FeedKey, position: number) => encodeCursor([feed.integrationId, feed.resource, position]);

const INVALID_AFTER =
  'after is not a cursor of this feed; use the nextCursor of an earlier call with the same integration and resource, or start without after';

/** The position `after` points at: 0 without one; 400 (query.after) for anything this feed did not issue. */
async function positionAfter(feed: repo.FeedKey, after: string | undefined, head: () => Promise<number>): Promise<number> {
  const parts = decodeCursor(after, ['uuid', 'string', 'number'], 'after');
  if (!parts) return 0;
  const [integrationId, resource, position] = parts;
  // Positions only grow, so a cursor the server issued never points past the feed's latest one.
  const valid =
    integrationId === feed.integrationId &&
    resource === feed.resource &&
    Number.isSafeInteger(position) &&
    position >= 0 &&
    position <= (await head());
  if (!valid) throw new BadRequest(INVALID_AFTER, 'query.after');
  return position;
}

function toChangeView(feed: repo.FeedKey, r: ChangeRow): ChangeView {
  return {
    externalId: r.external_id,
    resource: r.resource,
    action: r.feed_action,
    data: r.data,
    firstSeenAt: r.first_seen_at.toISOString(),
    modifiedAt: r.updated_at.toISOString(),
    deletedAt: r.deleted_at?.toISOString() ?? null,
    cursor: cursorOf(feed, r.feed_position),
  };
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

export interface ChangeFeedServiceDeps {
  db: Db;
}

/** The records change feed (API.md, "Records change feed"): what changed in one (integration, resource) feed, in commit order. */
export function createChangeFeedService({ db }: ChangeFeedServiceDeps) {
  return {
    async changes(ctx: AuthedContext, orgId: string, integrationId: string, q: ChangesQuery): Promise<ChangePageView> {
      const feed: repo.FeedKey = { orgId, integrationId, resource: q.resource };
      const limit = q.limit ?? 100;
      return inScope(db, { org: orgId }, async (tx) => {
        const integration = await requireIntegration(tx, orgId, integrationId);
        checkResource(integration.provider, q.resource);
        const after = await positionAfter(feed, q.after, () => repo.feedHead(tx, feed));
        const rows = await repo.changesAfter(tx, feed, after, limit);
        const hasMore = rows.length > limit;
        const page = hasMore ? rows.slice(0, limit) : rows;
        return {
          items: page.map((r) => toChangeView(feed, r)),
          nextCursor: cursorOf(feed, page.length ? page[page.length - 1].feed_position : after),
          hasMore,
        };
      });
    },
  };
}

export type ChangeFeedService = ReturnType<typeof createChangeFeedService>;
