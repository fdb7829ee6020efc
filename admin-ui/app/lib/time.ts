/**
 * The one rule for times on every page (issue 15): a relative time ("3 min ago") with the exact time on hover,
 * in the person's time zone — their profile's choice, else this browser's zone (a cookie the browser sets, so the
 * server renders the same text), else UTC. Schedules are the exception: they show in their own time zone, labelled
 * (cron.ts formatInZone).
 *
 * Every formatter here builds its text from parts with a fixed locale and hourCycle, so the server (Node's ICU) and
 * the browser write the same characters: a difference is a hydration error (React 418).
 */

/** The cookie holding this browser's IANA time zone, read by the server to render times the way the browser will. */
export const TIME_ZONE_COOKIE = 'linkyard-tz';

const zoneCheck = new Map<string, boolean>();
/** Whether this runtime knows `zone` as an IANA time zone ("Europe/Berlin", "UTC"). */
export function isTimeZone(zone: string | null | undefined): zone is string {
  if (!zone || zone.length > 64) return false;
  let ok = zoneCheck.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneCheck.set(zone, ok);
  }
  return ok;
}

/** The browser's time zone from a request's cookies; null when absent or not a zone (a forged value). */
export function timeZoneFromCookies(cookieHeader: string | null): string | null {
  const match = /(?:^|;\s*)linkyard-tz=([^;]+)/.exec(cookieHeader ?? '');
  if (!match) return null;
  let zone: string;
  try {
    zone = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return isTimeZone(zone) ? zone : null;
}

/** A year-long cookie naming this browser's time zone. */
export const timeZoneCookie = (zone: string) => `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax`;

/** The zone times are shown in: the profile's choice, else the browser's, else UTC. */
export function displayTimeZone(profileZone: string | null | undefined, browserZone: string | null | undefined): string {
  if (isTimeZone(profileZone)) return profileZone;
  if (isTimeZone(browserZone)) return browserZone;
  return 'UTC';
}

type Style = 'exact' | 'short' | 'clock' | 'wall';
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string, style: Style): Intl.DateTimeFormat {
  const key = `${zone}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    const options: Record<Style, Intl.DateTimeFormatOptions> = {
      exact: { ...base, year: 'numeric', month: 'short', day: 'numeric', second: '2-digit', timeZoneName: 'shortOffset' },
      short: { ...base, month: 'short', day: 'numeric' },
      clock: { ...base, second: '2-digit' },
      wall: { ...base, year: 'numeric', month: '2-digit', day: '2-digit' },
    };
    f = new Intl.DateTimeFormat('en-US', options[style]);
    formatters.set(key, f);
  }
  return f;
}

function parts(date: Date, zone: string, style: Style) {
  const list = formatter(isTimeZone(zone) ? zone : 'UTC', style).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => list.find((p) => p.type === type)?.value ?? '';
  // Node's ICU may write midnight as "24" where browsers write "00".
  const hour = get('hour') === '24' ? '00' : get('hour');
  // ICU versions differ on the zero offset ("GMT", "GMT+0"); one spelling keeps server and browser in step.
  const name = get('timeZoneName');
  const offset = /^(GMT|UTC)([+-]0(:00)?)?$/.test(name) ? 'UTC' : name;
  return { get, hour, offset };
}

const parse = (iso: string | null | undefined): Date | null => {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** "Dec 7, 2026, 16:02:26 GMT+1": the exact instant in `zone`, with its offset (the hover text). */
export function formatExact(iso: string | null | undefined, zone: string): string {
  const d = parse(iso);
  if (!d) return '—';
  const { get, hour, offset } = parts(d, zone, 'exact');
  return `${get('month')} ${get('day')}, ${get('year')}, ${hour}:${get('minute')}:${get('second')} ${offset}`;
}

/** "Dec 7, 16:02": a short date and time in `zone` (chart labels, old events). */
export function formatShort(iso: string | null | undefined, zone: string): string {
  const d = parse(iso);
  if (!d) return '—';
  const { get, hour } = parts(d, zone, 'short');
  return `${get('month')} ${get('day')}, ${hour}:${get('minute')}`;
}

/** "16:02:26.123": the time of day in `zone`, to the millisecond (lines of one run's log). */
export function formatClock(iso: string | null | undefined, zone: string): string {
  const d = parse(iso);
  if (!d) return '—';
  const { get, hour } = parts(d, zone, 'clock');
  return `${hour}:${get('minute')}:${get('second')}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
}

/** "2026-12-07T16:02": the wall-clock time in `zone`, the value of a datetime-local input. */
export function toWallClock(iso: string | null | undefined, zone: string): string {
  const d = parse(iso);
  if (!d) return '';
  const { get, hour } = parts(d, zone, 'wall');
  return `${get('year')}-${get('month')}-${get('day')}T${hour}:${get('minute')}`;
}

/** The offset of `zone` from UTC at `date`, in minutes (Berlin in winter: 60). */
function offsetMinutes(date: Date, zone: string): number {
  const wall = toWallClock(date.toISOString(), zone);
  const asUtc = Date.parse(`${wall}:00Z`);
  const minute = Math.floor(date.getTime() / 60_000) * 60_000;
  return Math.round((asUtc - minute) / 60_000);
}

/**
 * `2026-12-07T16:02` read as a wall-clock time in `zone` → the ISO instant; null when not a date. Across a DST
 * change the offset of the result is used, so 02:30 on a spring-forward night lands one hour on, as clocks do.
 */
export function wallClockToIso(value: string, zone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/.test(value)) return null;
  const withTime = value.includes('T') ? value : `${value}T00:00`;
  const asUtc = new Date(`${withTime}Z`);
  if (Number.isNaN(asUtc.getTime())) return null;
  if (!isTimeZone(zone) || zone === 'UTC') return asUtc.toISOString();
  const guess = new Date(asUtc.getTime() - offsetMinutes(asUtc, zone) * 60_000);
  return new Date(asUtc.getTime() - offsetMinutes(guess, zone) * 60_000).toISOString();
}

/**
 * "3 min ago", "in 2 h", "just now"; beyond 30 days the short date in `zone` ("Nov 2, 08:00"), which reads better
 * than "45 d ago". `now` is passed in so the server and the browser's first render agree.
 */
export function formatRelativeTime(iso: string | null | undefined, now: number, zone: string): string {
  const d = parse(iso);
  if (!d) return '—';
  const diff = d.getTime() - now;
  const abs = Math.abs(diff);
  if (abs >= 30 * 86_400_000) return formatShort(iso, zone);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  if (abs < 10_000) return diff > 0 ? 'in a moment' : 'just now';
  for (const [ms, unit] of units) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return 'just now';
}
