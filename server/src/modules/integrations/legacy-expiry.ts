/**
 * Reading a legacy row's token expiry: the date formats older exports write, checked strictly enough that
 * a wrong date is reported rather than guessed (no time zone, milliseconds given as seconds, 31 February).
 */
import { isPlainObject, quote } from './legacy-values.js';

// Up to year 5138 in seconds; anything larger is almost certainly milliseconds.
const MAX_UNIX_SECONDS = 1e11;

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * expiresAt: ISO 8601 with a time zone, Unix seconds (number or digits), or MongoDB extended JSON
 * ({"$date": …}, as mongoexport writes Date fields). A date without a time zone is refused rather
 * than guessed; milliseconds given as seconds are caught by their size.
 */
export function parseExpiry(raw: unknown, problems: string[], field = 'expiresAt'): Date | null {
  if (isPlainObject(raw) && '$date' in raw) {
    const d = raw.$date;
    if (typeof d === 'string') return parseExpiry(d, problems, field);
    const ms =
      typeof d === 'number'
        ? d
        : isPlainObject(d) && typeof d.$numberLong === 'string' && /^-?\d+$/.test(d.$numberLong)
          ? Number(d.$numberLong)
          : NaN;
    if (Number.isFinite(ms) && ms > 0) return new Date(ms);
    problems.push(`${field} {"$date": …} must hold an ISO date or milliseconds`);
    return null;
  }
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) raw = Number(raw.trim());
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw <= 0) {
      problems.push(`${field} must be a positive number of seconds since 1970 (Unix time)`);
      return null;
    }
    if (raw >= MAX_UNIX_SECONDS) {
      problems.push(`${field} ${raw} looks like milliseconds; give Unix time in seconds or an ISO 8601 date`);
      return null;
    }
    return new Date(raw * 1000);
  }
  if (typeof raw !== 'string') {
    problems.push(`${field} must be an ISO 8601 date-time (e.g. "2024-05-01T12:00:00Z") or Unix seconds`);
    return null;
  }
  const s = raw.trim();
  const m = ISO_DATE_TIME.exec(s);
  if (!m) {
    const noZone = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/i.test(s);
    problems.push(
      noZone
        ? `${field} ${quote(s)} has no time zone; add one (e.g. "2024-05-01T12:00:00Z")`
        : `${field} ${quote(s)} is not an ISO 8601 date-time (e.g. "2024-05-01T12:00:00Z") or Unix seconds`,
    );
    return null;
  }
  const [year, month, day, hour, minute, second = '0'] = m.slice(1, 7).map((x) => x ?? '0');
  const fields = [year, month, day, hour, minute, second].map(Number);
  const utc = new Date(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]));
  const roundTrips =
    utc.getUTCFullYear() === fields[0] &&
    utc.getUTCMonth() === fields[1] - 1 &&
    utc.getUTCDate() === fields[2] &&
    utc.getUTCHours() === fields[3] &&
    utc.getUTCMinutes() === fields[4] &&
    utc.getUTCSeconds() === fields[5];
  const date = new Date(s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (!roundTrips || Number.isNaN(date.getTime())) {
    problems.push(`${field} ${quote(s)} is not a real date`);
    return null;
  }
  return date;
}
