/**
 * The Exports panel's form rules, used in the browser (before the download starts) and in the page's loader
 * (the same form submitted without JavaScript). They mirror the API's own checks on
 * `GET /api/orgs/:orgId/export` (docs/api.md, Exports): known format, at least one known entity, real calendar
 * days written YYYY-MM-DD, and an end day that is not before the start day. The API checks again.
 */

export const EXPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** In the API's canonical order: files list entities in this order whatever order they were chosen in. */
export const EXPORT_ENTITIES = ['integrations', 'syncs', 'runs', 'logs', 'records', 'audit'] as const;
export type ExportEntity = (typeof EXPORT_ENTITIES)[number];

export const FORMAT_INFO: Record<ExportFormat, { label: string; summary: string; contains: string }> = {
  json: {
    label: 'JSON',
    summary: 'One document, keyed by entity',
    contains:
      'Every selected entity in a single .json file — for backups and scripts. Nested values (settings, stats, mappings, record data) are kept as they are.',
  },
  csv: {
    label: 'CSV',
    summary: 'Spreadsheet-ready tables',
    contains:
      'One entity gives one .csv file; several give a .zip with one CSV per entity. Cells that look like formulas are neutralised, so they open safely in Excel or Sheets.',
  },
  pdf: {
    label: 'PDF',
    summary: 'A report to share',
    contains:
      'The organization, date range and generation time, summary figures, a chart of runs per day by status, integrations with their health, recent failures with reasons, then the selected tables (long tables are capped — use CSV to get every row).',
  },
};

export const ENTITY_INFO: Record<ExportEntity, { label: string; description: string }> = {
  integrations: { label: 'Integrations', description: 'Configuration and status (never credentials)' },
  syncs: { label: 'Syncs', description: 'Resources, schedules and field mappings' },
  runs: { label: 'Runs', description: 'Sync history with record counts and errors' },
  logs: { label: 'Logs', description: 'Sync log lines' },
  records: { label: 'Records', description: 'Synced records with their data' },
  audit: { label: 'Audit trail', description: 'Who did what, and when' },
};

export interface ExportFormValues {
  format: ExportFormat;
  entities: ExportEntity[];
  startDate: string;
  endDate: string;
}

export type ExportFormErrors = Partial<Record<'format' | 'entities' | 'startDate' | 'endDate', string>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written YYYY-MM-DD, 1970 or later (the API's rule). */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && date.getUTCFullYear() >= 1970;
}

/** Checks the form; returns the errors by field (empty when the form is valid). */
export function validateExportForm(values: ExportFormValues): ExportFormErrors {
  const errors: ExportFormErrors = {};
  if (!EXPORT_FORMATS.includes(values.format)) errors.format = 'Choose JSON, CSV or PDF.';
  if (values.entities.length === 0) errors.entities = 'Choose at least one kind of data to export.';
  else if (values.entities.some((e) => !EXPORT_ENTITIES.includes(e))) errors.entities = 'Choose from the listed kinds of data.';
  const startOk = !values.startDate || isCalendarDay(values.startDate);
  const endOk = !values.endDate || isCalendarDay(values.endDate);
  if (!startOk) errors.startDate = 'Enter a real date (YYYY-MM-DD), 1970 or later.';
  if (!endOk) errors.endDate = 'Enter a real date (YYYY-MM-DD), 1970 or later.';
  if (startOk && endOk && values.startDate && values.endDate && values.endDate < values.startDate) {
    errors.endDate = 'The end date must be on or after the start date.';
  }
  return errors;
}

/**
 * Reads the form's fields (a FormData or a URL's search params). Entities come as repeated `entities` fields
 * (checkboxes) or one comma-separated value (the API's own style); unknown names are kept so that the
 * validation can name the problem.
 */
export function readExportForm(fields: URLSearchParams | FormData): ExportFormValues {
  const text = (name: string) => {
    const v = fields.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  const chosen = fields
    .getAll('entities')
    .flatMap((v) => (typeof v === 'string' ? v.split(',') : []))
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    format: (text('format') || 'json') as ExportFormat,
    // Canonical order, no duplicates; unknown names last.
    entities: [
      ...EXPORT_ENTITIES.filter((e) => chosen.includes(e)),
      ...[...new Set(chosen.filter((c) => !(EXPORT_ENTITIES as readonly string[]).includes(c)))],
    ] as ExportEntity[],
    startDate: text('startDate'),
    endDate: text('endDate'),
  };
}

/** The API's download URL for valid values: `/api/orgs/:orgId/export?format=…&entities=a,b&startDate=…&endDate=…`. */
export function exportUrl(orgId: string, values: ExportFormValues): string {
  const params = new URLSearchParams({ format: values.format, entities: values.entities.join(',') });
  if (values.startDate) params.set('startDate', values.startDate);
  if (values.endDate) params.set('endDate', values.endDate);
  // URLSearchParams writes "," as %2C; the API reads both, the plain comma is easier to read.
  return `/api/orgs/${encodeURIComponent(orgId)}/export?${params.toString().replace(/%2C/g, ',')}`;
}

/** "Last 30 days" style presets: [startDate, endDate] as UTC days ending today. */
export function lastDays(days: number, now: Date): [string, string] {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - (days - 1) * 86_400_000);
  return [start.toISOString().slice(0, 10), end.toISOString().slice(0, 10)];
}
