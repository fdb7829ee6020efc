import type { ProviderDefinition } from '../provider-definition.js';
import { URL_SETTING_PATTERN } from './shared.js';

interface CaldavProviderOptions {
  key: string;
  name: string;
  /** Where discovery starts (current-user-principal, then the calendar home set). */
  defaultCalendarUrl: string;
}

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
