import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { RunTrigger, SyncLogRow, SyncRunRow } from '../../../../db/schema.js';
import type { AuthedContext } from '../../lib/context.js';
import { inScope, readInScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest, Conflict, NotFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { countPushWrites, runsFinished } from '../../lib/metrics.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import { findIntegration, requireIntegration } from '../integrations/integrations.port.js';
import { findSync } from '../syncs/syncs.port.js';
import { observedPaths } from './record-paths.js';
import * as repo from './runs.repo.js';
import { RECORD_PATHS_SAMPLE } from './runs.schemas.js';
import type * as S from './runs.schemas.js';

/** The API's shapes (runs.schemas.ts is the one definition). */
export type RunView = Static<typeof S.Run>;
export type LogView = Static<typeof S.Log>;
export type RecordView = Static<typeof S.SyncRecord>;
export type RunsQuery = Static<typeof S.RunsQuery>;
/** The organization's log lines, or (with `runId`) one run's, oldest first. */
export type LogsQuery = Static<typeof S.OrgLogsQuery> & { runId?: string };
export type RecordsQuery = Static<typeof S.RecordsQuery>;

/** Starts queued runs once their row is committed (in this process, or through the job queue). */
export interface RunDispatcher {
  dispatch(orgId: string, runId: string): void;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toRunView(r: SyncRunRow): RunView {
  return {
    id: r.id,
    integrationId: r.integration_id,
    syncId: r.sync_id,
    trigger: r.trigger,
    status: r.status,
    scheduledFor: iso(r.scheduled_for),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    durationMs: r.started_at && r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
    stats: {
      fetched: r.fetched,
      created: r.created,
      updated: r.updated,
      unchanged: r.unchanged,
      deleted: r.deleted,
      failed: r.failed,
      skipped: r.skipped,
      pushed: r.pushed,
      conflicts: r.conflicts,
    },
    error: r.error,
    errorKind: r.error_kind,
  };
}

const toLogView = (l: SyncLogRow): LogView => ({
  id: l.id,
  runId: l.run_id,
  integrationId: l.integration_id,
  syncId: l.sync_id,
  at: l.at.toISOString(),
  level: l.level,
  message: l.message,
  data: (l.data as Record<string, unknown> | null) ?? null,
});

/**
 * Queues a run unless one is already active for the sync (or, for a scheduled run, the slot has its
 * run). The unique indexes are the guarantee; a refused insert is reported as `null`.
 */
async function queueRun(
  tx: Tx,
  orgId: string,
  sync: { id: string; integration_id: string },
  trigger: RunTrigger,
  scheduledFor: Date | null,
): Promise<string | null> {
  const id = uuidv7();
  const inserted = await repo.insertRunIfFree(tx, {
    id,
    organization_id: orgId,
    integration_id: sync.integration_id,
    sync_id: sync.id,
    trigger,
    status: 'queued',
    scheduled_for: scheduledFor,
  });
  return inserted ? id : null;
}

/** The runs API: starting and cancelling runs (audited), and reading their history, logs and records. */
export interface RunsServiceDeps {
  db: Db;
  /** Hands a queued run, once committed, to whoever executes it: this process's run pool, or the workers. */
  dispatcher: RunDispatcher;
}

export function createRunsService(deps: RunsServiceDeps) {
  return { ...createRunCommands(deps), ...createRunHistory(deps), ...createRunOutput(deps) };
}

/** Queuing runs (then handed to the dispatcher once committed) and cancelling them; each is audited. */
function createRunCommands({ db, dispatcher }: RunsServiceDeps) {
  return {
    async runSync(ctx: AuthedContext, orgId: string, syncId: string): Promise<{ runId: string }> {
      const runId = await inScope(db, { org: orgId }, async (tx) => {
        const sync = await findSync(tx, orgId, syncId);
        if (!sync) throw new NotFound('Sync');
        const integration = await findIntegration(tx, orgId, sync.integration_id);
        if (integration?.status === 'PAUSED') throw new Conflict('The integration is paused; resume it to run its syncs');
        const id = await queueRun(tx, orgId, sync, 'manual', null);
        if (!id) throw new Conflict('A run of this sync is already queued or running');
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'sync.run_requested',
          target: { type: 'sync', id: syncId },
          metadata: { runId: id },
        });
        return id;
      });
      dispatcher.dispatch(orgId, runId);
      return { runId };
    },

    /** Queues every enabled sync of one integration, or of the whole organization; paused ones are skipped. */
    async runMany(ctx: AuthedContext, orgId: string, integrationId?: string): Promise<{ total: number; queued: number }> {
      const runIds = await inScope(db, { org: orgId }, async (tx) => {
        if (integrationId) await requireIntegration(tx, orgId, integrationId);
        const syncs = await repo.runnableSyncs(tx, orgId, integrationId);
        const ids: string[] = [];
        for (const s of syncs) {
          if (s.status === 'PAUSED') continue;
          const id = await queueRun(tx, orgId, s, 'manual', null);
          if (id) ids.push(id);
        }
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: integrationId ? 'integration.sync_requested' : 'organization.sync_all_requested',
          target: integrationId ? { type: 'integration', id: integrationId } : { type: 'organization', id: orgId },
          metadata: { total: syncs.length, queued: ids.length },
        });
        return { total: syncs.length, ids };
      });
      for (const id of runIds.ids) dispatcher.dispatch(orgId, id);
      return { total: runIds.total, queued: runIds.ids.length };
    },

    /** A failed or cancelled run again: a new run of the same sync (`trigger: "retry"`), as a manual run would be. */
    async retry(ctx: AuthedContext, orgId: string, runId: string): Promise<{ runId: string }> {
      const newRunId = await inScope(db, { org: orgId }, async (tx) => {
        const run = await repo.findRun(tx, orgId, runId);
        if (!run) throw new NotFound('Run');
        if (run.status === 'queued' || run.status === 'running')
          throw new Conflict(`The run is still ${run.status}; wait for it to finish, or cancel it first`);
        if (run.status === 'succeeded')
          throw new Conflict('The run succeeded, so there is nothing to retry; start a new run from its sync');
        const sync = await findSync(tx, orgId, run.sync_id);
        if (!sync) throw new NotFound('Sync');
        const integration = await findIntegration(tx, orgId, sync.integration_id);
        if (integration?.status === 'PAUSED') throw new Conflict('The integration is paused; resume it to run its syncs');
        const id = await queueRun(tx, orgId, sync, 'retry', null);
        if (!id) throw new Conflict('A run of this sync is already queued or running');
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'run.retry_requested',
          target: { type: 'run', id: runId },
          metadata: { runId: id, syncId: sync.id },
        });
        return id;
      });
      dispatcher.dispatch(orgId, newRunId);
      return { runId: newRunId };
    },

    async cancel(ctx: AuthedContext, orgId: string, runId: string): Promise<RunView> {
      const { view, endedHere } = await inScope(db, { org: orgId }, async (tx) => {
        const run = await repo.findRun(tx, orgId, runId);
        if (!run) throw new NotFound('Run');
        const cancelledQueued = await repo.cancelQueued(tx, orgId, runId);
        if (!cancelledQueued && !(await repo.requestCancel(tx, orgId, runId))) {
          throw new Conflict(
            `The run has already ${run.status === 'succeeded' ? 'succeeded' : run.status === 'failed' ? 'failed' : 'been cancelled'}`,
          );
        }
        // A push cancelled before it started is not sent later either: its writes fail now, as a running push's
        // unsent writes do when it stops, instead of waiting as pending changes for the next bidirectional run.
        let failedWrites = 0;
        if (cancelledQueued && run.trigger === 'push') {
          failedWrites = await repo.failWritesOfCancelledPush(tx, runId);
          if (failedWrites) await repo.addPushProgress(tx, runId, { failed: failedWrites });
        }
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'run.cancel_requested',
          target: { type: 'run', id: runId },
          metadata: { status: run.status },
        });
        const view = toRunView((await repo.findRun(tx, orgId, runId))!);
        return { view, endedHere: cancelledQueued ? { trigger: run.trigger, failedWrites } : null };
      });
      // A run cancelled before any worker took it ends here, not in an executor: counted by this process, once committed.
      if (endedHere) {
        runsFinished.inc({ status: 'cancelled', trigger: endedHere.trigger });
        countPushWrites({ failed: endedHere.failedWrites });
      }
      return view;
    },
  };
}

