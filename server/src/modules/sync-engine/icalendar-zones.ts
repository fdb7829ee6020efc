/**
 * Time zones: IANA zones through Node's ICU (Intl), also behind vendor TZID prefixes, with the calendar's
 * VTIMEZONEs as the fallback (`ZoneResolver`), and the conversion of a wall-clock time to UTC across DST
 * gaps and overlaps (RFC 5545 §3.3.5).
 */
import { type ICalComponent, prop } from './icalendar-content.js';
import { DAY_MS, fieldsToMs, type LocalDateTime } from './icalendar-datetime.js';
import { type Observance, parseObservances, vtimezoneOffset } from './icalendar-vtimezone.js';

const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>();

function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  if (!zoneFormatters.has(zone)) {
    let formatter: Intl.DateTimeFormat | null;
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
  const local = fieldsToMs({
    year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  });
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
    const observances =
      this.vtimezones.get(key) ?? [...this.vtimezones.entries()].find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (!observances || observances.length === 0) return null;
    return { zone: key, via: 'vtimezone', offsetAt: (utcMs) => vtimezoneOffset(observances, utcMs) ?? 0 };
  }

  toUtc(local: LocalDateTime, tzid: string): ZoneResolution | null {
    const fn = this.offsetFunction(tzid);
    return fn ? { ms: localToUtc(fieldsToMs(local), fn.offsetAt), zone: fn.zone, via: fn.via } : null;
  }
}
