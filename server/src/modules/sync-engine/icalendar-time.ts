/**
 * A date-time property value (DTSTART, DTEND, RECURRENCE-ID, EXDATE) resolved with its TZID to a date,
 * a UTC instant, a zoned instant or a floating local time; its record form, and duration arithmetic on it.
 */
import {
  DAY_MS,
  fieldsToMs,
  formatDate,
  formatLocal,
  formatUtc,
  type LocalDateTime,
  msToFields,
  parseDateTimeValue,
} from './icalendar-datetime.js';
import { localToUtc, type ZoneResolver } from './icalendar-zones.js';

/** A DTSTART/DTEND/RECURRENCE-ID/EXDATE value, resolved. */
export type ICalTime =
  | { kind: 'date'; fields: LocalDateTime }
  | { kind: 'utc'; ms: number }
  | { kind: 'zoned'; ms: number; zone: string; tzid: string }
  | { kind: 'floating'; fields: LocalDateTime; tzid?: string };

/** One value (properties such as EXDATE may hold a comma-separated list: call once per item). */
export function resolveTime(
  value: string,
  params: Record<string, string[]>,
  zones: ZoneResolver,
  warn?: (message: string) => void,
): ICalTime | null {
  const forceDate = params.VALUE?.[0]?.toUpperCase() === 'DATE';
  const parsed = parseDateTimeValue(value, forceDate);
  if (!parsed) return null;
  if (parsed.isDate) return { kind: 'date', fields: parsed.fields };
  if (parsed.utc) return { kind: 'utc', ms: fieldsToMs(parsed.fields) };
  const tzid = params.TZID?.[0]?.trim();
  if (!tzid) return { kind: 'floating', fields: parsed.fields };
  const resolved = zones.toUtc(parsed.fields, tzid);
  if (!resolved) {
    warn?.(`unknown TZID ${JSON.stringify(tzid.slice(0, 80))}: kept as a floating local time`);
    return { kind: 'floating', fields: parsed.fields, tzid };
  }
  return { kind: 'zoned', ms: resolved.ms, zone: resolved.zone, tzid };
}

/** ISO form used in records: `YYYY-MM-DD` (date), `…Z` (UTC or zoned), `YYYY-MM-DDTHH:MM:SS` (floating). */
export function formatTime(time: ICalTime): string {
  switch (time.kind) {
    case 'date':
      return formatDate(time.fields);
    case 'utc':
    case 'zoned':
      return formatUtc(time.ms);
    case 'floating':
      return formatLocal(time.fields);
  }
}

/** An instant for window checks; dates and floating times are read as UTC (as CalDAV servers without a calendar time zone do). */
export function timeToMs(time: ICalTime): number {
  return time.kind === 'date' || time.kind === 'floating' ? fieldsToMs(time.fields) : time.ms;
}

/** Adds a duration: nominal days in wall-clock time (DST-aware for zoned times), then exact seconds. */
export function addDuration(time: ICalTime, duration: { days: number; seconds: number }, zones: ZoneResolver): ICalTime {
  switch (time.kind) {
    case 'date': {
      const fields = msToFields(fieldsToMs(time.fields) + duration.days * DAY_MS + duration.seconds * 1000);
      return duration.seconds % 86_400 === 0 ? { kind: 'date', fields } : { kind: 'floating', fields };
    }
    case 'floating':
      return { ...time, fields: msToFields(fieldsToMs(time.fields) + duration.days * DAY_MS + duration.seconds * 1000) };
    case 'utc':
      return { kind: 'utc', ms: time.ms + duration.days * DAY_MS + duration.seconds * 1000 };
    case 'zoned': {
      if (duration.days === 0) return { ...time, ms: time.ms + duration.seconds * 1000 };
      // Wall clock of the start in its zone, plus whole days, back to UTC.
      const fn = zones.offsetFunction(time.tzid);
      if (!fn) return { ...time, ms: time.ms + duration.days * DAY_MS + duration.seconds * 1000 };
      const wall = time.ms + fn.offsetAt(time.ms) + duration.days * DAY_MS;
      return { ...time, ms: localToUtc(wall, fn.offsetAt) + duration.seconds * 1000 };
    }
  }
}
