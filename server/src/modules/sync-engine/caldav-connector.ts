/**
 * The `caldav` connector (provider definitions `apple_calendar`, `fastmail`; docs/architecture.md, Sync engine): WebDAV
 * discovery of a user's calendars and a time-windowed listing of their events, parsed from iCalendar into flat
 * records that the definition's `recordsPath`/`idPath`/`updatedAtPath` address.
 *
 *   discovery   PROPFIND base (current-user-principal) → PROPFIND principal (calendar-home-set)
 *               → PROPFIND Depth: 1 home set (calendars: resourcetype calendar, VEVENT supported)   RFC 4791 §6, RFC 5397
 *   listing     REPORT calendar-query with a time-range per calendar, one page per calendar           RFC 4791 §7.8
 *               (+ calendar-multiget for resources a server lists without calendar-data)
 *
 * Requests, errors and the host rule for hrefs a server returns are in caldav-http.ts.
 */
import { SafeHttpError } from '../../lib/safe-http/index.js';
import { formatUtcBasic, parseEvents, type ParsedEvent } from './icalendar.js';
import {
  CalDavError,
  xmlText,
  xmlBytes,
  DAV_NS,
  CALDAV_NS,
  CALSERVER_NS,
  xmlChildren,
  propKey,
  hrefsIn,
  type DavResponse,
} from './caldav-protocol.js';
import { assertAllowedTarget, davRequest, redacted, sameResource, type CalDavContext } from './caldav-http.js';

// Callers import the connector, its HTTP context and its errors from one place.
export * from './caldav-protocol.js';
export * from './caldav-http.js';

export interface CalendarInfo {
  url: string;
  displayName: string;
  /** CalendarServer getctag, else the RFC 6578 sync-token: changes whenever the calendar's contents change. */
  ctag?: string;
}

/**
 * One event as a record: the parsed VEVENT (see `ParsedEvent` in icalendar.ts for each field) without
 * the window-check internals, plus where it lives. `uid` is never null here: events without one are skipped.
 */
export interface CalendarEventRecord extends Omit<ParsedEvent, 'uid' | 'startMs' | 'endMs' | 'recurring'> {
  /** `uid`, or `uid#recurrenceId` for an override of one instance of a series (also the page's external id). */
  externalId: string;
  uid: string;
  /** URL of the calendar collection. */
  calendar: string;
  /** Absolute URL of the calendar object resource holding the event. */
  href: string;
  etag: string | null;
}

export interface CalDavCursor {
  /** Index, in the calendar list, of the next calendar to list. */
  calendarIndex: number;
  /** URL of that calendar: on resume it wins over the index if the list changed in between. */
  calendarUrl?: string;
}

export interface CalDavPage {
  records: CalendarEventRecord[];
  externalIds: string[];
  updatedAt: (string | null)[];
  etags: (string | null)[];
  cursor: CalDavCursor;
  done: boolean;
}

// ------------------------------------------------------------------------------------------------------------
// HTTP

const xmlHead = '<?xml version="1.0" encoding="utf-8"?>\n';

const PRINCIPAL_PROPFIND =
  `${xmlHead}<d:propfind xmlns:d="DAV:" xmlns:c="${CALDAV_NS}" xmlns:cs="${CALSERVER_NS}"><d:prop>` +
  '<d:current-user-principal/><c:calendar-home-set/><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/>' +
  '<c:supported-calendar-component-set/></d:prop></d:propfind>';

const HOME_SET_PROPFIND = `${xmlHead}<d:propfind xmlns:d="DAV:" xmlns:c="${CALDAV_NS}"><d:prop><c:calendar-home-set/></d:prop></d:propfind>`;

const CALENDARS_PROPFIND =
  `${xmlHead}<d:propfind xmlns:d="DAV:" xmlns:c="${CALDAV_NS}" xmlns:cs="${CALSERVER_NS}"><d:prop>` +
  '<d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><c:supported-calendar-component-set/></d:prop></d:propfind>';

function calendarQuery(from: Date, to: Date): string {
  return (
    `${xmlHead}<c:calendar-query xmlns:d="DAV:" xmlns:c="${CALDAV_NS}"><d:prop><d:getetag/><c:calendar-data/></d:prop>` +
    `<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">` +
    `<c:time-range start="${formatUtcBasic(from.getTime())}" end="${formatUtcBasic(to.getTime())}"/>` +
    '</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>'
  );
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);

