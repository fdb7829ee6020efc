import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { AuthedContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import * as repo from './platform.repo.js';
import type * as S from './platform.schemas.js';

/** The API's shapes (platform.schemas.ts is the one definition). */
export type TenantView = Static<typeof S.Tenant>;
export type TenantsQuery = Static<typeof S.TenantsQuery>;

const EMPTY_STATUS_COUNTS = { INACTIVE: 0, ACTIVE: 0, ERROR: 0, SYNCING: 0, PAUSED: 0 };

export function createPlatformService({ db }: { db: Db }) {
  return {
    /** Health of every tenant (Platform Owner): members, integrations by status, runs and failures in 24 h. */
    async tenants(ctx: AuthedContext, q: TenantsQuery): Promise<Page<TenantView>> {
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, ['string'])?.[0] as string | undefined;
      const rows = await inScope(db, { platform: true }, (tx) => repo.tenantOverview(tx, after, limit));
      return toPage(
        rows,
        limit,
        (r) => ({
          organization: { id: r.id, slug: r.slug, name: r.name, status: r.status, createdAt: r.created_at.toISOString() },
          members: r.members,
          integrations: Object.values(r.integrations_by_status ?? {}).reduce((a, b) => a + b, 0),
          integrationsByStatus: { ...EMPTY_STATUS_COUNTS, ...(r.integrations_by_status ?? {}) },
          runs24h: r.runs_24h,
          failedRuns24h: r.failed_runs_24h,
          lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
        }),
        (r) => [r.slug],
      );
    },
  };
}

export type PlatformService = ReturnType<typeof createPlatformService>;
