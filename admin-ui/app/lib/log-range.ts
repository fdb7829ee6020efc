/**
 * The time range of the logs pages (issue 15 item 9): a preset (last hour, 24 hours, 7 days) that slides with the
 * clock, or a custom From/To typed as wall-clock times in the person's time zone (lib/time.ts), sent to the API as
 * ISO instants. Whether To is before From is the API's to say (400, field `query.to`); the page shows it on To.
 */
import { wallClockToIso } from './time';

export const RANGE_PRESETS = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['key'];

export const isRangePreset = (value: string): value is RangePreset => RANGE_PRESETS.some((p) => p.key === value);

/** The range as the URL (and the form) has it: `range=24h`, or `from`/`to` as typed (`2026-12-07T14:05`). */
export interface RangeValues {
  range: string;
  from: string;
  to: string;
}

export interface ResolvedRange {
  /** The preset in force; null for a custom range or none. A typed From or To wins over a preset. */
  preset: RangePreset | null;
  /** ISO instants for the API; absent when open. */
  from?: string;
  to?: string;
  errors: { from?: string; to?: string };
}

export const NOT_A_TIME = 'Enter a date and time, e.g. 2026-06-03 14:05.';

/** Reads the range of a logs URL in `timeZone`; a preset counts back from `now` (each reload moves it on). */
export function resolveLogRange(values: RangeValues, timeZone: string, now: number): ResolvedRange {
  const result: ResolvedRange = { preset: null, errors: {} };
  if (values.from || values.to) {
    for (const key of ['from', 'to'] as const) {
      if (!values[key]) continue;
      const iso = wallClockToIso(values[key], timeZone);
      if (iso) result[key] = iso;
      else result.errors[key] = NOT_A_TIME;
    }
    return result;
  }
  const preset = RANGE_PRESETS.find((p) => p.key === values.range);
  if (preset) {
    result.preset = preset.key;
    result.from = new Date(now - preset.ms).toISOString();
  }
  return result;
}

/**
 * Whether typed From and To are in order (or either is empty or not yet a time): how the form knows an error the
 * API gave about their order is fixed. Both are wall-clock times in one zone, so they compare as they read.
 */
export function rangeInOrder(from: string, to: string): boolean {
  const f = wallClockToIso(from, 'UTC');
  const t = wallClockToIso(to, 'UTC');
  return !f || !t || f <= t;
}

/** The query string of a preset's link from the current URL: the preset set (or none), From/To and the page cleared. */
export function presetSearch(search: URLSearchParams, preset: RangePreset | null): string {
  const next = new URLSearchParams(search);
  for (const key of ['from', 'to', 'cursor', 'range']) next.delete(key);
  if (preset) next.set('range', preset);
  const qs = next.toString();
  return qs ? `?${qs}` : '';
}
