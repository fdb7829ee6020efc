/**
 * The CalDAV writer (two-way sync for `apple_calendar`, `fastmail`): creates, updates and deletes events as calendar
 * object resources, with the server's ETags as the version check (RFC 4791 §5.3.2, RFC 7232):
 *
 *   create  PUT <calendar>/<uid>.ics   If-None-Match: *      412: an event with that UID is there already → conflict
 *   update  GET the resource, replace the written properties, PUT with If-Match: <base ETag>   412 → conflict
 *   delete  DELETE with If-Match: <base ETag>                 404/410 → gone, 412 → conflict
 *
 * An update edits the stored iCalendar rather than rebuilding it, so what Linkyard does not write (attendees,
 * alarms, VTIMEZONEs, X- properties, other overrides of a series) stays as it was; SEQUENCE goes up and DTSTAMP /
 * LAST-MODIFIED become now. A record is found by `href` (from the pulled record) when the fields carry one, else by
 * a calendar-query on its UID. Overrides of one instance of a series (`uid#recurrence-id`) can be updated, not
 * deleted (that would need an EXDATE on the series). Answers are versions shaped like the connector's records.
 *
 * Every request goes through the SSRF-safe client with basic auth and the connector's host check; messages never
 * carry credentials or response bodies.
 */
import { randomUUID } from 'node:crypto';
import { withRetries, type SafeHttpResponse } from '../../lib/safe-http/index.js';
import { basicHeaders } from '../oauth/provider-endpoints.js';
import {
  assertAllowedTarget,
  CalDavAuthError,
  CalDavError,
  CALDAV_NS,
  DAV_NS,
  davRequest,
  discoverCalendars,
  objectsToRecords,
  propKey,
  redacted,
  xmlBytes,
  xmlText,
  type CalDavContext,
  type CalendarEventRecord,
} from './caldav-connector.js';
import { parseEvent, parseICalendar, prop, ZoneResolver, type ICalComponent } from './icalendar.js';
import { formatUtcBasic } from './icalendar-datetime.js';
import { eventProperties, ICalendarWriteError, serializeComponent } from './icalendar-writer.js';

/** One write, as the push executor asks for it (the same shape as the REST writer's). */
export interface CalDavWrite {
  op: 'create' | 'update' | 'delete';
  /** The event's external id (`uid`, or `uid#recurrence-id`); required for update and delete. */
  externalId?: string | null;
  /** The event's fields in the connector's record shape; `href` locates it, `calendar` picks where a create goes. */
  fields?: Record<string, unknown>;
  /** The base version's ETag; absent: the current one (no conflict check). */
  etag?: string | null;
}

export interface CalDavVersion {
  externalId: string;
  record: CalendarEventRecord | null;
  updatedAt: string | null;
  etag: string | null;
}

export type CalDavWriteResult =
  | { outcome: 'applied'; externalId: string | null; version: CalDavVersion | null }
  | { outcome: 'conflict'; status: number; message: string }
  | { outcome: 'gone' };

export interface CalDavWriter {
  write(request: CalDavWrite): Promise<CalDavWriteResult>;
  read(externalId: string): Promise<CalDavVersion | null>;
  readonly canRead: true;
}

interface StoredObject {
  href: string;
  etag: string | null;
  text: string;
}

const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n';
const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A calendar-query for the objects holding a UID (text-match is a substring match: callers compare exactly). */
function uidQuery(uid: string): string {
  return (
    `${XML_HEAD}<c:calendar-query xmlns:d="DAV:" xmlns:c="${CALDAV_NS}"><d:prop><d:getetag/><c:calendar-data/></d:prop>` +
    '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="UID">' +
    `<c:text-match collation="i;octet">${escapeXml(uid)}</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter>` +
    '</c:filter></c:calendar-query>'
  );
}

