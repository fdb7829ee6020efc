import { Form, Link } from 'react-router';
import { queryLimits } from '~/lib/api-field-limits.generated';
import type { LogLevel } from '~/lib/types';
import { Input, Select } from './ui';

export const LOG_LEVELS: { value: LogLevel | ''; label: string }[] = [
  { value: '', label: 'All levels' },
  { value: 'info', label: 'Info and above' },
  { value: 'warn', label: 'Warnings + errors' },
  { value: 'error', label: 'Errors only' },
];
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the filter form shows (as typed, so a shared URL refills the form exactly). */
export interface LogFilterValues {
  level: string;
  q: string;
  from: string;
  to: string;
  integrationId: string;
}

/** The API query for those filters: times typed as UTC wall-clock (`2025-06-03T14:05`) become ISO timestamps. */
export interface LogFilterQuery {
  level?: LogLevel;
  q?: string;
  from?: string;
  to?: string;
  integrationId?: string;
}

/** The longest search text the logs API takes. */
const Q_MAX = queryLimits['GET /api/orgs/{orgId}/logs'].q.maxLength;

/** Reads the filters of a logs URL; values the API would refuse become field errors instead of a 400 page. */
export function parseLogFilters(search: URLSearchParams) {
  const get = (k: string) => (search.get(k) ?? '').trim();
  const values: LogFilterValues = {
    level: get('level'),
    q: get('q').slice(0, Q_MAX),
    from: get('from'),
    to: get('to'),
    integrationId: get('integrationId'),
  };
  const errors: Partial<Record<keyof LogFilterValues, string>> = {};
  const query: LogFilterQuery = {};
  if (values.level && LEVELS.includes(values.level as LogLevel)) query.level = values.level as LogLevel;
  if (values.q) query.q = values.q;
  if (values.integrationId) {
    if (UUID.test(values.integrationId)) query.integrationId = values.integrationId;
    else errors.integrationId = 'Choose an integration from the list.';
  }
  for (const key of ['from', 'to'] as const) {
    if (!values[key]) continue;
    const iso = utcInputToIso(values[key]);
    if (iso) query[key] = iso;
    else errors[key] = 'Enter a date and time, e.g. 2025-06-03 14:05.';
  }
  if (query.from && query.to && query.from > query.to) errors.to = '“To” is before “From”.';
  const filtered = Boolean(values.level || values.q || values.from || values.to || values.integrationId);
  return { values, query, errors, filtered, hasErrors: Object.keys(errors).length > 0 };
}

/** `2025-06-03T14:05` (a datetime-local value, read as UTC) → `2025-06-03T14:05:00.000Z`; null when not a date. */
export function utcInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?Z?$/.test(value)) return null;
  const withTime = value.includes('T') ? value : `${value}T00:00`;
  const d = new Date(withTime.endsWith('Z') ? withTime : `${withTime}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function withCursor(search: URLSearchParams, cursor: string): string {
  const next = new URLSearchParams(search);
  next.set('cursor', cursor);
  return next.toString();
}

export function withoutCursor(search: URLSearchParams): string {
  const next = new URLSearchParams(search);
  next.delete('cursor');
  const qs = next.toString();
  return qs ? `?${qs}` : '';
}

const LABEL = 'block text-xs font-medium text-slate-600';

/**
 * The logs filter form: a GET form, so every filtered view is a shareable URL. Run-scoped logs only filter by
 * level (the API's run log has no text or time filter); the organization page adds an integration filter.
 */
export function LogFilters({
  values,
  errors = {},
  integrations,
  runId,
  clearHref,
  filtered,
}: {
  values: LogFilterValues;
  errors?: Partial<Record<keyof LogFilterValues, string>>;
  /** Shown as an integration filter when given (organization logs). */
  integrations?: { id: string; name: string }[];
  /** Run-scoped logs: only the level filter applies. */
  runId?: string | null;
  clearHref: string;
  filtered: boolean;
}) {
  const err = (k: keyof LogFilterValues) =>
    errors[k] ? (
      <p id={`log-${k}-error`} role="alert" className="mt-1 text-xs text-red-700">
        {errors[k]}
      </p>
    ) : null;
  const described = (k: keyof LogFilterValues) => (errors[k] ? { 'aria-invalid': true, 'aria-describedby': `log-${k}-error` } : {});
  return (
    <Form
      method="get"
      role="search"
      aria-label="Filter logs"
      className="mb-4 flex flex-wrap items-start gap-3 rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200"
    >
      {runId && <input type="hidden" name="runId" value={runId} />}
      {integrations && (
        <div className="w-52">
          <label htmlFor="log-integration" className={LABEL}>
            Integration
          </label>
          <Select id="log-integration" name="integrationId" defaultValue={values.integrationId} {...described('integrationId')}>
            <option value="">All integrations</option>
            {integrations.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </Select>
          {err('integrationId')}
        </div>
      )}
      <div className="w-48">
        <label htmlFor="log-level" className={LABEL}>
          Level
        </label>
        <Select id="log-level" name="level" defaultValue={values.level}>
          {LOG_LEVELS.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </Select>
      </div>
      {!runId && (
        <>
          <div className="min-w-40 flex-1">
            <label htmlFor="log-q" className={LABEL}>
              Text
            </label>
            <Input id="log-q" name="q" type="search" maxLength={Q_MAX} placeholder="Message contains…" defaultValue={values.q} />
          </div>
          <div className="w-48">
            <label htmlFor="log-from" className={LABEL}>
              From (UTC)
            </label>
            <Input id="log-from" name="from" type="datetime-local" defaultValue={values.from} {...described('from')} />
            {err('from')}
          </div>
          <div className="w-48">
            <label htmlFor="log-to" className={LABEL}>
              To (UTC)
            </label>
            <Input id="log-to" name="to" type="datetime-local" defaultValue={values.to} {...described('to')} />
            {err('to')}
          </div>
        </>
      )}
      <div className="flex items-center gap-2 self-end pb-px">
        <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700">
          Apply
        </button>
        {filtered && (
          <Link to={clearHref} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100">
            Clear
          </Link>
        )}
      </div>
    </Form>
  );
}
