import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';

/**
 * SQL for exports: keyset-paginated chunks of each entity (oldest first for files, newest first for the
 * PDF's capped tables) and the PDF's aggregates. Every query filters on the organization explicitly,
 * on top of row-level security.
 *
 * Keyset positions that involve a timestamp travel as ISO text with microseconds (`key_at`): a JS Date
 * keeps only milliseconds, and a truncated position would repeat or skip rows that share a millisecond.
 */

/** Inclusive-exclusive bounds on an entity's natural time column; null = unbounded. */
export interface TimeRange {
  from: Date | null;
  to: Date | null;
}

export type Order = 'asc' | 'desc';

const microIso = (column: string) => sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
/**
 * A timestamp as Postgres's own UTC text (`2026-01-31 12:34:56.789123`): the cheapest text Postgres makes
 * of it (half the cost of to_char); the records exporter turns it into millisecond ISO 8601 (pg-time.ts).
 */
const utcText = (column: string) => sql<string | null>`(${sql.ref(column)} AT TIME ZONE 'UTC')::text`;

function inRange(column: string, range: TimeRange): RawBuilder<boolean> {
  const parts = [sql`true`];
  if (range.from) parts.push(sql`${sql.ref(column)} >= ${range.from}`);
  if (range.to) parts.push(sql`${sql.ref(column)} < ${range.to}`);
  return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
}

/** `(time, id)` after (or before, newest first) a position. */
function afterTimeKey(timeColumn: string, idColumn: string, key: TimeKey | null, order: Order): RawBuilder<boolean> {
  if (!key) return sql<boolean>`true`;
  const position = sql`(${key.at}::timestamptz, ${key.id}::uuid)`;
  return order === 'asc'
    ? sql<boolean>`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)}) > ${position}`
    : sql<boolean>`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)}) < ${position}`;
}

export interface TimeKey {
  at: string;
  id: string;
}

export interface ChunkQuery<K> {
  orgId: string;
  range: TimeRange;
  after: K | null;
  limit: number;
  order?: Order;
}

// ---- integrations: the columns of the public view only; the secret is reduced to "is there one" in SQL ----

export function integrationsChunk(tx: Tx, q: ChunkQuery<TimeKey>) {
  const order = q.order ?? 'asc';
  return tx
    .selectFrom('integrations as i')
    .leftJoin('connections as c', 'c.integration_id', 'i.id')
    .select([
      'i.id',
      'i.organization_id',
      'i.provider',
      'i.name',
      'i.status',
      'i.auth_type',
      'i.client_id',
      'i.username',
      'i.secret_hint',
      'i.scopes',
      'i.settings',
      'i.error_count',
      'i.last_error',
      'i.last_error_kind',
      'i.last_sync_at',
      'i.next_sync_at',
      'i.created_at',
      'i.updated_at',
    ])
    .select([
      sql<boolean>`i.secret_encrypted IS NOT NULL`.as('has_secret'),
      sql<boolean>`i.webhook_secret_encrypted IS NOT NULL`.as('has_webhook_secret'),
      sql<boolean>`c.integration_id IS NOT NULL`.as('connected'),
      microIso('i.created_at').as('key_at'),
    ])
    .where('i.organization_id', '=', q.orgId)
    .where(inRange('i.created_at', q.range))
    .where(afterTimeKey('i.created_at', 'i.id', q.after, order))
    .orderBy('i.created_at', order)
    .orderBy('i.id', order)
    .limit(q.limit)
    .execute();
}
export type IntegrationExportRow = Awaited<ReturnType<typeof integrationsChunk>>[number];

// ---- syncs with their field mappings ----