/** `uid#2024-05-13T07:00:00Z` → the UID and the override's recurrence id (the connector's external ids). */
export function splitExternalId(externalId: string): { uid: string; recurrenceId: string | null } {
  const m = /^(.*)#(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z?)?)$/.exec(externalId);
  return m ? { uid: m[1], recurrenceId: m[2] } : { uid: externalId, recurrenceId: null };
}

const calendarOf = (href: string) => href.slice(0, href.lastIndexOf('/') + 1);
const headerEtag = (res: SafeHttpResponse) => (typeof res.headers.etag === 'string' && res.headers.etag !== '' ? res.headers.etag : null);

function refused(err: ICalendarWriteError): CalDavError {
  return new CalDavError('invalid_request', err.message);
}

interface WriterState {
  ctx: CalDavContext;
  now: () => number;
  /** Discovered once per writer. */
  calendars: string[] | null;
}

async function calendarsOf(state: WriterState): Promise<string[]> {
  state.calendars ??= (await discoverCalendars(state.ctx)).map((c) => c.url);
  return state.calendars;
}

/** GET, PUT or DELETE of one calendar object: typed errors for 401/403/429/5xx, other statuses to the caller. */
async function objectRequest(
  ctx: CalDavContext,
  method: 'GET' | 'PUT' | 'DELETE',
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<SafeHttpResponse> {
  assertAllowedTarget(ctx, url);
  const send = () =>
    ctx.http.request({
      method,
      url,
      body,
      signal: ctx.signal,
      headers: {
        ...basicHeaders(ctx.username, ctx.password),
        ...(body === undefined ? {} : { 'content-type': 'text/calendar; charset=utf-8' }),
        ...headers,
      },
    });
  const res = ctx.retry ? await withRetries(send, { ...ctx.retry, signal: ctx.signal }) : await send();
  ctx.log({ level: 'debug', message: 'CalDAV request', data: { method, url: res.redactedUrl, status: res.status } });
  const details = { status: res.status, url: res.redactedUrl };
  if (res.status === 401) throw new CalDavAuthError(res.redactedUrl);
  if (res.status === 403) throw new CalDavError('forbidden', `The CalDAV server refused to ${method} ${redacted(url)} (HTTP 403)`, details);
  if (res.status === 429) throw new CalDavError('rate_limited', 'The CalDAV server is rate limiting requests (HTTP 429)', details);
  if (res.status >= 500) throw new CalDavError('server_error', `The CalDAV server failed (HTTP ${res.status})`, details);
  return res;
}

async function fetchObject(ctx: CalDavContext, href: string): Promise<StoredObject | null> {
  const res = await objectRequest(ctx, 'GET', href, { accept: 'text/calendar' });
  if (res.status === 404 || res.status === 410) return null;
  if (res.status !== 200) throw new CalDavError('http_error', `GET ${redacted(href)} answered HTTP ${res.status}`, { status: res.status });
  return { href, etag: headerEtag(res), text: res.body.toString('utf8') };
}

async function findByUid(state: WriterState, uid: string): Promise<StoredObject | null> {
  for (const calendar of await calendarsOf(state)) {
    for (const r of await davRequest(state.ctx, 'REPORT', calendar, '1', uidQuery(uid))) {
      const data = r.props.get(propKey(CALDAV_NS, 'calendar-data'));
      if (!data) continue;
      const text = xmlBytes(data).toString('utf8');
      if (!holdsUid(text, uid)) continue;
      return { href: r.href, etag: xmlText(r.props.get(propKey(DAV_NS, 'getetag'))).trim() || null, text };
    }
  }
  return null;
}

/** The stored object of an event: at the record's `href` when it still holds the UID, else by UID. */
async function locate(state: WriterState, externalId: string, fields: Record<string, unknown> | undefined): Promise<StoredObject | null> {
  const { uid } = splitExternalId(externalId);
  if (typeof fields?.href === 'string' && fields.href !== '') {
    const href = new URL(fields.href, state.ctx.baseUrl).href;
    const stored = await fetchObject(state.ctx, href);
    if (stored && holdsUid(stored.text, uid)) return stored;
  }
  return findByUid(state, uid);
}

function versionOf(ctx: CalDavContext, object: StoredObject, externalId: string): CalDavVersion {
  const record =
    objectsToRecords(ctx, calendarOf(object.href), [{ ...object, data: object.text }]).find((r) => r.externalId === externalId) ?? null;
  return { externalId, record, updatedAt: record?.lastModified ?? null, etag: object.etag };
}

/** The object as written, with the ETag the server gave it (asked for when the PUT did not say). */
async function written(ctx: CalDavContext, href: string, res: SafeHttpResponse, text: string, externalId: string): Promise<CalDavVersion> {
  const etag = headerEtag(res);
  const object = etag ? { href, etag, text } : ((await fetchObject(ctx, href)) ?? { href, etag: null, text });
  return versionOf(ctx, object, externalId);
}

function conflict(status: number, what: string): CalDavWriteResult {
  return { outcome: 'conflict', status, message: `The CalDAV server answered HTTP ${status}: ${what}` };
}

async function create(state: WriterState, request: CalDavWrite): Promise<CalDavWriteResult> {
  const fields = request.fields ?? {};
  const uid = typeof fields.uid === 'string' && fields.uid !== '' ? fields.uid : `${randomUUID()}@linkyard`;
  if (fields.start === undefined || fields.start === null) throw new CalDavError('invalid_request', 'A new event needs a start');
  let calendar: string;
  if (typeof fields.calendar === 'string' && fields.calendar !== '') calendar = new URL(fields.calendar, state.ctx.baseUrl).href;
  else {
    const calendars = await calendarsOf(state);
    if (calendars.length === 0) throw new CalDavError('not_found', 'The CalDAV account has no calendar to create the event in');
    calendar = calendars[0];
  }
  if (!calendar.endsWith('/')) calendar += '/';
  const event: ICalComponent = { name: 'VEVENT', properties: [], components: [] };
  const stamp = formatUtcBasic(state.now());
  const { properties } = withRefusal(() => eventProperties(fields));
  event.properties.push(
    { name: 'UID', params: {}, value: uid },
    { name: 'DTSTAMP', params: {}, value: stamp },
    { name: 'CREATED', params: {}, value: stamp },
    { name: 'LAST-MODIFIED', params: {}, value: stamp },
    { name: 'SEQUENCE', params: {}, value: '0' },
    ...properties,
  );
  const text = serializeComponent({
    name: 'VCALENDAR',
    properties: [
      { name: 'VERSION', params: {}, value: '2.0' },
      { name: 'PRODID', params: {}, value: '-//Linkyard//Two-way sync//EN' },
    ],
    components: [event],
  });
  const href = `${calendar}${encodeURIComponent(uid)}.ics`;
  const res = await objectRequest(state.ctx, 'PUT', href, { 'if-none-match': '*' }, text);
  if (res.status === 412) return conflict(412, `an event with the UID ${uid} exists already`);
  expectSuccess(res, 'PUT', href);
  return { outcome: 'applied', externalId: uid, version: await written(state.ctx, href, res, text, uid) };
}

async function update(state: WriterState, request: CalDavWrite, externalId: string): Promise<CalDavWriteResult> {
  const stored = await locate(state, externalId, request.fields);
  if (!stored) throw new CalDavError('not_found', `The CalDAV server has no event ${externalId}`);
  const tree = parseICalendar(stored.text).components.find((c) => c.name === 'VCALENDAR');
  const event = tree && findEvent(tree, externalId);
  if (!tree || !event) throw new CalDavError('not_found', `The CalDAV server has no event ${externalId}`);
  const { replaces, properties } = withRefusal(() => eventProperties(request.fields ?? {}));
  const stamp = formatUtcBasic(state.now());
  const sequence = Number.parseInt(prop(event, 'SEQUENCE')?.value ?? '0', 10);
  const dropped = new Set([...replaces, 'DTSTAMP', 'LAST-MODIFIED', 'SEQUENCE']);
  event.properties = [
    ...event.properties.filter((p) => !dropped.has(p.name)),
    { name: 'DTSTAMP', params: {}, value: stamp },
    { name: 'LAST-MODIFIED', params: {}, value: stamp },
    { name: 'SEQUENCE', params: {}, value: String((Number.isFinite(sequence) ? sequence : 0) + 1) },
    ...properties,
  ];
  const text = serializeComponent(tree);
  const ifMatch = request.etag ?? stored.etag;
  const res = await objectRequest(state.ctx, 'PUT', stored.href, ifMatch ? { 'if-match': ifMatch } : {}, text);
  if (res.status === 412) return conflict(412, 'the event changed since it was last read');
  if (res.status === 404) throw new CalDavError('not_found', `The CalDAV server has no event ${externalId}`, { status: 404 });
  expectSuccess(res, 'PUT', stored.href);
  return { outcome: 'applied', externalId, version: await written(state.ctx, stored.href, res, text, externalId) };
}

async function remove(state: WriterState, request: CalDavWrite, externalId: string): Promise<CalDavWriteResult> {
  if (splitExternalId(externalId).recurrenceId !== null) {
    throw new CalDavError('invalid_request', 'One occurrence of a recurring event cannot be deleted on its own; update the series');
  }
  const hinted = typeof request.fields?.href === 'string' && request.fields.href !== '' && request.etag;
  const href = hinted ? new URL(request.fields!.href as string, state.ctx.baseUrl).href : (await findByUid(state, externalId))?.href;
  if (!href) return { outcome: 'gone' };
  const ifMatch = request.etag ?? (await fetchObject(state.ctx, href))?.etag ?? null;
  const res = await objectRequest(state.ctx, 'DELETE', href, ifMatch ? { 'if-match': ifMatch } : {});
  if (res.status === 404 || res.status === 410) return { outcome: 'gone' };
  if (res.status === 412) return conflict(412, 'the event changed since it was last read');
  expectSuccess(res, 'DELETE', href);
  return { outcome: 'applied', externalId, version: null };
}

export function createCalDavWriter(ctx: CalDavContext, options: { now?: () => number } = {}): CalDavWriter {
  const state: WriterState = { ctx, now: options.now ?? Date.now, calendars: null };
  return {
    canRead: true,
    async write(request) {
      if (request.op === 'create') return create(state, request);
      if (!request.externalId) throw new CalDavError('invalid_request', `An ${request.op} needs the event's id`);
      return request.op === 'update' ? update(state, request, request.externalId) : remove(state, request, request.externalId);
    },
    async read(externalId) {
      const stored = await locate(state, externalId, undefined);
      return stored ? versionOf(ctx, stored, externalId) : null;
    },
  };
}

function withRefusal<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof ICalendarWriteError ? refused(err) : err;
  }
}

function expectSuccess(res: SafeHttpResponse, method: string, href: string): void {
  if (res.status >= 200 && res.status < 300) return;
  throw new CalDavError('http_error', `${method} ${redacted(href)} answered HTTP ${res.status}`, { status: res.status });
}

function holdsUid(text: string, uid: string): boolean {
  try {
    return parseICalendar(text).components.some((cal) =>
      cal.components.some((c) => c.name === 'VEVENT' && prop(c, 'UID')?.value.trim() === uid),
    );
  } catch {
    return false;
  }
}

/** The VEVENT of an external id: the series (no RECURRENCE-ID) or the override whose recurrence id matches. */
function findEvent(calendar: ICalComponent, externalId: string): ICalComponent | undefined {
  const { uid, recurrenceId } = splitExternalId(externalId);
  const zones = new ZoneResolver(calendar.components.filter((c) => c.name === 'VTIMEZONE'));
  return calendar.components.find((c) => {
    if (c.name !== 'VEVENT' || prop(c, 'UID')?.value.trim() !== uid) return false;
    return parseEvent(c, zones).recurrenceId === recurrenceId;
  });
}