function calendarMultiget(hrefs: string[]): string {
  return (
    `${xmlHead}<c:calendar-multiget xmlns:d="DAV:" xmlns:c="${CALDAV_NS}"><d:prop><d:getetag/><c:calendar-data/></d:prop>` +
    hrefs.map((h) => `<d:href>${escapeXml(new URL(h).pathname)}</d:href>`).join('') +
    '</c:calendar-multiget>'
  );
}

// ------------------------------------------------------------------------------------------------------------
// Discovery

const get = (r: DavResponse, ns: string, name: string) => r.props.get(propKey(ns, name));

function isCalendar(r: DavResponse): boolean {
  return xmlChildren(get(r, DAV_NS, 'resourcetype'), CALDAV_NS, 'calendar').length > 0;
}

function supportsEvents(r: DavResponse): boolean {
  const set = get(r, CALDAV_NS, 'supported-calendar-component-set');
  if (!set) return true; // absent: every component type (RFC 4791 §5.2.3)
  return xmlChildren(set, CALDAV_NS, 'comp').some((c) => (c.attrs.name ?? '').toUpperCase() === 'VEVENT');
}

function calendarInfo(r: DavResponse): CalendarInfo {
  const displayName = xmlText(get(r, DAV_NS, 'displayname')).trim();
  const ctag = xmlText(get(r, CALSERVER_NS, 'getctag')).trim() || xmlText(get(r, DAV_NS, 'sync-token')).trim();
  let fallbackName: string;
  try {
    fallbackName = decodeURIComponent(new URL(r.href).pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    fallbackName = new URL(r.href).pathname;
  }
  return { url: r.href, displayName: displayName || fallbackName || r.href, ...(ctag ? { ctag } : {}) };
}

interface PrincipalInfo {
  /** The base URL response (for a base that is itself a calendar). */
  base: DavResponse | null;
  principalUrl: string | null;
  homeSets: string[];
}

async function findPrincipal(ctx: CalDavContext): Promise<PrincipalInfo> {
  const baseUrl = new URL(ctx.baseUrl).href;
  let responses: DavResponse[];
  let requestUrl = baseUrl;
  try {
    responses = await davRequest(ctx, 'PROPFIND', baseUrl, '0', PRINCIPAL_PROPFIND);
  } catch (err) {
    // RFC 6764: a bare server URL that is not a WebDAV resource may still answer at /.well-known/caldav.
    const wellKnown = new URL('/.well-known/caldav', baseUrl).href;
    const status = (err as CalDavError).status;
    if (!(err instanceof CalDavError) || ![404, 405, 501].includes(status ?? 0) || sameResource(wellKnown, baseUrl)) throw err;
    ctx.log({ level: 'debug', message: 'CalDAV base URL is not a WebDAV resource; trying /.well-known/caldav', data: { status } });
    requestUrl = wellKnown;
    responses = await davRequest(ctx, 'PROPFIND', wellKnown, '0', PRINCIPAL_PROPFIND);
  }
  const base = responses.find((r) => sameResource(r.href, requestUrl)) ?? responses[0] ?? null;
  if (!base) return { base: null, principalUrl: null, homeSets: [] };
  const principalUrl = hrefsIn(get(base, DAV_NS, 'current-user-principal'), base.href)[0] ?? null;
  return { base, principalUrl, homeSets: hrefsIn(get(base, CALDAV_NS, 'calendar-home-set'), base.href) };
}

/**
 * The user's event calendars (VTODO-only lists such as iCloud Reminders are left out), sorted by URL so a
 * cursor's index stays meaningful between runs. A base URL that is itself a calendar yields just that calendar.
 */
export async function discoverCalendars(ctx: CalDavContext): Promise<CalendarInfo[]> {
  const { base, principalUrl, homeSets: baseHomeSets } = await findPrincipal(ctx);
  if (base && isCalendar(base)) return supportsEvents(base) ? [calendarInfo(base)] : [];
  let homeSets = baseHomeSets;
  if (principalUrl && homeSets.length === 0) {
    const responses = await davRequest(ctx, 'PROPFIND', principalUrl, '0', HOME_SET_PROPFIND);
    const principal = responses.find((r) => sameResource(r.href, principalUrl)) ?? responses[0];
    homeSets = principal ? hrefsIn(get(principal, CALDAV_NS, 'calendar-home-set'), principal.href) : [];
    if (homeSets.length === 0) homeSets = [principalUrl]; // servers that keep calendars under the principal
  }
  if (homeSets.length === 0) {
    if (!base) throw new CalDavError('protocol', 'The CalDAV server named no principal or calendar home for these credentials');
    homeSets = [base.href]; // no principal support: the base URL is the calendar home
  }
  ctx.log({
    level: 'debug',
    message: 'CalDAV calendar home',
    data: { principal: principalUrl && redacted(principalUrl), homeSets: homeSets.map(redacted) },
  });

  const calendars = new Map<string, CalendarInfo>();
  for (const home of homeSets) {
    for (const r of await davRequest(ctx, 'PROPFIND', home, '1', CALENDARS_PROPFIND)) {
      if (sameResource(r.href, home) || !isCalendar(r) || !supportsEvents(r)) continue;
      const info = calendarInfo(r);
      if (![...calendars.keys()].some((url) => sameResource(url, info.url))) calendars.set(info.url, info);
    }
  }
  const list = [...calendars.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  ctx.log({ level: 'info', message: 'CalDAV calendars discovered', data: { count: list.length } });
  return list;
}

/** `{ ok, message }` for the integration's credential test: finds the principal, then reads it. Never throws for HTTP or network failures. */
export async function testCredentials(ctx: CalDavContext): Promise<{ ok: boolean; message: string }> {
  try {
    const { principalUrl } = await findPrincipal(ctx);
    if (!principalUrl) {
      return { ok: false, message: 'The CalDAV server answered but named no principal for these credentials; check the CalDAV URL' };
    }
    await davRequest(ctx, 'PROPFIND', principalUrl, '0', HOME_SET_PROPFIND);
    return { ok: true, message: `The CalDAV server accepted the credentials (principal ${new URL(principalUrl).pathname})` };
  } catch (err) {
    if (err instanceof CalDavError) return { ok: false, message: err.message };
    if (err instanceof SafeHttpError) return { ok: false, message: `Could not reach the CalDAV server: ${err.message}` };
    throw err;
  }
}

// ------------------------------------------------------------------------------------------------------------
// Listing

const MULTIGET_BATCH = 100;

interface CalendarObject {
  href: string;
  etag: string | null;
  data: Buffer;
}

async function fetchObjects(ctx: CalDavContext, calendarUrl: string, window: { from: Date; to: Date }): Promise<CalendarObject[]> {
  const responses = await davRequest(ctx, 'REPORT', calendarUrl, '1', calendarQuery(window.from, window.to));
  const objects: CalendarObject[] = [];
  const missing: string[] = [];
  for (const r of responses) {
    if (sameResource(r.href, calendarUrl)) continue;
    const data = get(r, CALDAV_NS, 'calendar-data');
    const etag = xmlText(get(r, DAV_NS, 'getetag')).trim() || null;
    if (data) objects.push({ href: r.href, etag, data: xmlBytes(data) });
    else if (r.status === null || (r.status >= 200 && r.status < 300)) missing.push(r.href);
  }
  // Servers that list matches without their data (calendar-data unsupported in calendar-query): fetch them.
  for (let i = 0; i < missing.length; i += MULTIGET_BATCH) {
    const batch = missing.slice(i, i + MULTIGET_BATCH);
    for (const href of batch) assertAllowedTarget(ctx, href);
    for (const r of await davRequest(ctx, 'REPORT', calendarUrl, '1', calendarMultiget(batch))) {
      const data = get(r, CALDAV_NS, 'calendar-data');
      if (data) objects.push({ href: r.href, etag: xmlText(get(r, DAV_NS, 'getetag')).trim() || null, data: xmlBytes(data) });
    }
  }
  return objects;
}

function overlaps(startMs: number | null, endMs: number | null, from: number, to: number): boolean {
  if (startMs === null) return true;
  const end = endMs ?? startMs;
  // RFC 4791 §9.9: a zero-length event matches when it starts inside the window.
  return end > startMs ? startMs < to && end > from : startMs >= from && startMs < to;
}

/** Calendar object resources → records, deduplicated by external id within the calendar. */
export function objectsToRecords(
  ctx: Pick<CalDavContext, 'log'>,
  calendarUrl: string,
  objects: { href: string; etag: string | null; data: Uint8Array | string }[],
  window?: { from: Date; to: Date },
): CalendarEventRecord[] {
  const records = new Map<string, CalendarEventRecord>();
  for (const object of objects) {
    const warnings: string[] = [];
    let events;
    try {
      events = parseEvents(object.data, (w) => warnings.push(w));
    } catch (err) {
      ctx.log({
        level: 'warn',
        message: 'CalDAV event could not be parsed; skipped',
        data: { href: redacted(object.href), error: (err as Error).message },
      });
      continue;
    }
    if (warnings.length > 0)
      ctx.log({
        level: 'debug',
        message: 'iCalendar repaired while parsing',
        data: { href: redacted(object.href), warnings: warnings.slice(0, 10) },
      });
    for (const event of events) {
      let uid = event.uid;
      if (!uid) {
        uid = object.href;
        ctx.log({ level: 'warn', message: 'VEVENT without UID; using its URL as the id', data: { href: redacted(object.href) } });
      }
      // A server returns a whole series when any instance matches; an override outside the window is not in it.
      if (
        window &&
        event.recurrenceId !== null &&
        !event.recurring &&
        !overlaps(event.startMs, event.endMs, window.from.getTime(), window.to.getTime())
      )
        continue;
      const externalId = event.recurrenceId ? `${uid}#${event.recurrenceId}` : uid;
      if (records.has(externalId)) {
        ctx.log({
          level: 'warn',
          message: 'Duplicate CalDAV event id in one calendar; keeping the first',
          data: { href: redacted(object.href) },
        });
        continue;
      }
      records.set(externalId, {
        externalId,
        uid,
        recurrenceId: event.recurrenceId,
        calendar: calendarUrl,
        summary: event.summary,
        description: event.description,
        location: event.location,
        start: event.start,
        end: event.end,
        allDay: event.allDay,
        timezone: event.timezone,
        rrule: event.rrule,
        exdates: event.exdates,
        status: event.status,
        organizer: event.organizer,
        attendees: event.attendees,
        lastModified: event.lastModified,
        sequence: event.sequence,
        href: object.href,
        etag: object.etag,
      });
    }
  }
  return [...records.values()];
}

/**
 * Events in the time window, one page per calendar (`calendars`, else every discovered calendar). The cursor of a
 * page points at the next calendar; pass it back to resume after a crash. An account without calendars yields
 * one empty, final page.
 */
export async function* listEventPages(
  ctx: CalDavContext,
  opts: { window: { from: Date; to: Date }; calendars?: string[]; cursor?: CalDavCursor | null },
): AsyncGenerator<CalDavPage> {
  const { from, to } = opts.window;
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
    throw new CalDavError('invalid_request', 'The event window needs valid dates with from < to');
  }
  const calendars = opts.calendars
    ? opts.calendars.map((c) => new URL(c, ctx.baseUrl).href)
    : (await discoverCalendars(ctx)).map((c) => c.url);
  let index = Math.max(0, Math.trunc(opts.cursor?.calendarIndex ?? 0));
  if (opts.cursor?.calendarUrl) {
    const at = calendars.findIndex((c) => sameResource(c, opts.cursor!.calendarUrl!));
    if (at >= 0) index = at;
  }
  if (index >= calendars.length) {
    yield { records: [], externalIds: [], updatedAt: [], etags: [], cursor: { calendarIndex: calendars.length }, done: true };
    return;
  }
  for (; index < calendars.length; index++) {
    ctx.signal?.throwIfAborted();
    const calendar = calendars[index];
    let records: CalendarEventRecord[] = [];
    try {
      records = objectsToRecords(ctx, calendar, await fetchObjects(ctx, calendar, opts.window), opts.window);
    } catch (err) {
      // A calendar deleted since discovery: nothing to list. Everything else stops the run.
      if (!(err instanceof CalDavError) || err.code !== 'not_found') throw err;
      ctx.log({ level: 'warn', message: 'CalDAV calendar no longer exists; skipped', data: { calendar: redacted(calendar) } });
    }
    ctx.log({ level: 'info', message: 'CalDAV calendar listed', data: { calendar: redacted(calendar), events: records.length } });
    const next = index + 1;
    yield {
      records,
      externalIds: records.map((r) => r.externalId),
      updatedAt: records.map((r) => r.lastModified),
      etags: records.map((r) => r.etag),
      cursor: next < calendars.length ? { calendarIndex: next, calendarUrl: calendars[next] } : { calendarIndex: next },
      done: next >= calendars.length,
    };
  }
}