export async function syncsChunk(tx: Tx, q: ChunkQuery<TimeKey>) {
  const order = q.order ?? 'asc';
  const syncs = await tx
    .selectFrom('syncs')
    .select([
      'id',
      'integration_id',
      'resource',
      'mode',
      'cron',
      'timezone',
      'enabled',
      'fields',
      'filters',
      'next_run_at',
      'last_run_at',
      'created_at',
      'updated_at',
      'direction',
      'outbound_mappings',
      'conflict_resolution',
    ])
    .select(microIso('created_at').as('key_at'))
    .where('organization_id', '=', q.orgId)
    .where(inRange('created_at', q.range))
    .where(afterTimeKey('created_at', 'id', q.after, order))
    .orderBy('created_at', order)
    .orderBy('id', order)
    .limit(q.limit)
    .execute();
  const mappings = syncs.length
    ? await tx
        .selectFrom('field_mappings')
        .selectAll()
        .where('organization_id', '=', q.orgId)
        .where(
          'sync_id',
          'in',
          syncs.map((s) => s.id),
        )
        .orderBy('sync_id')
        .orderBy('position')
        .execute()
    : [];
  return syncs.map((s) => ({ ...s, mappings: mappings.filter((m) => m.sync_id === s.id) }));
}
export type SyncExportRow = Awaited<ReturnType<typeof syncsChunk>>[number];

// ---- runs ----

export function runsChunk(tx: Tx, q: ChunkQuery<TimeKey>) {
  const order = q.order ?? 'asc';
  return tx
    .selectFrom('sync_runs')
    .selectAll()
    .select(microIso('created_at').as('key_at'))
    .where('organization_id', '=', q.orgId)
    .where(inRange('created_at', q.range))
    .where(afterTimeKey('created_at', 'id', q.after, order))
    .orderBy('created_at', order)
    .orderBy('id', order)
    .limit(q.limit)
    .execute();
}
export type RunExportRow = Awaited<ReturnType<typeof runsChunk>>[number];

// ---- logs ----

export function logsChunk(tx: Tx, q: ChunkQuery<TimeKey>) {
  const order = q.order ?? 'asc';
  return tx
    .selectFrom('sync_logs')
    .select(['id', 'run_id', 'integration_id', 'sync_id', 'at', 'level', 'message'])
    .select([sql<string | null>`data::text`.as('data_json'), microIso('at').as('key_at')])
    .where('organization_id', '=', q.orgId)
    .where(inRange('at', q.range))
    .where(afterTimeKey('at', 'id', q.after, order))
    .orderBy('at', order)
    .orderBy('id', order)
    .limit(q.limit)
    .execute();
}
export type LogExportRow = Awaited<ReturnType<typeof logsChunk>>[number];

// ---- records: the bulk of most exports, so its data stays JSON text and its times are Postgres's text ----

export interface RecordKey {
  integrationId: string;
  resource: string;
  externalId: string;
}

/** One chunk of an organization's records in key order, without its columns. */
function recordsInKeyOrder(tx: Tx, q: ChunkQuery<RecordKey>) {
  let query = tx.selectFrom('records').where('organization_id', '=', q.orgId).where(inRange('updated_at', q.range));
  if (q.after) {
    query = query.where(
      sql<boolean>`(integration_id, resource, external_id) > (${q.after.integrationId}::uuid, ${q.after.resource}, ${q.after.externalId})`,
    );
  }
  return query.orderBy('integration_id').orderBy('resource').orderBy('external_id').limit(q.limit);
}

export function recordsChunk(tx: Tx, q: ChunkQuery<RecordKey>) {
  return recordsInKeyOrder(tx, q)
    .select(['integration_id', 'resource', 'external_id'])
    .select([
      sql<string>`data::text`.as('data_json'),
      utcText('source_updated_at').as('source_updated_at'),
      utcText('first_seen_at').as('first_seen_at'),
      utcText('updated_at').as('updated_at'),
      utcText('deleted_at').as('deleted_at'),
    ])
    .execute();
}
export type RecordExportRow = Awaited<ReturnType<typeof recordsChunk>>[number];

/**
 * The same chunk's columns as they are stored, for a binary COPY (copyTuplesInScope): no text is made of them in
 * Postgres (a timestamp's text costs more than its row's read), the CSV writer reads their binary forms.
 */
export const RECORD_COPY_COLUMNS = [
  'integration_id',
  'resource',
  'external_id',
  'data',
  'source_updated_at',
  'first_seen_at',
  'updated_at',
  'deleted_at',
] as const;

export function recordsCopyChunk(q: Tx, chunk: ChunkQuery<RecordKey>) {
  return recordsInKeyOrder(q, chunk).select(RECORD_COPY_COLUMNS);
}

// ---- the organization's audit trail ----

