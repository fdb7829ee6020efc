import type { ProviderDefinition, WriteEndpoints } from '../provider-definition.js';
import { URL_SETTING_PATTERN } from './shared.js';

interface CaldavProviderOptions {
  key: string;
  name: string;
  /** Where discovery starts (current-user-principal, then the calendar home set). */
  defaultCalendarUrl: string;
}

const ETAG = { from: 'header', name: 'ETag' } as const;

/**
 * Two-way sync of events (RFC 4791 §5.3.2, RFC 7232). The caldav connector's writer (caldav-writer.ts) performs these,
 * not the REST writer: it addresses the calendar object resource itself. Paths are relative to the event's calendar
 * and `{{id}}` is its UID: a create goes to `<calendar>/<uid>.ics`, other writes to the object the record's `href`
 * names, else the one a calendar-query on the UID finds (servers may name objects otherwise).
 * Declared here so that the sync and push checks, `GET /api/providers` (`writable`) and the docs see what it does.
 */
const CALDAV_EVENT_WRITES: WriteEndpoints = {
  // 412: an event with that UID is there already, never overwritten.
  create: {
    method: 'PUT',
    path: '',
    encoding: 'icalendar',
    recordPath: null,
    version: ETAG,
    precondition: { header: 'If-None-Match', value: 'any' },
    conflictStatuses: [412],
  },
  // The stored object with the written properties replaced, PUT with the base version's ETag: 412 = changed since.
  update: {
    method: 'PUT',
    path: '/{{id}}.ics',
    encoding: 'icalendar',
    recordPath: null,
    version: ETAG,
    precondition: { header: 'If-Match', value: 'etag' },
    conflictStatuses: [412],
  },
  delete: {
    method: 'DELETE',
    path: '/{{id}}.ics',
    encoding: 'none',
    recordPath: null,
    precondition: { header: 'If-Match', value: 'etag' },
    conflictStatuses: [412],
    goneStatuses: [404, 410],
  },
  read: { path: '/{{id}}.ics', recordPath: null, version: ETAG },
};

/**
 * A CalDAV server, authenticated with the account's username and an app password (both Apple and Fastmail refuse
 * the main password). The caldav connector discovers the calendars, REPORTs their events and parses iCalendar into
 * records shaped `{ uid, href, etag, summary, start, end, lastModified, … }`, which the paths below address.
 */
function caldavProvider({ key, name, defaultCalendarUrl }: CaldavProviderOptions): ProviderDefinition {
  return {
    key,
    name,
    category: 'calendar',
    authType: 'basic',
    connector: 'caldav',
    apiBaseUrl: '{{calendarUrl}}',
    settings: [
      {
        key: 'calendarUrl',
        label: 'CalDAV URL',
        required: false,
        default: defaultCalendarUrl,
        pattern: URL_SETTING_PATTERN,
        description: 'Change it only for a regional or self-hosted server.',
        example: defaultCalendarUrl,
      },
    ],
    test: { method: 'PROPFIND', path: '' },
    resources: [
      {
        key: 'events',
        name: 'Events',
        method: 'REPORT',
        listPath: '',
        pagination: { style: 'none' },
        recordsPath: '',
        idPath: '/externalId',
        updatedAtPath: '/lastModified',
        write: CALDAV_EVENT_WRITES,
      },
    ],
  };
}

/** Username: the Apple Account email; password: an app-specific password from account.apple.com. */
export const appleCalendar = caldavProvider({
  key: 'apple_calendar',
  name: 'Apple Calendar (iCloud)',
  defaultCalendarUrl: 'https://caldav.icloud.com/',
});

/** Username: the Fastmail address; password: an app password with CalDAV access. */
export const fastmail = caldavProvider({
  key: 'fastmail',
  name: 'Fastmail Calendar',
  defaultCalendarUrl: 'https://caldav.fastmail.com/dav/calendars/',
});
