import type { Db } from '../../../../db/client.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import type { EntityName } from './export-entities.js';
import type { ExportPlan } from './export-run.js';
import * as repo from './exports.repo.js';
import { reportDocument, RUN_STATUSES, type ChartStatus, type ReportData, type ReportTable } from './report-html.js';
import type { PdfDocument } from './pdf-browser.js';

/**
 * The PDF report's content: summary figures, runs per day by status, integration health, recent
 * failures, and the selected entities as tables capped at TABLE_ROW_CAP rows (newest first; the full
 * data is one CSV export away). Everything is read in one short transaction; the size is bounded.
 */
export const TABLE_ROW_CAP = 500;
const FAILURE_ROWS = 20;
const TEXT_CAP = 240;

const day = (d: Date) => d.toISOString().slice(0, 10);
const when = (d: Date | string | null) => {
  if (!d) return '';
  const text = typeof d === 'string' ? d : d.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)}`;
};
const clip = (text: string | null | undefined, max = TEXT_CAP) => (!text ? '' : text.length > max ? `${text.slice(0, max - 1)}…` : text);
const pct = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : '—');
const fmt = (n: number) => n.toLocaleString('en-US');

export interface ReportContent {
  document: PdfDocument;
  /** Rows matching the range per selected entity (the tables show at most TABLE_ROW_CAP of them). */
  totals: Partial<Record<EntityName, number>>;
  truncated: EntityName[];
}

export async function buildReport(db: Db, plan: ExportPlan): Promise<ReportContent> {
  const orgId = plan.organization.id;
  const { range } = plan;
  return inScope(db, { org: orgId }, async (tx) => {
    const totals: Partial<Record<EntityName, number>> = {};
    for (const entity of new Set<EntityName>([...plan.entities, 'runs', 'records', 'logs']))
      totals[entity] = await repo.countInRange(tx, orgId, entity, range);
    const perDay = await repo.runsPerDay(tx, orgId, range);
    const health = await repo.integrationHealth(tx, orgId, range);
    const failures = await repo.recentFailures(tx, orgId, range, FAILURE_ROWS);
    const levels = await repo.logLevelCounts(tx, orgId, range);
    const integrationName = new Map(health.map((i) => [i.id, i.name]));
    const syncResource = new Map((await repo.syncNames(tx, orgId)).map((s) => [s.id, s.resource]));
    const names = { integration: (id: string) => integrationName.get(id) ?? id, resource: (id: string) => syncResource.get(id) ?? '' };

    const status = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<ChartStatus, number>;
    for (const row of perDay) status[row.status as ChartStatus] += row.n;

    const tables: ReportTable[] = [];
    const truncated: EntityName[] = [];
    for (const entity of plan.entities) {
      const t = await entityTable(tx, plan, entity, totals[entity] ?? 0, names);
      if (t.total > t.rows.length) truncated.push(entity);
      tables.push(t);
    }

    const data: ReportData = {
      organization: { name: plan.organization.name, slug: plan.organization.slug },
      rangeLabel: rangeLabel(plan),
      generatedAt: `${plan.generatedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
      generatedBy: plan.generatedBy,
      figures: summaryFigures(health, status, totals, levels),
      chart: chartBuckets(plan, perDay),
      health: healthTable(health),
      failures: failuresTable(failures, status.failed),
      tables,
      csvUrl: csvExportUrl(plan),
    };
    return { document: reportDocument(data), totals: Object.fromEntries(plan.entities.map((e) => [e, totals[e] ?? 0])), truncated };
  });
}

type Health = Awaited<ReturnType<typeof repo.integrationHealth>>;

/** The figures at the top of the report: integrations, runs and their success rate, records changed, log entries (and audit events when exported). */
function summaryFigures(
  health: Health,
  status: Record<ChartStatus, number>,
  totals: Partial<Record<EntityName, number>>,
  levels: Awaited<ReturnType<typeof repo.logLevelCounts>>,
): ReportData['figures'] {
  return [
    {
      label: 'Integrations',
      value: fmt(health.length),
      detail: `${health.filter((i) => i.status === 'ACTIVE').length} active · ${health.filter((i) => i.status === 'ERROR').length} in error`,
    },
    { label: 'Runs', value: fmt(totals.runs ?? 0), detail: `${fmt(status.succeeded)} succeeded · ${fmt(status.failed)} failed` },
    { label: 'Success rate', value: pct(status.succeeded, status.succeeded + status.failed), detail: 'of finished runs' },
    { label: 'Failed runs', value: fmt(status.failed) },
    { label: 'Records changed', value: fmt(totals.records ?? 0) },
    {
      label: 'Log entries',
      value: fmt(totals.logs ?? 0),
      detail: `${fmt(levels.error ?? 0)} errors · ${fmt(levels.warn ?? 0)} warnings`,
    },
    ...(totals.audit !== undefined ? [{ label: 'Audit events', value: fmt(totals.audit) }] : []),
  ];
}