export function auditChunk(tx: Tx, q: ChunkQuery<TimeKey>) {
  const order = q.order ?? 'asc';
  return tx
    .selectFrom('audit_events')
    .select([
      'id',
      'organization_id',
      'at',
      'actor_id',
      'actor_email',
      'actor_type',
      'actor_name',
      'action',
      'target_type',
      'target_id',
      'metadata',
      'ip',
    ])
    .select(microIso('at').as('key_at'))
    .where('organization_id', '=', q.orgId)
    .where(inRange('at', q.range))
    .where(afterTimeKey('at', 'id', q.after, order))
    .orderBy('at', order)
    .orderBy('id', order)
    .limit(q.limit)
    .execute();
}
export type AuditExportRow = Awaited<ReturnType<typeof auditChunk>>[number];

// ---- aggregates for the PDF report ----

export function findOrganization(tx: Tx, orgId: string) {
  return tx.selectFrom('organizations').select(['id', 'slug', 'name']).where('id', '=', orgId).executeTakeFirst();
}

const TIME_COLUMN = {
  integrations: ['integrations', 'created_at'],
  syncs: ['syncs', 'created_at'],
  runs: ['sync_runs', 'created_at'],
  logs: ['sync_logs', 'at'],
  records: ['records', 'updated_at'],
  audit: ['audit_events', 'at'],
} as const;

export async function countInRange(tx: Tx, orgId: string, entity: keyof typeof TIME_COLUMN, range: TimeRange): Promise<number> {
  const [table, column] = TIME_COLUMN[entity];
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE organization_id = ${orgId} AND ${inRange(column, range)}`.execute(tx);
  return rows[0].n;
}

/** Runs per UTC day and status, for the chart. */
export async function runsPerDay(tx: Tx, orgId: string, range: TimeRange) {
  const { rows } = await sql<{ day: string; status: string; n: number }>`
    SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, status, count(*)::int AS n
      FROM sync_runs WHERE organization_id = ${orgId} AND ${inRange('created_at', range)}
     GROUP BY 1, 2 ORDER BY 1`.execute(tx);
  return rows;
}

/** Every integration with its run outcomes in the range: the report's health table. */
export async function integrationHealth(tx: Tx, orgId: string, range: TimeRange) {
  const { rows } = await sql<{
    id: string;
    name: string;
    provider: string;
    status: string;
    error_count: number;
    last_error: string | null;
    last_sync_at: Date | null;
    runs: number;
    succeeded: number;
    failed: number;
    last_run_at: Date | null;
  }>`
    SELECT i.id, i.name, i.provider, i.status, i.error_count, i.last_error, i.last_sync_at,
           count(r.id)::int AS runs,
           count(r.id) FILTER (WHERE r.status = 'succeeded')::int AS succeeded,
           count(r.id) FILTER (WHERE r.status = 'failed')::int AS failed,
           max(r.created_at) AS last_run_at
      FROM integrations i
      LEFT JOIN sync_runs r ON r.integration_id = i.id AND r.organization_id = ${orgId} AND ${inRange('r.created_at', range)}
     WHERE i.organization_id = ${orgId}
     GROUP BY i.id ORDER BY lower(i.name), i.id`.execute(tx);
  return rows;
}

export function recentFailures(tx: Tx, orgId: string, range: TimeRange, limit: number) {
  return tx
    .selectFrom('sync_runs as r')
    .innerJoin('integrations as i', 'i.id', 'r.integration_id')
    .innerJoin('syncs as s', 's.id', 'r.sync_id')
    .select(['r.id', 'r.created_at', 'r.finished_at', 'r.trigger', 'r.error', 'i.name as integration_name', 's.resource'])
    .where('r.organization_id', '=', orgId)
    .where('r.status', '=', 'failed')
    .where(inRange('r.created_at', range))
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
}

export async function logLevelCounts(tx: Tx, orgId: string, range: TimeRange) {
  const { rows } = await sql<{ level: string; n: number }>`
    SELECT level, count(*)::int AS n FROM sync_logs WHERE organization_id = ${orgId} AND ${inRange('at', range)} GROUP BY level`.execute(
    tx,
  );
  return Object.fromEntries(rows.map((r) => [r.level, r.n])) as Record<string, number>;
}

export function syncNames(tx: Tx, orgId: string) {
  return tx.selectFrom('syncs').select(['id', 'resource']).where('organization_id', '=', orgId).execute();
}
