import { useState } from 'react';
import { Form, Link, useSearchParams } from 'react-router';
import { queryLimits } from '~/lib/api-field-limits.generated';
import { fieldErrorsOf, formErrorOf } from '~/lib/form-errors';
import { presetSearch, RANGE_PRESETS, rangeInOrder, resolveLogRange, type RangeValues } from '~/lib/log-range';
import type { LogLevel } from '~/lib/types';
import { Input, Select } from './ui';
import { Time, useTimeSettings } from './time';

export const LOG_LEVELS: { value: LogLevel | ''; label: string }[] = [
  { value: '', label: 'All levels' },
  { value: 'info', label: 'Info and above' },
  { value: 'warn', label: 'Warnings + errors' },
  { value: 'error', label: 'Errors only' },
];
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the filter form shows (as typed, so a shared URL refills the form exactly). */
export interface LogFilterValues extends RangeValues {
  level: string;
  q: string;
  integrationId: string;
}

/** The API query for those filters: the range as ISO instants (see lib/log-range.ts). */
export interface LogFilterQuery {
  level?: LogLevel;
  q?: string;
  from?: string;
  to?: string;
  integrationId?: string;
}

export type LogFilterErrors = Partial<Record<keyof LogFilterValues, string>>;

/** The longest search text the logs API takes. */
const Q_MAX = queryLimits['GET /api/orgs/{orgId}/logs'].q.maxLength;

/**
 * Reads the filters of a logs URL, the range in `timeZone` (the person's, as <Time> shows times) counted from
 * `now`; values the API would refuse for their form become field errors instead of a 400 page.
 */
export function parseLogFilters(search: URLSearchParams, { timeZone, now }: { timeZone: string; now: number }) {
  const get = (k: string) => (search.get(k) ?? '').trim();
  const values: LogFilterValues = {
    level: get('level'),
    q: get('q').slice(0, Q_MAX),
    range: get('range'),
    from: get('from'),
    to: get('to'),
    integrationId: get('integrationId'),
  };
  const range = resolveLogRange(values, timeZone, now);
  const errors: LogFilterErrors = { ...range.errors };
  const query: LogFilterQuery = { from: range.from, to: range.to };
  if (values.level && LEVELS.includes(values.level as LogLevel)) query.level = values.level as LogLevel;
  if (values.q) query.q = values.q;
  if (values.integrationId) {
    if (UUID.test(values.integrationId)) query.integrationId = values.integrationId;
    else errors.integrationId = 'Choose an integration from the list.';
  }
  const filtered = Boolean(values.level || values.q || range.preset || values.from || values.to || values.integrationId);
  return {
    values,
    query,
    errors,
    range: { preset: range.preset, from: range.from ?? null, to: range.to ?? null },
    filtered,
    hasErrors: Object.keys(errors).length > 0,
  };
}

/** The empty state's title of a filtered logs page: fix the filters first, or nothing in that range. */
export function emptyTitle(errors: LogFilterErrors, preset: string | null): string {
  if (Object.keys(errors).length) return 'Fix the filters to see logs';
  const label = RANGE_PRESETS.find((p) => p.key === preset)?.label;
  return label ? `No log lines match in the ${label.toLowerCase()}` : 'No log lines match these filters';
}

/** The filter inputs an error of the logs API can name (`query.to` → the To field). */
const API_FIELDS = { 'query.from': 'from', 'query.to': 'to', 'query.q': 'q', 'query.integrationId': 'integrationId' } as const;

/**
 * A refusal of the logs API as the filters' field errors (To before From: 400 with field `query.to`), or null when
 * it names no filter (the loader then throws it to the error boundary).
 */
