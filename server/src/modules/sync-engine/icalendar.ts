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
 *
 * This file turns VEVENTs into `ParsedEvent`s and is the reader's entry point, re-exporting its layers:
 * icalendar-content.ts (content lines, components), icalendar-datetime.ts (values), icalendar-zones.ts and
 * icalendar-vtimezone.ts (TZIDs), icalendar-time.ts (resolved date-times).
 */
import { type ICalComponent, type ICalProperty, param, parseICalendar, prop, unescapeText } from './icalendar-content.js';
import { formatUtc, parseDuration } from './icalendar-datetime.js';
import { addDuration, formatTime, type ICalTime, resolveTime, timeToMs } from './icalendar-time.js';
import { ZoneResolver } from './icalendar-zones.js';

export {
  param,
  parseContentLine,
  parseICalendar,
  prop,
  splitTextList,
  unescapeText,
  unfoldLines,
  type ICalComponent,
  type ICalParseResult,
  type ICalProperty,
} from './icalendar-content.js';
export {
  fieldsToMs,
  formatDate,
  formatLocal,
  formatUtc,
  formatUtcBasic,
  msToFields,
  parseDateTimeValue,
  parseDuration,
  parseUtcOffset,
  type LocalDateTime,
} from './icalendar-datetime.js';
export { addDuration, formatTime, resolveTime, timeToMs, type ICalTime } from './icalendar-time.js';
export { parseRrule } from './icalendar-vtimezone.js';
export { ianaZone, localToUtc, zoneOffsetMs, ZoneResolver, type ZoneResolution } from './icalendar-zones.js';

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
    timezone: !start
      ? null
      : start.kind === 'utc'
        ? 'UTC'
        : start.kind === 'zoned'
          ? start.zone
          : start.kind === 'floating'
            ? (start.tzid ?? null)
            : null,
    rrule,
    exdates,
    status: prop(vevent, 'STATUS')?.value.trim().toUpperCase() || null,
    organizer: organizerProp ? address(organizerProp) : null,
    attendees: vevent.properties
      .filter((p) => p.name === 'ATTENDEE')
      .map((p) => ({
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