/** What runs did: the status widget and the run history. */
function createRunHistory({ db }: Pick<RunsServiceDeps, 'db'>) {
  return {
    /** Integrations by status, runs in flight and recent failures: what the status widget shows. */
    async syncStatus(ctx: AuthedContext, orgId: string) {
      const { byStatus, active, failedRuns24h, openConflicts } = await inScope(db, { org: orgId }, (tx) => repo.syncStatus(tx, orgId));
      const integrationsByStatus = { ACTIVE: 0, INACTIVE: 0, ERROR: 0, SYNCING: 0, PAUSED: 0 };
      let lastSyncAt: Date | null = null;
      for (const row of byStatus) {
        integrationsByStatus[row.status] = row.n;
        if (row.last_sync_at && (!lastSyncAt || row.last_sync_at > lastSyncAt)) lastSyncAt = row.last_sync_at;
      }
      const count = (status: string) => active.find((a) => a.status === status)?.n ?? 0;
      return {
        integrationsByStatus,
        runningRuns: count('running'),
        queuedRuns: count('queued'),
        failedRuns24h,
        openConflicts,
        lastSyncAt: lastSyncAt?.toISOString() ?? null,
      };
    },

    /** The first-run checklist: each step done or not from the organization's own rows, with where it happened. */
    async onboarding(ctx: AuthedContext, orgId: string) {
      const facts = await inScope(db, { org: orgId }, (tx) => repo.onboardingFacts(tx, orgId));
      const steps = {
        integration: { done: facts.integration !== null, integrationId: facts.integration },
        connected: { done: facts.connected !== null, integrationId: facts.connected },
        sync: { done: facts.sync !== null, integrationId: facts.sync },
        run: { done: facts.run !== null, integrationId: facts.run_integration, runId: facts.run },
      };
      return { complete: Object.values(steps).every((s) => s.done), steps };
    },

    async list(ctx: AuthedContext, orgId: string, q: RunsQuery): Promise<Page<RunView>> {
      const limit = q.limit ?? 50;
      const c = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      // One round trip: the scope's settings and the page in one message (readInScope), not BEGIN, query, COMMIT.
      const rows = await readInScope(db, { org: orgId }, (b) =>
        repo.listRunsQuery(b, orgId, {
          ids: q.ids,
          integrationId: q.integrationId,
          syncId: q.syncId,
          status: q.status,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          before: c ? { createdAt: c[0] as string, id: c[1] as string } : undefined,
          limit,
        }),
      );
      return toPage(rows, limit, toRunView, (r) => [r.created_at.toISOString(), r.id]);
    },

    async get(ctx: AuthedContext, orgId: string, runId: string): Promise<RunView> {
      const run = await inScope(db, { org: orgId }, (tx) => repo.findRun(tx, orgId, runId));
      if (!run) throw new NotFound('Run');
      return toRunView(run);
    },
  };
}

