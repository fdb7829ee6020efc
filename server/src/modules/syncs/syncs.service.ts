import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { SyncDirection, SyncMode, SyncRow } from '../../../../db/schema.js';
import type { AuthedContext } from '../../lib/context.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest, Conflict, NotFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import type { ScheduleSink } from '../../lib/schedule-sink.js';
import { getProvider } from '../../providers/catalog.js';
import { fieldChanges, recordAudit } from '../audit/audit.service.js';
import { lockIntegration, requireIntegration } from '../integrations/integrations.port.js';
import { compileMappings, previewMappings, type FieldMapping } from './mappings.js';
import { checkPushdownValues, validateFields, validateFilters } from './selective.js';
import { nextRunAt, nextRunTimes, validateSchedule, type Schedule } from './schedule.js';
import * as repo from './syncs.repo.js';
import type * as S from './syncs.schemas.js';

/** The API's shapes (syncs.schemas.ts is the one definition). */
export type SyncView = Static<typeof S.Sync>;
export type CreateSyncInput = Static<typeof S.CreateSyncBody>;
export type UpdateSyncInput = Static<typeof S.UpdateSyncBody>;
export type ListSyncsQuery = Static<typeof S.ListSyncsQuery>;

type MappingRow = Awaited<ReturnType<typeof repo.mappingsOf>>[number];
type FilterInput = NonNullable<CreateSyncInput['filters']>[number];

function mappingOf(r: MappingRow): FieldMapping {
  return {
    source: r.source,
    target: r.target,
    ...(r.transform ? { transform: r.transform } : {}),
    ...(r.args != null ? { args: r.args } : {}),
    ...(r.required ? { required: true } : {}),
    ...(r.default_value != null ? { default: r.default_value } : {}),
  } as FieldMapping;
}

