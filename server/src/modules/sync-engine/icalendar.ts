/**
 * A small, dependency-free iCalendar (RFC 5545) reader for the CalDAV connector: content lines → a component
 * tree → VEVENTs with their dates resolved to UTC.
 *
 * Robustness rules (real servers and clients are sloppy):
 * - Unfolding works on octets before UTF-8 decoding, so a fold that splits a multi-byte character (octet-based
 *   folding at 75 octets, RFC 5545 §3.1) still decodes. CRLF, LF and bare CR line ends are all accepted.
 * - A line that is not a content line (a raw newline inside a value, from producers that forget to fold) is
 *   joined to the previous property's value with a newline, and reported as a warning.
 * - Parameter values may be quoted (and then contain `;`, `:` and `,`) and use RFC 6868 caret escapes.
 * - TEXT values are unescaped (`\\`, `\;`, `\,`, `\n`/`\N`); an unknown escape keeps the escaped character.
 * - TZID times are converted with the IANA database that ships with Node's ICU (Intl), also when the TZID carries
 *   a vendor prefix (`/mozilla.org/20070129_1/Europe/Berlin`); a TZID that is not an IANA name is resolved with
 *   the calendar's own VTIMEZONE definition; if that fails too the time is kept as a floating local time and a
 *   warning says so.
 * - Nonexistent local times (in a DST gap) use the offset before the gap and ambiguous ones (DST end) the first
 *   occurrence, as RFC 5545 §3.3.5 prescribes.
 */

// ------------------------------------------------------------------------------------------------------------
// Content lines and components

export interface ICalProperty {
  /** Upper-case property name (`DTSTART`, `X-WR-CALNAME`); a vCard-style group prefix is dropped. */
  name: string;
  /** Upper-case parameter names → values (quotes removed, RFC 6868 decoded). */
  params: Record<string, string[]>;
  /** The raw value: not unescaped (see `unescapeText`), since its meaning depends on the value type. */
  value: string;
}

export interface ICalComponent {
  /** Upper-case component name (`VCALENDAR`, `VEVENT`, `VTIMEZONE`). */
  name: string;
  properties: ICalProperty[];
  components: ICalComponent[];
}

export interface ICalParseResult {
  /** Top-level components (normally one VCALENDAR). */
  components: ICalComponent[];
  /** What was skipped or repaired; safe to log (no property values). */
  warnings: string[];
}

const CONTENT_LINE_START = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)?[;:]/;

/**
 * Unfolds the content lines of an iCalendar stream. Works on octets, then decodes UTF-8 (a BOM is dropped).
 * Returns the logical lines, empty ones removed.
 */
export function unfoldLines(input: string | Uint8Array): string[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const out = Buffer.allocUnsafe(bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 13 || b === 10) {
      let next = i + 1;
      if (b === 13 && bytes[next] === 10) next++;
      if (bytes[next] === 32 || bytes[next] === 9) {
        i = next; // a fold: drop the line break and the single whitespace character after it
        continue;
      }
      out[o++] = 10;
      i = next - 1;
      continue;
    }
    out[o++] = b;
  }
  let text = out.subarray(0, o).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split('\n').filter((line) => line.length > 0);
}

