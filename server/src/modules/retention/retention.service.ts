import type { Db } from '../../../../db/client.js';
import { systemContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { recordAudit } from '../audit/audit.service.js';
import * as repo from './retention.repo.js';

/** How many rows of each kind one pruning deleted, per organization. */
export type PruneCounts = Record<
  string,
  { logs: number; runs: number; deletedRecords: number; webhookDeliveries: number; webhookEvents: number }
>;

export interface RetentionServiceDeps {
  db: Db;
}

/**
 * Data retention: each organization keeps run logs, finished runs, records deleted at the source and finished outbound
 * webhook deliveries (and then their events) for as many days as its settings say (PATCH /api/orgs/:orgId `retention`); the daily
 * `retention:prune` job (scheduler) deletes what is older, in one transaction, and audits per organization
 * what went (`organization.data_pruned`, counts only).
 */
export function createRetentionService({ db }: RetentionServiceDeps) {
  return {
    async prune(now: Date = new Date()): Promise<PruneCounts> {
      return inScope(db, { platform: true }, async (tx) => {
        const counts: PruneCounts = {};
        const add = (rows: repo.Deleted, kind: keyof PruneCounts[string]) => {
          for (const r of rows) {
            counts[r.organization_id] ??= { logs: 0, runs: 0, deletedRecords: 0, webhookDeliveries: 0, webhookEvents: 0 };
            counts[r.organization_id][kind] += r.n;
          }
        };
        // Logs first: a run's own logs are counted as logs when they are past the logs period, as runs' otherwise.
        add(await repo.pruneLogs(tx, now), 'logs');
        add(await repo.pruneRuns(tx, now), 'runs');
        add(await repo.pruneDeletedRecords(tx, now), 'deletedRecords');
        // Deliveries before events: an event goes once no delivery of it is left.
        add(await repo.pruneWebhookDeliveries(tx, now), 'webhookDeliveries');
        add(await repo.pruneWebhookEvents(tx, now), 'webhookEvents');
        for (const [organizationId, deleted] of Object.entries(counts)) {
          await recordAudit(tx, systemContext('retention:prune'), {
            organizationId,
            action: 'organization.data_pruned',
            target: { type: 'organization', id: organizationId },
            metadata: { ...deleted, asOf: now.toISOString() },
          });
        }
        return counts;
      });
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
