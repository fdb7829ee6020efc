/**
 * The writing side of the iCalendar (RFC 5545) support, for the CalDAV writer: a component tree (as
 * icalendar-content.ts reads it) back to text, and an event record's fields (the shape the CalDAV connector lists:
 * `summary`, `start`, `end`…) to VEVENT properties.
 *
 * Text is escaped (§3.3.11), lines are folded at 75 octets without splitting a UTF-8 sequence (§3.1), and line
 * ends are CRLF. Times are written as the connector reads them back: `2024-05-10` as a DATE, `…Z` (or any offset)
 * as UTC, an ISO time without offset as a floating local time.
 */
import type { ICalComponent, ICalProperty } from './icalendar-content.js';
import { formatUtcBasic } from './icalendar-datetime.js';

/** Why a record's fields cannot become an event; the message names the field and is safe to show. */
export class ICalendarWriteError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ICalendarWriteError';
  }
}

/** TEXT value escaping (§3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds one content line at 75 octets, never inside a UTF-8 sequence (§3.1). */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Back off to the start of a UTF-8 sequence (continuation octets are 10xxxxxx).
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74; // the leading space of a continuation line counts
  }
  return parts.join('\r\n ');
}

function paramValue(value: string): string {
  return /[:;,]/.test(value) ? `"${value.replace(/"/g, "'")}"` : value;
}

export function formatProperty(p: ICalProperty): string {
  const params = Object.entries(p.params)
    .map(([name, values]) => `;${name}=${values.map(paramValue).join(',')}`)
    .join('');
  return foldLine(`${p.name}${params}:${p.value}`);
}

/** A component tree back to CRLF text. */
export function serializeComponent(c: ICalComponent): string {
  const lines = [`BEGIN:${c.name}`, ...c.properties.map(formatProperty)];
  for (const child of c.components) lines.push(serializeComponent(child).replace(/\r\n$/, ''));
  lines.push(`END:${c.name}`);
  return `${lines.join('\r\n')}\r\n`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A DTSTART/DTEND-style property from a record's time value (see the file comment). */
export function timeProperty(name: string, field: string, value: unknown): ICalProperty {
  if (typeof value !== 'string') throw new ICalendarWriteError(field, `${field} must be a date or date-time text`);
  const date = DATE.exec(value);
  if (date && !Number.isNaN(Date.UTC(+date[1], +date[2] - 1, +date[3]))) {
    return { name, params: { VALUE: ['DATE'] }, value: `${date[1]}${date[2]}${date[3]}` };
  }
  const local = LOCAL.exec(value);
  if (local) return { name, params: {}, value: `${local[1]}${local[2]}${local[3]}T${local[4]}${local[5]}${local[6] ?? '00'}` };
  const ms = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ICalendarWriteError(field, `${field} must be a date (2024-05-10) or an ISO-8601 date-time (2024-05-10T09:00:00Z)`);
  }
  return { name, params: {}, value: formatUtcBasic(ms) };
}

const STATUSES = new Set(['TENTATIVE', 'CONFIRMED', 'CANCELLED']);

/** The record fields the writer turns into properties, and the property each one replaces. */
export const WRITABLE_EVENT_FIELDS: Record<string, string[]> = {
  summary: ['SUMMARY'],
  description: ['DESCRIPTION'],
  location: ['LOCATION'],
  start: ['DTSTART'],
  end: ['DTEND', 'DURATION'],
  status: ['STATUS'],
  rrule: ['RRULE'],
};

/**
 * Fields of the connector's record that are accepted and left as the server has them: derived (`allDay`,
 * `lastModified`), addressing (`href`, `etag`, `calendar`), or not written by Linkyard (attendees, time zones).
 */
export const KEPT_EVENT_FIELDS = new Set([
  'externalId',
  'uid',
  'recurrenceId',
  'calendar',
  'href',
  'etag',
  'allDay',
  'timezone',
  'exdates',
  'organizer',
  'attendees',
  'lastModified',
  'sequence',
]);

/** The properties for the written fields; null or '' removes a property. Unknown fields are refused. */
export function eventProperties(fields: Record<string, unknown>): { replaces: string[]; properties: ICalProperty[] } {
  const replaces: string[] = [];
  const properties: ICalProperty[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const names = WRITABLE_EVENT_FIELDS[field];
    if (!names) {
      if (KEPT_EVENT_FIELDS.has(field)) continue;
      throw new ICalendarWriteError(field, `${field} is not an event field a calendar can store`);
    }
    replaces.push(...names);
    if (value === null || value === undefined || value === '') continue;
    if (field === 'start' || field === 'end') {
      properties.push(timeProperty(names[0], field, value));
    } else if (field === 'status') {
      const status = String(value).toUpperCase();
      if (!STATUSES.has(status)) throw new ICalendarWriteError(field, 'status must be TENTATIVE, CONFIRMED or CANCELLED');
      properties.push({ name: 'STATUS', params: {}, value: status });
    } else if (field === 'rrule') {
      if (typeof value !== 'string' || !/^FREQ=[A-Z]+(;[A-Z-]+=[A-Za-z0-9,:+-]+)*$/.test(value)) {
        throw new ICalendarWriteError(field, 'rrule must be an RFC 5545 recurrence rule such as FREQ=WEEKLY;COUNT=6');
      }
      properties.push({ name: 'RRULE', params: {}, value });
    } else {
      if (typeof value !== 'string' && typeof value !== 'number') throw new ICalendarWriteError(field, `${field} must be text`);
      properties.push({ name: names[0], params: {}, value: escapeText(String(value)) });
    }
  }
  return { replaces, properties };
}
