/**
 * Offsets from a calendar's own VTIMEZONE definitions, for TZIDs that are not IANA names: the STANDARD and
 * DAYLIGHT observances with their onsets (DTSTART, RDATEs and yearly RRULEs such as "last Sunday of March").
 */
import { type ICalComponent, prop } from './icalendar-content.js';
import { daysInMonth, fieldsToMs, type LocalDateTime, msToFields, parseDateTimeValue, parseUtcOffset } from './icalendar-datetime.js';

export interface Observance {
  offsetFrom: number;
  offsetTo: number;
  start: LocalDateTime;
  rrule: Record<string, string> | null;
  rdates: number[];
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

export function parseRrule(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0)
      out[part.slice(0, eq).trim().toUpperCase()] = part
        .slice(eq + 1)
        .trim()
        .toUpperCase();
  }
  return out;
}

/** Day of month for a BYDAY entry (`-1SU`, `2SU`, `SU`) in a month, optionally constrained by BYMONTHDAY. */
function ruleDay(
  year: number,
  month: number,
  byday: string | undefined,
  bymonthday: string | undefined,
  fallbackDay: number,
): number | null {
  const last = daysInMonth(year, month);
  const monthDays = bymonthday
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n !== 0)
    .map((n) => (n > 0 ? n : last + n + 1));
  if (!byday) return monthDays?.[0] ?? Math.min(fallbackDay, last);
  const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(byday.split(',')[0]);
  if (!m) return null;
  const weekday = WEEKDAYS.indexOf(m[2]);
  const n = m[1] ? Number(m[1]) : 0;
  const weekdayOf = (day: number) => new Date(fieldsToMs({ year, month, day, hour: 0, minute: 0, second: 0 })).getUTCDay();
  if (n === 0) {
    for (let day = 1; day <= last; day++) {
      if (weekdayOf(day) === weekday && (!monthDays || monthDays.includes(day))) return day;
    }
    return null;
  }
  if (n > 0) {
    const first = 1 + ((weekday - weekdayOf(1) + 7) % 7);
    const day = first + (n - 1) * 7;
    return day <= last ? day : null;
  }
  const lastMatch = last - ((weekdayOf(last) - weekday + 7) % 7);
  const day = lastMatch + (n + 1) * 7;
  return day >= 1 ? day : null;
}

/** The latest onset (wall-clock ms, in the offset before the change) of an observance that is not after `localMs`. */
function latestOnset(o: Observance, localMs: number): number | null {
  let best: number | null = null;
  const consider = (onset: number) => {
    if (onset <= localMs && (best === null || onset > best)) best = onset;
  };
  const startMs = fieldsToMs(o.start);
  consider(startMs);
  for (const r of o.rdates) consider(r);
  const rule = o.rrule;
  if (rule && rule.FREQ === 'YEARLY') {
    const interval = Math.max(1, Number(rule.INTERVAL ?? 1) || 1);
    const count = rule.COUNT ? Number(rule.COUNT) : Infinity;
    const untilParsed = rule.UNTIL ? parseDateTimeValue(rule.UNTIL) : null;
    // UNTIL is UTC (or a date): compare in local terms with the offset before the change.
    const untilLocal = untilParsed ? fieldsToMs(untilParsed.fields) + (untilParsed.utc ? o.offsetFrom : 0) : Infinity;
    const year = msToFields(localMs).year;
    for (let y = year; y >= Math.max(o.start.year, year - 1); y--) {
      const index = y - o.start.year;
      if (index % interval !== 0 || index / interval >= count) continue;
      const month = rule.BYMONTH ? Number(rule.BYMONTH.split(',')[0]) : o.start.month;
      if (!(month >= 1 && month <= 12)) continue;
      const day = ruleDay(y, month, rule.BYDAY, rule.BYMONTHDAY, o.start.day);
      if (day === null) continue;
      const onset = fieldsToMs({ year: y, month, day, hour: o.start.hour, minute: o.start.minute, second: o.start.second });
      if (onset >= startMs && onset <= untilLocal) consider(onset);
    }
  }
  return best;
}

export function parseObservances(vtimezone: ICalComponent): Observance[] {
  const out: Observance[] = [];
  for (const c of vtimezone.components) {
    if (c.name !== 'STANDARD' && c.name !== 'DAYLIGHT') continue;
    const from = parseUtcOffset(prop(c, 'TZOFFSETFROM')?.value ?? '');
    const to = parseUtcOffset(prop(c, 'TZOFFSETTO')?.value ?? '');
    const start = parseDateTimeValue(prop(c, 'DTSTART')?.value ?? '');
    if (to === null || !start) continue;
    const rruleProp = prop(c, 'RRULE');
    const rdates: number[] = [];
    for (const p of c.properties.filter((x) => x.name === 'RDATE')) {
      for (const v of p.value.split(',')) {
        const parsed = parseDateTimeValue(v);
        if (parsed) rdates.push(fieldsToMs(parsed.fields) + (parsed.utc ? (from ?? to) : 0));
      }
    }
    out.push({ offsetFrom: from ?? to, offsetTo: to, start: start.fields, rrule: rruleProp ? parseRrule(rruleProp.value) : null, rdates });
  }
  return out;
}

/** Offset (ms east of UTC) a VTIMEZONE gives an instant, or null when it has no usable observance. */
export function vtimezoneOffset(observances: Observance[], utcMs: number): number | null {
  if (observances.length === 0) return null;
  let best: { onsetUtc: number; offset: number } | null = null;
  for (const o of observances) {
    // Onsets are wall-clock times in the offset in force before them (TZOFFSETFROM).
    const onset = latestOnset(o, utcMs + o.offsetFrom);
    if (onset !== null && (best === null || onset - o.offsetFrom > best.onsetUtc))
      best = { onsetUtc: onset - o.offsetFrom, offset: o.offsetTo };
  }
  if (best) return best.offset;
  // Before every onset: the earliest observance's "from" offset was in force.
  const earliest = observances.reduce((a, b) => (fieldsToMs(a.start) <= fieldsToMs(b.start) ? a : b));
  return earliest.offsetFrom;
}
