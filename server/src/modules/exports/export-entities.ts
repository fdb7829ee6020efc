import type { Compilable } from 'kysely';
import type { SubjectName } from '../../lib/ability.js';
import type { Tx } from '../../lib/db-scope.js';
import type { IntegrationView } from '../integrations/integrations.service.js';
import { toRunView, type LogView, type RunView } from '../runs/runs.service.js';
import type { FieldMapping } from '../syncs/mappings.js';
import type { SyncView } from '../syncs/syncs.service.js';
import { auditActorView, type AuditAction, type AuditEventView } from '../audit/audit.service.js';
import * as repo from './exports.repo.js';
import type { CsvRowWriter } from './csv-rows.js';
import { isoFromPgUtc } from './pg-time.js';

/**
 * What each exportable entity looks like in a file: the same public shape the API returns (JSON),
 * flattened into spreadsheet columns (CSV), with the SQL that reads it in keyset chunks. Secrets have no
 * column here: integrations carry `hasClientSecret`-style flags and the API's 4-character hint, nothing more.
 */
export const ENTITY_NAMES = ['integrations', 'syncs', 'runs', 'logs', 'records', 'audit'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds exporters of different row types
export interface EntityExporter<Row = any, Key = any> {
  name: EntityName;
  /** The permission needed to read the entity (exports never show more than the caller may read). */
  subject: Exclude<SubjectName, 'all'>;
  /** The column the date range applies to, in words (for the docs and the report). */
  timeColumn: string;
  /** Rows per database round trip: big enough to amortise it, small enough to keep memory flat. */
  chunkSize: number;
  fetch(tx: Tx, q: repo.ChunkQuery<Key>): Promise<Row[]>;
  keyOf(row: Row): Key;
  /** One row as JSON text. */
  json(row: Row): string;
  columns: string[];
  /** One row's cells, in `columns` order, before CSV neutralisation. */
  cells(row: Row): unknown[];
  /** Optional fast path for big entities: writes `cells(row)` into the CSV writer without the array. */
  writeCsv?(row: Row, w: CsvRowWriter): void;
  /**
   * Optional, for big entities, on Postgres: the CSV rows written straight from a binary COPY of each chunk
   * (copyChunks), with neither a row object nor a string made of a field, byte for byte what `writeCsv` writes.
   */
  binaryCsv?: BinaryCsv<Key>;
}

export interface BinaryCsv<Key> {
  /** The chunk's columns, `columns` of them, for a binary COPY. */
  columns: number;
  query(q: Tx, chunk: repo.ChunkQuery<Key>): Compilable<unknown>;
  /** One row, from its fields' binary forms (see TupleSink), without `endRow`. */
  write(bytes: Buffer, fields: Int32Array, w: CsvRowWriter): void;
  keyOf(bytes: Buffer, fields: Int32Array): Key;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const timeKey = (r: { key_at: string; id: string }): repo.TimeKey => ({ at: r.key_at, id: r.id });

function integrationView(r: repo.IntegrationExportRow): IntegrationView {
  return {
    id: r.id,
    organizationId: r.organization_id,
    provider: r.provider,
    name: r.name,
    status: r.status,
    authType: r.auth_type,
    clientId: r.client_id,
    hasClientSecret: r.has_secret && r.auth_type === 'oauth2',
    hasApiKey: r.has_secret && r.auth_type === 'api_key',
    hasPassword: r.has_secret && r.auth_type === 'basic',
    username: r.username,
    secretHint: r.has_secret ? r.secret_hint : null,
    hasWebhookSecret: r.has_webhook_secret,
    connected: r.connected,
    scopes: r.scopes,
    settings: r.settings,
    errorCount: r.error_count,
    lastError: r.last_error,
    lastErrorKind: r.last_error_kind,
    lastSyncAt: iso(r.last_sync_at),
    nextSyncAt: iso(r.next_sync_at),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const integrations: EntityExporter<repo.IntegrationExportRow, repo.TimeKey> = {
  name: 'integrations',
  subject: 'Integration',
  timeColumn: 'created',
  chunkSize: 1000,
  fetch: repo.integrationsChunk,
  keyOf: timeKey,
  json: (r) => JSON.stringify(integrationView(r)),
  columns: [
    'id',
    'name',
    'provider',
    'status',
    'authType',
    'clientId',
    'hasClientSecret',
    'hasApiKey',
    'hasPassword',
    'username',
    'secretHint',
    'connected',
    'scopes',
    'settings',
    'errorCount',
    'lastError',
    'lastSyncAt',
    'nextSyncAt',
    'createdAt',
    'updatedAt',
  ],
  cells: (r) => {
    const v = integrationView(r);
    return [
      v.id,
      v.name,
      v.provider,
      v.status,
      v.authType,
      v.clientId,
      v.hasClientSecret,
      v.hasApiKey,
      v.hasPassword,
      v.username,
      v.secretHint,
      v.connected,
      v.scopes.join(' '),
      JSON.stringify(v.settings),
      v.errorCount,
      v.lastError,
      v.lastSyncAt,
      v.nextSyncAt,
      v.createdAt,
      v.updatedAt,
    ];
  },
};

function syncView(s: repo.SyncExportRow): SyncView {
  return {
    id: s.id,
    integrationId: s.integration_id,
    resource: s.resource,
    mode: s.mode,
    schedule: s.cron && s.timezone ? { cron: s.cron, timezone: s.timezone } : null,
    enabled: s.enabled,
    mappings: s.mappings.map(
      (m) =>
        ({
          source: m.source,
          target: m.target,
          ...(m.transform ? { transform: m.transform } : {}),
          ...(m.args != null ? { args: m.args } : {}),
          ...(m.required ? { required: true } : {}),
          ...(m.default_value != null ? { default: m.default_value } : {}),
        }) as FieldMapping,
    ),
    direction: s.direction,
    outboundMappings: Array.isArray(s.outbound_mappings) ? (s.outbound_mappings as FieldMapping[]) : [],
    conflictResolution: s.conflict_resolution,
    fields: Array.isArray(s.fields) ? s.fields : [],
    filters: Array.isArray(s.filters) ? s.filters : [],
    nextRunAt: iso(s.next_run_at),
    lastRunAt: iso(s.last_run_at),
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

const syncs: EntityExporter<repo.SyncExportRow, repo.TimeKey> = {
  name: 'syncs',
  subject: 'Sync',
  timeColumn: 'created',
  chunkSize: 1000,
  fetch: repo.syncsChunk,
  keyOf: timeKey,
  json: (r) => JSON.stringify(syncView(r)),
  columns: [
    'id',
    'integrationId',
    'resource',
    'mode',
    'cron',
    'timezone',
    'enabled',
    'mappings',
    'nextRunAt',
    'lastRunAt',
    'createdAt',
    'updatedAt',
  ],
  cells: (r) => {
    const v = syncView(r);
    return [
      v.id,
      v.integrationId,
      v.resource,
      v.mode,
      v.schedule?.cron,
      v.schedule?.timezone,
      v.enabled,
      v.mappings.length ? JSON.stringify(v.mappings) : '',
      v.nextRunAt,
      v.lastRunAt,
      v.createdAt,
      v.updatedAt,
    ];
  },
};

const runs: EntityExporter<repo.RunExportRow, repo.TimeKey> = {
  name: 'runs',
  subject: 'Run',
  timeColumn: 'created (queued)',
  chunkSize: 2000,
  fetch: repo.runsChunk,
  keyOf: timeKey,
  json: (r) => JSON.stringify(toRunView(r)),
  columns: [
    'id',
    'integrationId',
    'syncId',
    'trigger',
    'status',
    'scheduledFor',
    'startedAt',
    'finishedAt',
    'durationMs',
    'fetched',
    'created',
    'updated',
    'unchanged',
    'deleted',
    'failed',
    'error',
  ],
  cells: (r) => {
    const v: RunView = toRunView(r);
    return [
      v.id,
      v.integrationId,
      v.syncId,
      v.trigger,
      v.status,
      v.scheduledFor,
      v.startedAt,
      v.finishedAt,
      v.durationMs,
      v.stats.fetched,
      v.stats.created,
      v.stats.updated,
      v.stats.unchanged,
      v.stats.deleted,
      v.stats.failed,
      v.error,
    ];
  },
};

const logs: EntityExporter<repo.LogExportRow, repo.TimeKey> = {
  name: 'logs',
  subject: 'Log',
  timeColumn: 'logged',
  chunkSize: 2000,
  fetch: repo.logsChunk,
  keyOf: timeKey,
  // The data column is JSON text straight from Postgres: spliced in, never parsed and re-serialised.
  json: (r) => {
    const view: Omit<LogView, 'data'> = {
      id: r.id,
      runId: r.run_id,
      integrationId: r.integration_id,
      syncId: r.sync_id,
      at: r.at.toISOString(),
      level: r.level,
      message: r.message,
    };
    return `${JSON.stringify(view).slice(0, -1)},"data":${r.data_json ?? 'null'}}`;
  },
  columns: ['id', 'at', 'level', 'message', 'runId', 'integrationId', 'syncId', 'data'],
  cells: (r) => [r.id, r.at.toISOString(), r.level, r.message, r.run_id, r.integration_id, r.sync_id, r.data_json],
};

const records: EntityExporter<repo.RecordExportRow, repo.RecordKey> = {
  name: 'records',
  subject: 'Record',
  timeColumn: 'last changed',
  chunkSize: 5000,
  fetch: repo.recordsChunk,
  keyOf: (r) => ({ integrationId: r.integration_id, resource: r.resource, externalId: r.external_id }),
  json: (r) =>
    `{"integrationId":"${r.integration_id}","resource":${JSON.stringify(r.resource)},"externalId":${JSON.stringify(r.external_id)},` +
    `"data":${r.data_json},"sourceUpdatedAt":${quoted(isoFromPgUtc(r.source_updated_at))},"firstSeenAt":${quoted(isoFromPgUtc(r.first_seen_at))},` +
    `"updatedAt":${quoted(isoFromPgUtc(r.updated_at))},"deletedAt":${quoted(isoFromPgUtc(r.deleted_at))}}`,
  columns: ['integrationId', 'resource', 'externalId', 'data', 'sourceUpdatedAt', 'firstSeenAt', 'updatedAt', 'deletedAt'],
  cells: (r) => [
    r.integration_id,
    r.resource,
    r.external_id,
    r.data_json,
    isoFromPgUtc(r.source_updated_at),
    isoFromPgUtc(r.first_seen_at),
    isoFromPgUtc(r.updated_at),
    isoFromPgUtc(r.deleted_at),
  ],
  binaryCsv: {
    columns: repo.RECORD_COPY_COLUMNS.length,
    query: repo.recordsCopyChunk,
    write: (b, f, w) => {
      w.uuidCell(b, f[0]);
      w.utf8Cell(b, f[2], f[3]);
      w.utf8Cell(b, f[4], f[5]);
      // jsonb's binary form is a format version (1) and then the text `data::text` gives.
      if (b[f[6]] !== 1) throw new Error(`records.data: jsonb binary format ${b[f[6]]}, expected 1`);
      w.utf8Cell(b, f[6] + 1, f[7]);
      w.timestampCell(b, f[8]);
      w.timestampCell(b, f[10]);
      w.timestampCell(b, f[12]);
      w.timestampCell(b, f[14]);
    },
    keyOf: (b, f) => ({
      integrationId: uuidText(b, f[0]),
      resource: b.toString('utf8', f[2], f[3]),
      externalId: b.toString('utf8', f[4], f[5]),
    }),
  },
  writeCsv: (r, w) => {
    w.cell(r.integration_id);
    w.cell(r.resource);
    w.cell(r.external_id);
    w.cell(r.data_json);
    w.pgUtcTimestampCell(r.source_updated_at);
    w.pgUtcTimestampCell(r.first_seen_at);
    w.pgUtcTimestampCell(r.updated_at);
    w.pgUtcTimestampCell(r.deleted_at);
  },
};

/** A uuid's text from its 16 bytes (uuid's binary form) at `start`. */
function uuidText(bytes: Buffer, start: number): string {
  const hex = bytes.toString('hex', start, start + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An ISO timestamp (no characters that need escaping) as a JSON value. */
const quoted = (isoText: string | null) => (isoText === null ? 'null' : `"${isoText}"`);

/** The API's event without the targets' current names: an export keeps what the trail recorded. */
function auditView(r: repo.AuditExportRow): Omit<AuditEventView, 'target'> & { target: { type: string; id: string | null } } {
  return {
    id: r.id,
    organizationId: r.organization_id,
    at: r.at.toISOString(),
    actor: auditActorView(r),
    // Rows are written by recordAudit, which takes only AuditAction values.
    action: r.action as AuditAction,
    target: { type: r.target_type, id: r.target_id },
    metadata: r.metadata,
    ip: r.ip,
  };
}

const audit: EntityExporter<repo.AuditExportRow, repo.TimeKey> = {
  name: 'audit',
  subject: 'AuditEvent',
  timeColumn: 'recorded',
  chunkSize: 2000,
  fetch: repo.auditChunk,
  keyOf: timeKey,
  json: (r) => JSON.stringify(auditView(r)),
  columns: ['id', 'at', 'actorType', 'actorId', 'actorEmail', 'actorName', 'action', 'targetType', 'targetId', 'metadata', 'ip'],
  cells: (r) => [
    r.id,
    r.at.toISOString(),
    auditActorView(r).type,
    r.actor_id,
    r.actor_email,
    r.actor_name,
    r.action,
    r.target_type,
    r.target_id,
    JSON.stringify(r.metadata),
    r.ip,
  ],
};

export const EXPORTERS: Record<EntityName, EntityExporter> = { integrations, syncs, runs, logs, records, audit };