function healthTable(health: Health): ReportTable {
  return {
    title: 'Integrations and their health',
    columns: [
      'Integration',
      'Provider',
      'Status',
      'Runs in range',
      'Succeeded',
      'Failed',
      'Success rate',
      'Errors (consecutive)',
      'Last sync',
      'Last error',
    ],
    rows: health.map((i) => [
      i.name,
      i.provider,
      i.status,
      i.runs,
      i.succeeded,
      i.failed,
      pct(i.succeeded, i.succeeded + i.failed),
      i.error_count,
      when(i.last_sync_at),
      clip(i.last_error),
    ]),
    total: health.length,
    cappedNote: 'Every integration as it is now; runs are counted within the range.',
  };
}

/** The most recent failed runs (at most FAILURE_ROWS) of the `failedTotal` in range. */
function failuresTable(failures: Awaited<ReturnType<typeof repo.recentFailures>>, failedTotal: number): ReportTable {
  return {
    title: 'Recent failures',
    columns: ['Queued', 'Finished', 'Integration', 'Resource', 'Trigger', 'Reason'],
    rows: failures.map((f) => [when(f.created_at), when(f.finished_at), f.integration_name, f.resource, f.trigger, clip(f.error, 400)]),
    total: failedTotal,
    cappedNote: failedTotal > failures.length ? `The ${failures.length} most recent of ${fmt(failedTotal)} failed runs.` : null,
  };
}

/** The same selection as a CSV export: the report's tables are capped, the CSV is not. */
function csvExportUrl(plan: ExportPlan): string {
  return (
    `/api/orgs/${plan.organization.id}/export?format=csv&entities=${plan.entities.join(',')}` +
    `${plan.startDate ? `&startDate=${plan.startDate}` : ''}${plan.endDate ? `&endDate=${plan.endDate}` : ''}`
  );
}

function rangeLabel(plan: ExportPlan): string {
  if (plan.startDate && plan.endDate) return plan.startDate === plan.endDate ? plan.startDate : `${plan.startDate} to ${plan.endDate}`;
  if (plan.startDate) return `from ${plan.startDate}`;
  if (plan.endDate) return `up to ${plan.endDate}`;
  return 'all time';
}

const DAY_MS = 86_400_000;
const MAX_CHART_DAYS = 3660;

/** Daily bars up to two months, weekly (Mondays) up to ~15 months, monthly beyond, so bars stay readable. */
export function chartBuckets(plan: ExportPlan, perDay: { day: string; status: string; n: number }[]): ReportData['chart'] {
  const firstRun = perDay[0]?.day;
  const lastRun = perDay[perDay.length - 1]?.day;
  let first = plan.startDate ?? firstRun;
  let last = plan.endDate ?? (lastRun && lastRun > day(plan.generatedAt) ? lastRun : day(plan.generatedAt));
  if (!first || !last) return { unit: 'day', buckets: [] };
  // A range of decades (e.g. 1970 to 9999) would draw thousands of empty bars: narrow it to the runs.
  if (Date.parse(last) - Date.parse(first) > MAX_CHART_DAYS * DAY_MS) {
    if (!firstRun || !lastRun) return { unit: 'day', buckets: [] };
    if (firstRun > first) first = firstRun;
    if (lastRun < last) last = lastRun;
  }
  const start = Date.parse(`${first}T00:00:00Z`);
  const end = Date.parse(`${last}T00:00:00Z`);
  const days = Math.round((end - start) / DAY_MS) + 1;
  const unit = days <= 62 ? 'day' : days <= 450 ? 'week' : 'month';
  const bucketOf = (t: number): string => {
    const d = new Date(t);
    if (unit === 'day') return day(d);
    if (unit === 'month') return day(d).slice(0, 7);
    return day(new Date(t - ((d.getUTCDay() + 6) % 7) * DAY_MS)); // the week's Monday
  };
  const buckets = new Map<string, Record<ChartStatus, number>>();
  const empty = () => Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<ChartStatus, number>;
  for (let t = start; t <= end; t += DAY_MS) if (!buckets.has(bucketOf(t))) buckets.set(bucketOf(t), empty());
  for (const row of perDay) {
    const counts = buckets.get(bucketOf(Date.parse(`${row.day}T00:00:00Z`)));
    if (counts) counts[row.status as ChartStatus] += row.n;
  }
  return {
    unit,
    buckets: [...buckets].map(([label, counts]) => ({
      label: unit === 'week' ? `wk ${label.slice(5)}` : unit === 'day' ? label.slice(5) : label,
      counts,
    })),
  };
}

interface Names {
  integration(id: string): string;
  resource(syncId: string): string;
}

/** At most TABLE_ROW_CAP rows of the range, newest first (records: in key order). */
type TableQuery = repo.ChunkQuery<never>;