export function logFilterErrorOf(error: { message: string; field?: string | null }): LogFilterErrors | null {
  const placed = formErrorOf(error, API_FIELDS);
  return placed.field ? (fieldErrorsOf(placed) as LogFilterErrors) : null;
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
 * The range: preset links (last hour, 24 hours, 7 days) or From/To in the person's time zone. An error the API
 * gave about a field stays on it (aria-invalid, aria-describedby) until the field is fixed; Apply waits till then.
 */
export function LogFilters({
  values,
  errors = {},
  range,
  integrations,
  runId,
  clearHref,
  filtered,
}: {
  values: LogFilterValues;
  errors?: LogFilterErrors;
  /** The range in force (a preset's start is computed by the loader). */
  range?: { preset: string | null; from: string | null; to: string | null };
  /** Shown as an integration filter when given (organization logs). */
  integrations?: { id: string; name: string }[];
  /** Run-scoped logs: only the level filter applies. */
  runId?: string | null;
  clearHref: string;
  filtered: boolean;
}) {
  const [search] = useSearchParams();
  const { timeZone } = useTimeSettings();
  const [from, setFrom] = useState(values.from);
  const [to, setTo] = useState(values.to);
  // A new URL (Apply, a preset, Clear) refills the fields with what it says; a live refresh keeps what is typed.
  const url = search.toString();
  const [shownUrl, setShownUrl] = useState(url);
  if (shownUrl !== url) {
    setShownUrl(url);
    setFrom(values.from);
    setTo(values.to);
  }
  // An error the loader gave stays while it is still true: To before From until the pair is in order, a time
  // that could not be read until it is retyped.
  const submittedOutOfOrder = !rangeInOrder(values.from, values.to);
  const live: LogFilterErrors = {
    ...errors,
    from: errors.from && from === values.from ? errors.from : undefined,
    to: errors.to && (submittedOutOfOrder ? !rangeInOrder(from, to) : to === values.to) ? errors.to : undefined,
  };
  const invalid = Boolean(live.from || live.to);
  const err = (k: keyof LogFilterValues) =>
    live[k] ? (
      <p id={`log-${k}-error`} role="alert" className="mt-1 text-xs text-red-700" data-field-error={k}>
        {live[k]}
      </p>
    ) : null;
  const described = (k: keyof LogFilterValues) => (live[k] ? { 'aria-invalid': true, 'aria-describedby': `log-${k}-error` } : {});
  const zone = timeZone.replaceAll('_', ' ');
  const custom = Boolean(from || to);
  const preset = custom ? null : (range?.preset ?? null);
  return (
    <Form
      method="get"
      role="search"
      aria-label="Filter logs"
      className="mb-4 space-y-3 rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200"
    >
      {runId && <input type="hidden" name="runId" value={runId} />}
      {/* A preset holds while no custom time is typed: typing one (and Apply) replaces it. */}
      {preset && <input type="hidden" name="range" value={preset} />}
      <div className="flex flex-wrap items-start gap-3">
        {integrations && (
          <div className="w-full sm:w-52">
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
        <div className="w-full sm:w-48">
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
            <div className="w-full min-w-40 sm:w-auto sm:flex-1">
              <label htmlFor="log-q" className={LABEL}>
                Text
              </label>
              <Input
                id="log-q"
                name="q"
                type="search"
                maxLength={Q_MAX}
                placeholder="Message contains…"
                defaultValue={values.q}
                {...described('q')}
              />
              {err('q')}
            </div>
            <div className="w-full sm:w-48">
              <label htmlFor="log-from" className={LABEL}>
                From <span className="font-normal text-slate-500">({zone})</span>
              </label>
              <Input
                id="log-from"
                name="from"
                type="datetime-local"
                value={from}
                onChange={(e) => setFrom(e.currentTarget.value)}
                {...described('from')}
              />
              {err('from')}
            </div>
            <div className="w-full sm:w-48">
              <label htmlFor="log-to" className={LABEL}>
                To <span className="font-normal text-slate-500">({zone})</span>
              </label>
              <Input
                id="log-to"
                name="to"
                type="datetime-local"
                value={to}
                onChange={(e) => setTo(e.currentTarget.value)}
                {...described('to')}
              />
              {err('to')}
            </div>
          </>
        )}
        <div className="flex items-center gap-2 self-end pb-px">
          <button
            type="submit"
            disabled={invalid}
            title={invalid ? 'Fix the times first' : undefined}
            className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
          >
            Apply
          </button>
          {filtered && (
            <Link to={clearHref} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100">
              Clear
            </Link>
          )}
        </div>
      </div>
      {!runId && (
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2 text-sm">
          <nav aria-label="Time range" className="flex flex-wrap gap-1.5" data-range-presets>
            {[{ key: null, label: 'Any time' }, ...RANGE_PRESETS].map((p) => {
              const current = p.key === preset && !custom;
              return (
                <Link
                  key={p.key ?? 'any'}
                  to={presetSearch(search, p.key)}
                  aria-current={current ? 'true' : undefined}
                  data-range-preset={p.key ?? 'any'}
                  className={
                    current
                      ? 'rounded-full bg-brand-600 px-2.5 py-0.5 text-xs font-semibold text-white'
                      : 'rounded-full px-2.5 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50'
                  }
                >
                  {p.label}
                </Link>
              );
            })}
          </nav>
          {preset && range?.from && (
            <span className="text-xs text-slate-500" data-range-summary>
              Since <Time at={range.from} format="short" /> until now
            </span>
          )}
        </div>
      )}
    </Form>
  );
}