/** RFC 6868: `^n` newline, `^^` caret, `^'` double quote. */
function decodeParamValue(value: string): string {
  return value.replace(/\^([n^'])/g, (_, c: string) => (c === 'n' ? '\n' : c === "'" ? '"' : '^'));
}

/** One unfolded content line → property; null when it is not a content line. */
export function parseContentLine(line: string): ICalProperty | null {
  const nameMatch = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?/.exec(line);
  if (!nameMatch) return null;
  let name = nameMatch[0].toUpperCase();
  const dot = name.lastIndexOf('.');
  if (dot >= 0) name = name.slice(dot + 1);
  const params: Record<string, string[]> = {};
  let i = nameMatch[0].length;
  while (line[i] === ';') {
    i++;
    const eq = line.indexOf('=', i);
    const stop = /[;:]/.exec(line.slice(i));
    const stopAt = stop ? i + stop.index : -1;
    if (eq < 0 || (stopAt >= 0 && stopAt < eq)) {
      // A parameter without a value (`;RSVP:`): lenient, recorded as an empty value.
      const end = stopAt < 0 ? line.length : stopAt;
      const pname = line.slice(i, end).trim().toUpperCase();
      if (pname) (params[pname] ??= []).push('');
      i = end;
      continue;
    }
    const pname = line.slice(i, eq).trim().toUpperCase();
    i = eq + 1;
    const values: string[] = [];
    for (;;) {
      if (line[i] === '"') {
        const close = line.indexOf('"', i + 1);
        if (close < 0) return null; // unterminated quote: not a usable line
        values.push(decodeParamValue(line.slice(i + 1, close)));
        i = close + 1;
      } else {
        let j = i;
        while (j < line.length && line[j] !== ',' && line[j] !== ';' && line[j] !== ':') j++;
        values.push(decodeParamValue(line.slice(i, j)));
        i = j;
      }
      if (line[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    (params[pname] ??= []).push(...values);
  }
  if (line[i] !== ':') return null;
  return { name, params, value: line.slice(i + 1) };
}

/** Parses an iCalendar stream into its component tree, leniently (see the file comment). */
export function parseICalendar(input: string | Uint8Array): ICalParseResult {
  const warnings: string[] = [];
  const top: ICalComponent[] = [];
  const stack: ICalComponent[] = [];
  let last: ICalProperty | null = null;
  for (const [index, line] of unfoldLines(input).entries()) {
    const prop = CONTENT_LINE_START.test(line) ? parseContentLine(line) : null;
    if (!prop) {
      if (last && stack.length > 0) {
        last.value += `\n${line}`;
        warnings.push(`line ${index + 1}: not a content line; joined to the previous ${last.name} value`);
      } else {
        warnings.push(`line ${index + 1}: not a content line; skipped`);
      }
      continue;
    }
    if (prop.name === 'BEGIN') {
      const component: ICalComponent = { name: prop.value.trim().toUpperCase(), properties: [], components: [] };
      if (stack.length > 0) stack[stack.length - 1].components.push(component);
      else top.push(component);
      stack.push(component);
      last = null;
    } else if (prop.name === 'END') {
      const name = prop.value.trim().toUpperCase();
      const at = stack.map((c) => c.name).lastIndexOf(name);
      if (at < 0) {
        warnings.push(`line ${index + 1}: END:${name} without BEGIN; ignored`);
      } else {
        if (at !== stack.length - 1) warnings.push(`line ${index + 1}: END:${name} closes unterminated ${stack.slice(at + 1).map((c) => c.name).join(', ')}`);
        stack.length = at;
      }
      last = null;
    } else if (stack.length === 0) {
      warnings.push(`line ${index + 1}: ${prop.name} outside any component; skipped`);
    } else {
      stack[stack.length - 1].properties.push(prop);
      last = prop;
    }
  }
  if (stack.length > 0) warnings.push(`unterminated ${stack.map((c) => c.name).join(', ')} at end of input`);
  return { components: top, warnings };
}

/** TEXT value unescaping (RFC 5545 §3.3.11). */
export function unescapeText(value: string): string {
  return value.replace(/\\(.)/gs, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Splits a list-valued TEXT property (CATEGORIES, RESOURCES) on unescaped commas, then unescapes each item. */
export function splitTextList(value: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === ',') {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  items.push(current);
  return items.map(unescapeText);
}

/** First property of that name, if any. */
export function prop(component: ICalComponent, name: string): ICalProperty | undefined {
  return component.properties.find((p) => p.name === name);
}

export function param(property: ICalProperty | undefined, name: string): string | undefined {
  return property?.params[name]?.[0];
}

// ------------------------------------------------------------------------------------------------------------
// Dates, times, durations

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

const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
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

// ------------------------------------------------------------------------------------------------------------
// Time zones

const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  if (!zoneFormatters.has(zone)) {
    let formatter: Intl.DateTimeFormat | null = null;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short',
      });
    } catch {
      formatter = null;
    }
    if (zoneFormatters.size > 1000) zoneFormatters.clear(); // TZIDs come from providers: bound the cache
    zoneFormatters.set(zone, formatter);
  }
  return zoneFormatters.get(zone) ?? null;
}

/** The canonical IANA name when Intl knows the zone, else null. */
export function ianaZone(name: string): string | null {
  return zoneFormatter(name)?.resolvedOptions().timeZone ?? null;
}

/** Offset of an IANA zone at an instant, in ms east of UTC. */
export function zoneOffsetMs(zone: string, ms: number): number {
  const formatter = zoneFormatter(zone);
  if (!formatter) throw new RangeError(`Unknown time zone ${zone}`);
  const at = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(at))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const local = fieldsToMs({ year, month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) % 24, minute: Number(parts.minute), second: Number(parts.second) });
  return local - at;
}

/**
 * Wall-clock time in a zone → UTC ms, given a function for the zone's offset at an instant. A time in a DST gap
 * uses the offset before the gap; an ambiguous time (DST end) its first occurrence (RFC 5545 §3.3.5).
 */
export function localToUtc(localMs: number, offsetAt: (utcMs: number) => number): number {
  const before = offsetAt(localMs - DAY_MS);
  const after = offsetAt(localMs + DAY_MS);
  const candidates = [localMs - before, localMs - after].filter((t) => t + offsetAt(t) === localMs);
  if (candidates.length > 0) return Math.min(...candidates);
  return localMs - before; // nonexistent local time: the offset in force before the gap
}

interface Observance {
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
    if (eq > 0) out[part.slice(0, eq).trim().toUpperCase()] = part.slice(eq + 1).trim().toUpperCase();
  }
  return out;
}

/** Day of month for a BYDAY entry (`-1SU`, `2SU`, `SU`) in a month, optionally constrained by BYMONTHDAY. */
function ruleDay(year: number, month: number, byday: string | undefined, bymonthday: string | undefined, fallbackDay: number): number | null {
  const last = daysInMonth(year, month);
  const monthDays = bymonthday?.split(',').map(Number).filter((n) => Number.isInteger(n) && n !== 0).map((n) => (n > 0 ? n : last + n + 1));
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

function parseObservances(vtimezone: ICalComponent): Observance[] {
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
function vtimezoneOffset(observances: Observance[], utcMs: number): number | null {
  if (observances.length === 0) return null;
  let best: { onsetUtc: number; offset: number } | null = null;
  for (const o of observances) {
    // Onsets are wall-clock times in the offset in force before them (TZOFFSETFROM).
    const onset = latestOnset(o, utcMs + o.offsetFrom);
    if (onset !== null && (best === null || onset - o.offsetFrom > best.onsetUtc)) best = { onsetUtc: onset - o.offsetFrom, offset: o.offsetTo };
  }
  if (best) return best.offset;
  // Before every onset: the earliest observance's "from" offset was in force.
  const earliest = observances.reduce((a, b) => (fieldsToMs(a.start) <= fieldsToMs(b.start) ? a : b));
  return earliest.offsetFrom;
}

export interface ZoneResolution {
  /** UTC instant. */
  ms: number;
  /** The canonical IANA name when known, else the TZID as written. */
  zone: string;
  via: 'iana' | 'vtimezone';
}

/** IANA names hidden in vendor TZIDs: `/mozilla.org/20070129_1/Europe/Berlin`, `/softwarestudio.org/…/Europe/Berlin`. */
function ianaFromTzid(tzid: string): string | null {
  const cleaned = tzid.trim().replace(/^"|"$/g, '');
  const direct = ianaZone(cleaned);
  if (direct) return direct;
  const segments = cleaned.split('/').filter(Boolean);
  // Area/Location or Area/Sub/Location at the end of a vendor path; never a bare last segment ("Berlin").
  for (let take = Math.min(3, segments.length - 1); take >= 2; take--) {
    const zone = ianaZone(segments.slice(-take).join('/'));
    if (zone) return zone;
  }
  return null;
}

/** Resolves TZIDs of one VCALENDAR: the IANA database first, then the calendar's VTIMEZONE components. */
export class ZoneResolver {
  private readonly vtimezones = new Map<string, Observance[]>();

  constructor(vtimezones: ICalComponent[] = []) {
    for (const vtz of vtimezones) {
      const tzid = prop(vtz, 'TZID')?.value.trim();
      if (tzid) this.vtimezones.set(tzid, parseObservances(vtz));
    }
  }

  /** Offset (ms east of UTC) of the zone a TZID names at a UTC instant; null when the TZID is unknown. */
  offsetFunction(tzid: string): { zone: string; via: 'iana' | 'vtimezone'; offsetAt: (utcMs: number) => number } | null {
    const zone = ianaFromTzid(tzid);
    if (zone) return { zone, via: 'iana', offsetAt: (t) => zoneOffsetMs(zone, t) };
    const key = tzid.trim();
    const observances = this.vtimezones.get(key) ??
      [...this.vtimezones.entries()].find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (!observances || observances.length === 0) return null;
    return { zone: key, via: 'vtimezone', offsetAt: (utcMs) => vtimezoneOffset(observances, utcMs) ?? 0 };
  }

  toUtc(local: LocalDateTime, tzid: string): ZoneResolution | null {
    const fn = this.offsetFunction(tzid);
    return fn ? { ms: localToUtc(fieldsToMs(local), fn.offsetAt), zone: fn.zone, via: fn.via } : null;
  }
}

/** A DTSTART/DTEND/RECURRENCE-ID/EXDATE value, resolved. */
export type ICalTime =
  | { kind: 'date'; fields: LocalDateTime }
  | { kind: 'utc'; ms: number }
  | { kind: 'zoned'; ms: number; zone: string; tzid: string }
  | { kind: 'floating'; fields: LocalDateTime; tzid?: string };

/** One value (properties such as EXDATE may hold a comma-separated list: call once per item). */
export function resolveTime(value: string, params: Record<string, string[]>, zones: ZoneResolver, warn?: (message: string) => void): ICalTime | null {
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

// ------------------------------------------------------------------------------------------------------------
// Events

export interface CalendarAddress {
  /** The address without `mailto:` when it is a mailto URI, else null. */
  email: string | null;
  /** CN parameter. */
  name: string | null;
  /** The CAL-ADDRESS as written (`mailto:ann@example.com`). */
  uri: string;
}

export interface EventAttendee extends CalendarAddress {
  role: string | null;
  partstat: string | null;
  rsvp: boolean;
}

export interface ParsedEvent {
  uid: string | null;
  /** RECURRENCE-ID in the same form as `start`, for an override of one instance of a series; else null. */
  recurrenceId: string | null;
  summary: string | null;
  description: string | null;
  location: string | null;
  /** See `formatTime`. Null only when DTSTART is missing or invalid. */
  start: string | null;
  /** DTEND, else DTSTART + DURATION, else the end of the day (all-day) or DTSTART (RFC 5545 §3.6.1). Exclusive for all-day events. */
  end: string | null;
  allDay: boolean;
  /** `UTC`, the (canonical IANA) zone of DTSTART's TZID, or null (all-day, floating). */
  timezone: string | null;
  rrule: string | null;
  /** EXDATE values in the same form as `start`. */
  exdates: string[];
  status: string | null;
  organizer: CalendarAddress | null;
  attendees: EventAttendee[];
  /** LAST-MODIFIED, else DTSTAMP (which RFC 5545 §3.8.7.2 makes equivalent for stored objects), as UTC ISO. */
  lastModified: string | null;
  sequence: number;
  /** For time-window checks (UTC ms; dates and floating times read as UTC). */
  startMs: number | null;
  endMs: number | null;
  /** RRULE or RDATE present: a series whose instances a window check cannot see from start/end alone. */
  recurring: boolean;
}

function textProp(component: ICalComponent, name: string): string | null {
  const p = prop(component, name);
  return p ? unescapeText(p.value) : null;
}

function address(p: ICalProperty): CalendarAddress {
  const uri = p.value.trim();
  const mail = /^mailto:(.*)$/i.exec(uri);
  return { email: mail ? mail[1].trim() || null : null, name: param(p, 'CN') ?? null, uri };
}

function utcOf(p: ICalProperty | undefined, zones: ZoneResolver): string | null {
  if (!p) return null;
  const time = resolveTime(p.value, p.params, zones);
  if (!time) return null;
  return time.kind === 'date' || time.kind === 'floating' ? formatUtc(timeToMs(time)) : formatUtc(time.ms);
}

/** One VEVENT → ParsedEvent; `zones` resolves its TZIDs (the enclosing VCALENDAR's). */
export function parseEvent(vevent: ICalComponent, zones: ZoneResolver, warn: (message: string) => void = () => {}): ParsedEvent {
  const uid = prop(vevent, 'UID')?.value.trim() || null;
  const timeOf = (name: string): ICalTime | null => {
    const p = prop(vevent, name);
    if (!p) return null;
    const time = resolveTime(p.value, p.params, zones, warn);
    if (!time) warn(`${name} of ${uid ?? 'an event without UID'} is not a valid date or date-time; ignored`);
    return time;
  };
  const start = timeOf('DTSTART');
  let end = timeOf('DTEND');
  if (!end && start) {
    const durationProp = prop(vevent, 'DURATION');
    const duration = durationProp ? parseDuration(durationProp.value) : null;
    if (durationProp && !duration) warn(`DURATION of ${uid ?? 'an event without UID'} is invalid; ignored`);
    if (duration) end = addDuration(start, duration, zones);
    else end = start.kind === 'date' ? addDuration(start, { days: 1, seconds: 0 }, zones) : start;
  }
  const recurrence = prop(vevent, 'RECURRENCE-ID');
  const recurrenceTime = recurrence ? resolveTime(recurrence.value, recurrence.params, zones, warn) : null;
  if (recurrence && !recurrenceTime) warn(`RECURRENCE-ID of ${uid ?? 'an event without UID'} is invalid; ignored`);
  const exdates: string[] = [];
  for (const p of vevent.properties.filter((x) => x.name === 'EXDATE')) {
    for (const v of p.value.split(',')) {
      const t = resolveTime(v, p.params, zones, warn);
      if (t) exdates.push(formatTime(t));
    }
  }
  const sequence = Number.parseInt(prop(vevent, 'SEQUENCE')?.value ?? '0', 10);
  const organizerProp = prop(vevent, 'ORGANIZER');
  const rrule = prop(vevent, 'RRULE')?.value.trim() || null;
  return {
    uid,
    recurrenceId: recurrenceTime ? formatTime(recurrenceTime) : null,
    summary: textProp(vevent, 'SUMMARY'),
    description: textProp(vevent, 'DESCRIPTION'),
    location: textProp(vevent, 'LOCATION'),
    start: start ? formatTime(start) : null,
    end: end ? formatTime(end) : null,
    allDay: start?.kind === 'date',
    timezone: !start ? null : start.kind === 'utc' ? 'UTC' : start.kind === 'zoned' ? start.zone : start.kind === 'floating' ? start.tzid ?? null : null,
    rrule,
    exdates,
    status: prop(vevent, 'STATUS')?.value.trim().toUpperCase() || null,
    organizer: organizerProp ? address(organizerProp) : null,
    attendees: vevent.properties.filter((p) => p.name === 'ATTENDEE').map((p) => ({
      ...address(p),
      role: param(p, 'ROLE')?.toUpperCase() ?? null,
      partstat: param(p, 'PARTSTAT')?.toUpperCase() ?? null,
      rsvp: param(p, 'RSVP')?.toUpperCase() === 'TRUE',
    })),
    lastModified: utcOf(prop(vevent, 'LAST-MODIFIED'), zones) ?? utcOf(prop(vevent, 'DTSTAMP'), zones),
    sequence: Number.isFinite(sequence) ? sequence : 0,
    startMs: start ? timeToMs(start) : null,
    endMs: end ? timeToMs(end) : null,
    recurring: rrule !== null || vevent.properties.some((p) => p.name === 'RDATE'),
  };
}

/**
 * Every VEVENT of an iCalendar object (a CalDAV calendar object resource holds one event, or one series with
 * its overrides), with TZIDs resolved against the VCALENDAR's VTIMEZONEs.
 */
export function parseEvents(input: string | Uint8Array, warn: (message: string) => void = () => {}): ParsedEvent[] {
  const { components, warnings } = parseICalendar(input);
  for (const w of warnings) warn(w);
  const events: ParsedEvent[] = [];
  for (const calendar of components) {
    if (calendar.name !== 'VCALENDAR') continue;
    const zones = new ZoneResolver(calendar.components.filter((c) => c.name === 'VTIMEZONE'));
    for (const c of calendar.components) if (c.name === 'VEVENT') events.push(parseEvent(c, zones, warn));
  }
  return events;
}