function toView(s: SyncRow, mappings: MappingRow[]): SyncView {
  const outbound = Array.isArray(s.outbound_mappings) ? (s.outbound_mappings as FieldMapping[]) : [];
  return {
    id: s.id,
    integrationId: s.integration_id,
    resource: s.resource,
    mode: s.mode,
    schedule: s.cron && s.timezone ? { cron: s.cron, timezone: s.timezone } : null,
    enabled: s.enabled,
    mappings: mappings.filter((m) => m.sync_id === s.id).map(mappingOf),
    direction: s.direction,
    outboundMappings: outbound,
    conflictResolution: s.conflict_resolution,
    fields: Array.isArray(s.fields) ? s.fields : [],
    filters: Array.isArray(s.filters) ? s.filters : [],
    nextRunAt: s.next_run_at?.toISOString() ?? null,
    lastRunAt: s.last_run_at?.toISOString() ?? null,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

const mappingRows = (mappings: FieldMapping[]) =>
  mappings.map((m, position) => ({
    position,
    source: m.source ?? '',
    target: m.target,
    transform: m.transform ?? null,
    args: m.args === undefined ? null : JSON.stringify(m.args),
    required: m.required ?? false,
    default_value: m.default === undefined ? null : JSON.stringify(m.default),
  }));

/** Whether a sync's schedule fires (members of a suspended organization cannot reach these calls). */
const fires = (enabled: boolean, integrationStatus: string) => enabled && integrationStatus !== 'PAUSED';

/** The sync's integration (NotFound when it is not this organization's). */
const integrationOf = requireIntegration;

/** One sync with its mappings, as the API shows it. */
async function view(tx: Tx, orgId: string, syncId: string): Promise<SyncView> {
  const s = await repo.findSync(tx, orgId, syncId);
  if (!s) throw new NotFound('Sync');
  return toView(s, await repo.mappingsOf(tx, [s.id]));
}

/**
 * Selective sync's fields and filters, checked against what the provider can do (400 naming the entry at fault);
 * `undefined` parts are left as they are.
 */
function checkSelection(providerKey: string, resourceKey: string, input: { fields?: string[]; filters?: FilterInput[] }) {
  const provider = getProvider(providerKey)!;
  const resource = provider.resources.find((r) => r.key === resourceKey)!;
  const fields = input.fields === undefined ? undefined : validateFields(provider, resource, input.fields);
  const filters = input.filters === undefined ? undefined : validateFilters(input.filters);
  if (filters) checkPushdownValues(provider, resource, filters);
  return { fields, filters };
}

type Selection = ReturnType<typeof checkSelection>;

/** Records a new selection takes in may not have changed since the last run: then the next run lists everything. */
function selectionChanged(selection: Selection, sync: SyncRow): boolean {
  return (
    (selection.fields !== undefined && canonicalJson(selection.fields) !== canonicalJson(sync.fields)) ||
    (selection.filters !== undefined && canonicalJson(selection.filters) !== canonicalJson(sync.filters))
  );
}

const selectionColumns = (selection: Selection) => ({
  ...(selection.fields !== undefined ? { fields: JSON.stringify(selection.fields) } : {}),
  ...(selection.filters !== undefined ? { filters: JSON.stringify(selection.filters) } : {}),
});

/** The audit metadata of a created sync (counts of mappings, fields and filters, not their contents). */
const createdSummary = (input: CreateSyncInput, mode: SyncMode, schedule: unknown, mappings: number, selection: Selection) => ({
  mode,
  schedule,
  enabled: input.enabled ?? true,
  mappings,
  direction: input.direction ?? 'pull',
  ...selectionCounts(selection),
});

/** For the audit log: how many, not which (filter values are the organization's data). */
const selectionCounts = (selection: Selection) => ({ fields: selection.fields?.length ?? 0, filters: selection.filters?.length ?? 0 });

/** The resource must be one of the provider's, and an incremental sync needs a resource that lists changes. */
function checkResourceAndMode(providerKey: string, resourceKey: string, mode: SyncMode) {
  const provider = getProvider(providerKey);
  const resource = provider?.resources.find((r) => r.key === resourceKey);
  if (!provider || !resource) {
    const known = provider?.resources.map((r) => r.key).join(', ') ?? '';
    throw new BadRequest(
      `resource "${resourceKey}" is not a resource of ${provider?.name ?? providerKey} (available: ${known})`,
      '/resource',
    );
  }
  if (mode === 'incremental' && !resource.incremental) {
    throw new BadRequest(`${provider.name} ${resource.name} support only full syncs (the provider offers no way to list changes)`, '/mode');
  }
}

/**
 * One sync per (integration, resource): a second would fetch the same records into the same store and race the
 * first over its cursor. The integration's row is locked first, so two concurrent creates cannot both pass.
 */
async function refuseDuplicateSync(tx: Tx, orgId: string, integrationId: string, providerKey: string, resourceKey: string) {
  await lockIntegration(tx, orgId, integrationId);
  if (!(await repo.syncOfResourceExists(tx, orgId, integrationId, resourceKey))) return;
  const resourceName = getProvider(providerKey)?.resources.find((r) => r.key === resourceKey)?.name ?? resourceKey;
  throw new Conflict(`This integration already has a sync of ${resourceName}; edit that sync instead of adding another.`, '/resource');
}

/**
 * Pushing needs write endpoints: a resource without them stays `pull` (API.md, Two-way sync). Outbound mappings are
 * compiled like inbound ones; their errors point into `outboundMappings`.
 */
function checkTwoWay(providerKey: string, resourceKey: string, direction: SyncDirection, outbound: FieldMapping[] | undefined) {
  const provider = getProvider(providerKey);
  const resource = provider?.resources.find((r) => r.key === resourceKey);
  if (direction !== 'pull' && !resource?.write) {
    throw new BadRequest(
      `${provider?.name ?? providerKey} ${resource?.name ?? resourceKey} (resource "${resourceKey}") cannot be written to, so the sync can only pull`,
      '/direction',
    );
  }
  if (!outbound) return;
  try {
    compileMappings(outbound);
  } catch (err) {
    if (err instanceof BadRequest && err.field?.startsWith('/mappings')) {
      throw new BadRequest(err.message, err.field.replace(/^\/mappings/, '/outboundMappings'));
    }
    throw err;
  }
}

/** The two-way columns a create or update sets (only the ones given). */
function twoWayColumns(input: Pick<CreateSyncInput, 'direction' | 'outboundMappings' | 'conflictResolution'>) {
  return {
    ...(input.direction ? { direction: input.direction } : {}),
    ...(input.outboundMappings ? { outbound_mappings: JSON.stringify(input.outboundMappings) } : {}),
    ...(input.conflictResolution ? { conflict_resolution: input.conflictResolution } : {}),
  };
}

export interface SyncsServiceDeps {
  db: Db;
  /** Told after each commit that may change whether and when the sync fires. */
  scheduler: ScheduleSink;
}

/** What an update changed in a sync, before → after, for its audit event (the audit page shows it as a diff). */
function syncChanges(
  before: { cron: string | null; timezone: string | null; enabled: boolean; mode: string; direction: string },
  after: { schedule: { cron: string; timezone: string } | null; enabled: boolean; mode: string; direction?: string },
) {
  return fieldChanges({
    schedule: [before.cron ? { cron: before.cron, timezone: before.timezone } : null, after.schedule],
    enabled: [before.enabled, after.enabled],
    mode: [before.mode, after.mode],
    direction: [before.direction, after.direction],
  });
}

/** Sync definitions (resource, mode, schedule, mappings): read, and created, changed and deleted with an audit event each. */
export function createSyncsService(deps: SyncsServiceDeps) {
  return { ...createSyncQueries(deps), ...createSyncCommands(deps), ...createPreviews(deps) };
}

/** One sync, or an integration's syncs, each with its mappings. */
function createSyncQueries({ db }: Pick<SyncsServiceDeps, 'db'>) {
  return {
    async list(ctx: AuthedContext, orgId: string, integrationId: string, q: ListSyncsQuery): Promise<Page<SyncView>> {
      const limit = q.limit ?? 50;
      const c = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      return inScope(db, { org: orgId }, async (tx) => {
        await integrationOf(tx, orgId, integrationId);
        const rows = await repo.listSyncs(
          tx,
          orgId,
          integrationId,
          c ? { createdAt: c[0] as string, id: c[1] as string } : undefined,
          limit,
        );
        const mappings = await repo.mappingsOf(
          tx,
          rows.map((r) => r.id),
        );
        return toPage(
          rows,
          limit,
          (r) => toView(r, mappings),
          (r) => [r.created_at.toISOString(), r.id],
        );
      });
    },

    async get(ctx: AuthedContext, orgId: string, syncId: string): Promise<SyncView> {
      return inScope(db, { org: orgId }, (tx) => view(tx, orgId, syncId));
    },
  };
}

/** Creating, changing and deleting syncs, each audited; the scheduler is told after the commit. */
function createSyncCommands({ db, scheduler }: SyncsServiceDeps) {
  return {
    async create(ctx: AuthedContext, orgId: string, integrationId: string, input: CreateSyncInput): Promise<SyncView> {
      const mode = input.mode ?? 'full';
      const schedule = input.schedule ? validateSchedule(input.schedule) : null;
      const mappings = input.mappings ?? [];
      compileMappings(mappings);
      const id = uuidv7();
      const created = await inScope(db, { org: orgId }, async (tx) => {
        const integration = await integrationOf(tx, orgId, integrationId);
        checkResourceAndMode(integration.provider, input.resource, mode);
        checkTwoWay(integration.provider, input.resource, input.direction ?? 'pull', input.outboundMappings);
        const selection = checkSelection(integration.provider, input.resource, input);
        await refuseDuplicateSync(tx, orgId, integrationId, integration.provider, input.resource);
        const enabled = input.enabled ?? true;
        await repo.insertSync(tx, {
          id,
          organization_id: orgId,
          integration_id: integrationId,
          resource: input.resource,
          mode,
          cron: schedule?.cron ?? null,
          timezone: schedule?.timezone ?? null,
          enabled,
          cursor: null,
          ...selectionColumns({ fields: selection.fields ?? [], filters: selection.filters ?? [] }),
          next_run_at: fires(enabled, integration.status) ? nextRunAt(schedule) : null,
          updated_at: new Date(),
          ...twoWayColumns(input),
        });
        await repo.replaceMappings(tx, orgId, id, mappingRows(mappings));
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'sync.created',
          target: { type: 'sync', id },
          metadata: { integrationId, resource: input.resource, ...createdSummary(input, mode, schedule, mappings.length, selection) },
        });
        return view(tx, orgId, id);
      });
      await scheduler.syncChanged(orgId, id);
      return created;
    },

    async update(ctx: AuthedContext, orgId: string, syncId: string, input: UpdateSyncInput): Promise<SyncView> {
      const schedule = input.schedule ? validateSchedule(input.schedule) : input.schedule;
      if (input.mappings) compileMappings(input.mappings);
      const updated = await inScope(db, { org: orgId }, async (tx) => {
        const sync = await repo.lockSync(tx, orgId, syncId);
        if (!sync) throw new NotFound('Sync');
        const integration = await integrationOf(tx, orgId, sync.integration_id);
        const mode = input.mode ?? sync.mode;
        checkResourceAndMode(integration.provider, sync.resource, mode);
        checkTwoWay(integration.provider, sync.resource, input.direction ?? sync.direction, input.outboundMappings);
        const selection = checkSelection(integration.provider, sync.resource, input);
        const nextSchedule = schedule === undefined ? (sync.cron ? { cron: sync.cron, timezone: sync.timezone! } : null) : schedule;
        const enabled = input.enabled ?? sync.enabled;
        await repo.updateSync(tx, orgId, syncId, {
          mode,
          cron: nextSchedule?.cron ?? null,
          timezone: nextSchedule?.timezone ?? null,
          enabled,
          next_run_at: fires(enabled, integration.status) ? nextRunAt(nextSchedule) : null,
          ...twoWayColumns(input),
          // A full resync starts over (so does a new selection); switching to incremental keeps the high-water mark.
          ...(input.mode === 'full' || selectionChanged(selection, sync) ? { cursor: null } : {}),
          ...selectionColumns(selection),
        });
        if (input.mappings) await repo.replaceMappings(tx, orgId, syncId, mappingRows(input.mappings));
        const changes = syncChanges(sync, { schedule: nextSchedule, enabled, mode, direction: input.direction });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'sync.updated',
          target: { type: 'sync', id: syncId },
          metadata: { changed: Object.keys(input), schedule: nextSchedule, enabled, mode, changes },
        });
        return view(tx, orgId, syncId);
      });
      await scheduler.syncChanged(orgId, syncId);
      return updated;
    },

    async remove(ctx: AuthedContext, orgId: string, syncId: string): Promise<void> {
      await inScope(db, { org: orgId }, async (tx) => {
        const sync = await repo.findSync(tx, orgId, syncId);
        if (!sync) throw new NotFound('Sync');
        await repo.deleteSync(tx, orgId, syncId);
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'sync.deleted',
          target: { type: 'sync', id: syncId },
          metadata: { integrationId: sync.integration_id, resource: sync.resource },
        });
      });
      await scheduler.syncChanged(orgId, syncId);
    },
  };
}

/** Previews for the sync editor: mappings run on a sample record, and a schedule's next run times; they change nothing. */
function createPreviews({ db }: Pick<SyncsServiceDeps, 'db'>) {
  return {
    /** Runs mappings (the sync's, or ones being edited) on a sample record; changes nothing. */
    async preview(ctx: AuthedContext, orgId: string, syncId: string, record: unknown, mappings?: FieldMapping[]) {
      const sync = await inScope(db, { org: orgId }, (tx) => view(tx, orgId, syncId));
      return previewMappings(mappings ?? sync.mappings, record);
    },

    /** The next run times of a schedule, for the cron editor; validates like create does. */
    schedulePreview(schedule: Schedule, count: number) {
      const valid = validateSchedule(schedule, (key) => `query.${key}`);
      return { ...valid, nextRuns: nextRunTimes(valid, new Date(), count).map((d) => d.toISOString()) };
    },
  };
}

export type SyncsService = ReturnType<typeof createSyncsService>;