/** What runs wrote: run and organization logs, and the records synced. */
function createRunOutput({ db }: Pick<RunsServiceDeps, 'db'>) {
  return {
    async logs(ctx: AuthedContext, orgId: string, q: LogsQuery): Promise<Page<LogView>> {
      const limit = q.limit ?? 100;
      // An empty range is a mistake to report, not an empty page (the logs page's "To" field shows the message).
      if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw new BadRequest('"to" must not be before "from"', 'query.to');
      const c = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const position = c ? { at: c[0] as string, id: c[1] as string } : undefined;
      const rows = await inScope(db, { org: orgId }, async (tx) => {
        if (q.runId && !(await repo.findRun(tx, orgId, q.runId))) throw new NotFound('Run');
        return repo.listLogs(tx, orgId, {
          runId: q.runId,
          integrationId: q.integrationId,
          level: q.level,
          q: q.q,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          ...(q.runId ? { after: position } : { before: position }),
          limit,
        });
      });
      return toPage(rows, limit, toLogView, (l) => [l.at.toISOString(), l.id]);
    },

    /**
     * The field paths seen in a resource's most recently changed records, for the mapping editor's suggestions.
     * Records are stored as the sync's inbound mappings made them: without mappings these are the provider's own
     * paths (what a first mapping reads); with mappings, the mapped fields (what outbound mappings read).
     */
    async recordPaths(ctx: AuthedContext, orgId: string, integrationId: string, resource: string) {
      const rows = await inScope(db, { org: orgId }, async (tx) => {
        await requireIntegration(tx, orgId, integrationId);
        return repo.recentRecordData(tx, orgId, integrationId, resource, RECORD_PATHS_SAMPLE);
      });
      return { resource, sampled: rows.length, items: observedPaths(rows.map((r) => r.data)) };
    },

    async records(ctx: AuthedContext, orgId: string, integrationId: string, q: RecordsQuery): Promise<Page<RecordView>> {
      const limit = q.limit ?? 50;
      const c = decodeCursor(q.cursor, ['string', 'string']);
      const rows = await inScope(db, { org: orgId }, async (tx) => {
        await requireIntegration(tx, orgId, integrationId);
        return repo.listRecords(
          tx,
          orgId,
          integrationId,
          q.resource,
          c ? { resource: c[0] as string, externalId: c[1] as string } : undefined,
          limit,
          q.includeDeleted ?? false,
        );
      });
      return toPage(
        rows,
        limit,
        (r) => ({
          externalId: r.external_id,
          resource: r.resource,
          data: r.data,
          sourceUpdatedAt: iso(r.source_updated_at),
          updatedAt: r.updated_at.toISOString(),
          deletedAt: iso(r.deleted_at),
          action: r.feed_action,
          modifiedAt: r.updated_at.toISOString(),
        }),
        (r) => [r.resource, r.external_id],
      );
    },
  };
}

export type RunsService = ReturnType<typeof createRunsService>;
