/**
 * iCalendar date, date-time, duration and UTC-offset values (RFC 5545 §3.3), and the wall-clock arithmetic
 * the zone code builds on: a `LocalDateTime` is read as if it were UTC ("local epoch" milliseconds).
 */

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields read as if they were UTC (the "local epoch" used for zone arithmetic). */
export function fieldsToMs(f: LocalDateTime): number {
  const d = new Date(Date.UTC(2000, 0, 1, f.hour, f.minute, f.second));
  d.setUTCFullYear(f.year, f.month - 1, f.day); // also right for years 0-99, which Date.UTC maps to 19xx
  return d.getTime();
}

export function msToFields(ms: number): LocalDateTime {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
export const formatDate = (f: LocalDateTime) => `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
export const formatLocal = (f: LocalDateTime) => `${formatDate(f)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
/** UTC instant, second precision: 2024-05-06T07:00:00Z. */
export const formatUtc = (ms: number) => `${formatLocal(msToFields(ms))}Z`;
/** iCalendar/CalDAV basic UTC form: 20240506T070000Z. */
export const formatUtcBasic = (ms: number) => formatUtc(ms).replace(/[-:]/g, '');

export const DAY_MS = 86_400_000;

export function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0); // day 0 of the next month: the last day of this one
  return d.getUTCDate();
}

/**
 * `20240506`, `20240506T090000`, `20240506T070000Z` (also tolerates `-`/`:` separators, missing seconds and
 * fractional seconds). Null when the value is not a valid date or date-time.
 */
export function parseDateTimeValue(value: string, forceDate = false): { fields: LocalDateTime; isDate: boolean; utc: boolean } | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2}))?(?:[.,]\d+)?(Z)?)?$/i.exec(value.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const isDate = forceDate || m[4] === undefined;
  if (isDate) return { fields: { year, month, day, hour: 0, minute: 0, second: 0 }, isDate: true, utc: false };
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Math.min(Number(m[6] ?? 0), 59); // a leap second (60) is read as :59
  if (minute > 59 || hour > 24 || (hour === 24 && (minute > 0 || second > 0))) return null;
  let fields: LocalDateTime = { year, month, day, hour, minute, second };
  // T240000: midnight at the end of the day.
  if (hour === 24) fields = msToFields(fieldsToMs({ ...fields, hour: 0 }) + DAY_MS);
  return { fields, isDate: false, utc: m[7] !== undefined };
}

/** `[+-]P[nW][nD][T[nH][nM][nS]]` → nominal days and exact seconds (RFC 5545 §3.3.6). Null when invalid. */
export function parseDuration(value: string): { days: number; seconds: number } | null {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(value.trim());
  if (!m || value.trim().toUpperCase().replace(/^[+-]/, '') === 'P' || /T$/i.test(value.trim())) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const days = (Number(m[2] ?? 0) * 7 + Number(m[3] ?? 0)) * sign;
  const seconds = (Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0)) * sign;
  return { days: days || 0, seconds: seconds || 0 };
}

/** `+0100`, `-0530`, `+013000` → milliseconds east of UTC. */
export function parseUtcOffset(value: string): number | null {
  const m = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(value.trim());
  if (!m) return null;
  const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? -ms : ms;
}