/** An entity's table before its total is known: its title, columns and rows, and which end of the range it shows. */
interface EntityRows {
  title: string;
  shows: 'newest' | 'first';
  columns: string[];
  rows: ReportTable['rows'];
}

/** Each entity's rows and how its table reads them; ids are shown as the names they point at. */
const ENTITY_ROWS: Record<EntityName, (tx: Tx, q: TableQuery, names: Names) => Promise<EntityRows>> = {
  integrations: integrationRows,
  syncs: syncRows,
  runs: runRows,
  logs: logRows,
  records: recordRows,
  audit: auditRows,
};

async function entityTable(tx: Tx, plan: ExportPlan, entity: EntityName, total: number, names: Names): Promise<ReportTable> {
  const q: TableQuery = { orgId: plan.organization.id, range: plan.range, after: null, limit: TABLE_ROW_CAP, order: 'desc' };
  const { title, shows, columns, rows } = await ENTITY_ROWS[entity](tx, q, names);
  const cappedNote =
    total > rows.length ? `Showing the ${shows} ${fmt(rows.length)} of ${fmt(total)} rows; export as CSV to get all of them.` : null;
  return { title, total, cappedNote, columns, rows };
}

async function integrationRows(tx: Tx, q: TableQuery): Promise<EntityRows> {
  const rows = await repo.integrationsChunk(tx, q);
  return {
    title: 'Integrations',
    shows: 'newest',
    columns: ['Name', 'Provider', 'Status', 'Auth', 'Connected', 'Scopes', 'Created'],
    rows: rows.map((r) => [
      r.name,
      r.provider,
      r.status,
      r.auth_type,
      r.connected ? 'yes' : 'no',
      clip(r.scopes.join(' '), 120),
      when(r.created_at),
    ]),
  };
}

async function syncRows(tx: Tx, q: TableQuery, names: Names): Promise<EntityRows> {
  const rows = await repo.syncsChunk(tx, q);
  return {
    title: 'Syncs',
    shows: 'newest',
    columns: ['Integration', 'Resource', 'Mode', 'Schedule', 'Enabled', 'Mappings', 'Last run', 'Next run'],
    rows: rows.map((s) => [
      names.integration(s.integration_id),
      s.resource,
      s.mode,
      s.cron ? `${s.cron} (${s.timezone})` : 'manual',
      s.enabled ? 'yes' : 'no',
      s.mappings.length,
      when(s.last_run_at),
      when(s.next_run_at),
    ]),
  };
}

async function runRows(tx: Tx, q: TableQuery, names: Names): Promise<EntityRows> {
  const rows = await repo.runsChunk(tx, q);
  return {
    title: 'Runs',
    shows: 'newest',
    columns: ['Queued', 'Integration', 'Resource', 'Trigger', 'Status', 'Duration', 'Fetched', 'Created', 'Updated', 'Failed', 'Error'],
    rows: rows.map((r) => [
      when(r.created_at),
      names.integration(r.integration_id),
      names.resource(r.sync_id),
      r.trigger,
      r.status,
      r.started_at && r.finished_at ? `${((r.finished_at.getTime() - r.started_at.getTime()) / 1000).toFixed(1)} s` : '',
      r.fetched,
      r.created,
      r.updated,
      r.failed,
      clip(r.error, 160),
    ]),
  };
}

async function logRows(tx: Tx, q: TableQuery, names: Names): Promise<EntityRows> {
  const rows = await repo.logsChunk(tx, q);
  return {
    title: 'Logs',
    shows: 'newest',
    columns: ['Time', 'Level', 'Integration', 'Message'],
    rows: rows.map((l) => [when(l.at), l.level, names.integration(l.integration_id), clip(l.message, 400)]),
  };
}

/** Records are read in key order (integration, resource, external id), not by time: the table shows the first of them. */
async function recordRows(tx: Tx, q: TableQuery, names: Names): Promise<EntityRows> {
  const rows = await repo.recordsChunk(tx, { ...q, order: 'asc' });
  return {
    title: 'Records',
    shows: 'first',
    columns: ['Integration', 'Resource', 'External id', 'Updated', 'Deleted', 'Data'],
    rows: rows.map((r) => [
      names.integration(r.integration_id),
      r.resource,
      r.external_id,
      when(r.updated_at),
      when(r.deleted_at),
      clip(r.data_json, 200),
    ]),
  };
}

async function auditRows(tx: Tx, q: TableQuery): Promise<EntityRows> {
  const rows = await repo.auditChunk(tx, q);
  return {
    title: 'Audit trail',
    shows: 'newest',
    columns: ['Time', 'Actor', 'Action', 'Target', 'IP'],
    rows: rows.map((a) => [
      when(a.at),
      a.actor_email ?? 'system',
      a.action,
      `${a.target_type}${a.target_id ? ` ${a.target_id}` : ''}`,
      a.ip,
    ]),
  };
}
