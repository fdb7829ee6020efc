/**
 * ISO 8601 dates in UTC for the `date` mapping transform (and the connector's modification times):
 * formatted by hand over lib/civil-date's calendar arithmetic, because Date#toISOString costs several
 * times more than the rest of a record's mapping, and Date.UTC moves years 0–99 to 1900–1999.
 */

import { civilFromDays, daysFromCivil } from '../../lib/civil-date.js';

export { daysFromCivil };

export const DAY_MS = 86_400_000;

export function daysInMonth(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

export const YEAR_ZERO_MS = daysFromCivil(0, 1, 1) * DAY_MS;
export const YEAR_10000_MS = daysFromCivil(10_000, 1, 1) * DAY_MS;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
const pad4 = (n: number) => (n < 1000 ? `000${n}`.slice(-4) : `${n}`);

/** Same as `new Date(ms).toISOString()` for years 0000–9999 (checked by the caller), without a Date. */
export function formatIsoUtc(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(rest - second * 1000)}Z`;
}

const ZERO = 48;
const MINUS = 45;
const PLUS = 43;
const COLON = 58;

/** The number written by `count` ASCII digits at `start`, or -1 when any of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The shapes providers send most, already in UTC with milliseconds: `2024-03-07T09:30:00.000` followed by
 * `Z`, `+0000` (Salesforce), `+00:00` or `-00:00`. For a valid date and time of that shape, the ISO form
 * is its first 23 characters and `Z`, with no arithmetic. Returns null for anything else (other shapes,
 * other offsets, impossible dates such as February 30), which the caller parses the general way.
 */
export function utcMillisecondIso(text: string): string | null {
  const length = text.length;
  if (length === 24) {
    if (text.charCodeAt(23) !== 90 /* Z */) return null;
  } else if (length === 28 || length === 29) {
    const sign = text.charCodeAt(23);
    if ((sign !== PLUS && sign !== MINUS) || digitsAt(text, 24, 2) !== 0) return null;
    if (length === 28 ? digitsAt(text, 26, 2) !== 0 : text.charCodeAt(26) !== COLON || digitsAt(text, 27, 2) !== 0) return null;
  } else {
    return null;
  }
  if (
    text.charCodeAt(4) !== MINUS ||
    text.charCodeAt(7) !== MINUS ||
    text.charCodeAt(10) !== 84 /* T */ ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON ||
    text.charCodeAt(19) !== 46 /* . */ ||
    digitsAt(text, 20, 3) < 0
  ) {
    return null;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return length === 24 ? text : `${text.slice(0, 23)}Z`;
}
