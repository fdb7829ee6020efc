import type { OAuthConfig, Pagination, ProviderDefinition, WriteEndpoints } from '../provider-definition.js';

const SCOPE = 'https://www.googleapis.com/auth';

/** Google's OAuth endpoints are shared by every Google API; only the scopes differ. */
function googleOAuth(scopes: string[]): OAuthConfig {
  return {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revocationUrl: 'https://oauth2.googleapis.com/revoke',
    defaultScopes: scopes,
    scopeSeparator: ' ',
    pkce: true,
    // Google issues a refresh token only for offline access, and only on first consent unless consent is forced.
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
    tokenAuthMethod: 'client_secret_post',
  };
}

const PAGE_TOKEN: Pagination = { style: 'page_token', param: 'pageToken', tokenPath: '/nextPageToken' };

/** A sync token ends every complete listing; once it expires Google answers 410 and a full sync starts over. */
const SYNC_TOKEN = { style: 'sync_token', param: 'syncToken', tokenPath: '/nextSyncToken' } as const;

export const googleAnalytics: ProviderDefinition = {
  key: 'google_analytics',
  name: 'Google Analytics',
  category: 'analytics',
  authType: 'oauth2',
  oauth: googleOAuth([`${SCOPE}/analytics.readonly`]),
  connector: 'rest',
  apiBaseUrl: 'https://analyticsadmin.googleapis.com/v1beta',
  settings: [],
  test: { method: 'GET', path: '/accountSummaries?pageSize=1' },
  resources: [
    {
      // One entry per account, with its GA4 properties inline.
      key: 'account_summaries',
      name: 'Account summaries',
      method: 'GET',
      listPath: '/accountSummaries',
      pagination: PAGE_TOKEN,
      pageSize: { param: 'pageSize', default: 200, max: 200 },
      recordsPath: '/accountSummaries',
      idPath: '/name',
      updatedAtPath: null,
    },
  ],
};

/**
 * Events are written as JSON (https://developers.google.com/workspace/calendar/api/v3/reference/events): insert answers
 * the event, patch changes only the fields sent and answers the event with a new `etag`, delete answers 204 (410 once
 * deleted). Every event carries an `etag`; sent back in `If-Match` it makes Google refuse a write over a newer version
 * with 412 (https://developers.google.com/workspace/calendar/api/guides/version-resources). Inserts take no
 * precondition and no idempotency key, so they are not retried after a 5xx.
 */
const EVENT_PATH = '/calendars/{{calendarId}}/events/{{id}}';
const EVENT_VERSION = { from: 'record', path: '/etag' } as const;
const IF_MATCH = { header: 'If-Match', value: 'etag' } as const;
const EVENT_WRITES: WriteEndpoints = {
  create: { method: 'POST', path: '/calendars/{{calendarId}}/events', encoding: 'json', recordPath: '', version: EVENT_VERSION },
  update: {
    method: 'PATCH',
    path: EVENT_PATH,
    encoding: 'json',
    recordPath: '',
    version: EVENT_VERSION,
    precondition: IF_MATCH,
    conflictStatuses: [412],
  },
  delete: {
    method: 'DELETE',
    path: EVENT_PATH,
    encoding: 'none',
    recordPath: null,
    precondition: IF_MATCH,
    conflictStatuses: [412],
    goneStatuses: [404, 410],
  },
  read: { path: EVENT_PATH, recordPath: '', version: EVENT_VERSION },
};

export const googleCalendar: ProviderDefinition = {
  key: 'google_calendar',
  name: 'Google Calendar',
  category: 'calendar',
  authType: 'oauth2',
  // calendar.events: read and write events (two-way sync); the calendar list stays read-only.
  oauth: googleOAuth([`${SCOPE}/calendar.readonly`, `${SCOPE}/calendar.events`]),
  connector: 'rest',
  apiBaseUrl: 'https://www.googleapis.com/calendar/v3',
  settings: [],
  test: { method: 'GET', path: '/users/me/calendarList?maxResults=1' },
  // Push notifications are not signed: each carries the channel's token (set when the watch is created, here the
  // webhook secret) in X-Goog-Channel-Token. The first message of a channel has resource state `sync`.
  webhooks: {
    docs: 'https://developers.google.com/workspace/calendar/api/guides/push',
    registration: [
      'Open a watch channel on the calendar: POST calendars/{calendarId}/events/watch with type web_hook, this URL as address and a random token.',
      "Set the same token as the webhook secret here, and open a new channel before the channel's expiration.",
    ],
    verification: { scheme: 'token', token: { from: 'header', name: 'X-Goog-Channel-Token' } },
    // Message numbers increase within a channel, so the pair identifies a message.
    eventId: [
      { from: 'header', name: 'X-Goog-Channel-ID' },
      { from: 'header', name: 'X-Goog-Message-Number' },
    ],
    eventType: [{ source: { from: 'header', name: 'X-Goog-Resource-State' } }],
    // `exists` and `not_exists` concern the watched collection, which the channel does not name: every sync.
    resourcesByEventType: { sync: [] },
  },
  resources: [
    {
      key: 'events',
      name: 'Events',
      method: 'GET',
      listPath: '/calendars/{{calendarId}}/events',
      pathDefaults: { calendarId: 'primary' },
      pagination: PAGE_TOKEN,
      pageSize: { param: 'maxResults', default: 250, max: 2500 },
      recordsPath: '/items',
      idPath: '/id',
      updatedAtPath: '/updated',
      incremental: SYNC_TOKEN,
      write: EVENT_WRITES,
      // Partial responses (`fields`, https://developers.google.com/workspace/calendar/api/guides/performance): the
      // mask must keep the page and sync tokens. Events cannot be filtered by field alongside a sync token.
      selective: {
        fields: {
          style: 'param',
          param: 'fields',
          joiner: ',',
          template: 'nextPageToken,nextSyncToken,items({{fields}})',
          required: ['id', 'updated'],
        },
        knownFields: [
          'id',
          'status',
          'summary',
          'description',
          'location',
          'start',
          'end',
          'created',
          'updated',
          'creator',
          'organizer',
          'attendees',
          'recurrence',
          'recurringEventId',
          'htmlLink',
          'iCalUID',
        ],
      },
    },
    {
      key: 'calendars',
      name: 'Calendars',
      method: 'GET',
      listPath: '/users/me/calendarList',
      pagination: PAGE_TOKEN,
      pageSize: { param: 'maxResults', default: 250, max: 250 },
      recordsPath: '/items',
      idPath: '/id',
      updatedAtPath: null,
      incremental: SYNC_TOKEN,
    },
  ],
};

export const googleDrive: ProviderDefinition = {
  key: 'google_drive',
  name: 'Google Drive',
  category: 'storage',
  authType: 'oauth2',
  oauth: googleOAuth([`${SCOPE}/drive.metadata.readonly`]),
  connector: 'rest',
  apiBaseUrl: 'https://www.googleapis.com/drive/v3',
  settings: [],
  test: { method: 'GET', path: '/about?fields=user' },
  resources: [
    {
      key: 'files',
      name: 'Files',
      method: 'GET',
      listPath: '/files',
      defaultParams: {
        q: 'trashed = false',
        // Drive returns only id, name and mimeType unless asked; nextPageToken must be asked for too.
        fields: 'nextPageToken, files(id, name, mimeType, parents, owners, webViewLink, size, createdTime, modifiedTime)',
        supportsAllDrives: true,
        includeItemsFromAllDrives: true,
      },
      pagination: PAGE_TOKEN,
      pageSize: { param: 'pageSize', default: 100, max: 1000 },
      recordsPath: '/files',
      idPath: '/id',
      updatedAtPath: '/modifiedTime',
      incremental: {
        style: 'query_expression',
        param: 'q',
        expression: "trashed = false and modifiedTime >= '{{since}}'",
        format: 'iso8601',
      },
    },
    {
      key: 'drives',
      name: 'Shared drives',
      method: 'GET',
      listPath: '/drives',
      pagination: PAGE_TOKEN,
      pageSize: { param: 'pageSize', default: 100, max: 100 },
      recordsPath: '/drives',
      idPath: '/id',
      updatedAtPath: null,
    },
  ],
};

export const googleMeet: ProviderDefinition = {
  key: 'google_meet',
  name: 'Google Meet',
  category: 'communication',
  authType: 'oauth2',
  oauth: googleOAuth([`${SCOPE}/meetings.space.readonly`]),
  connector: 'rest',
  apiBaseUrl: 'https://meet.googleapis.com/v2',
  settings: [],
  test: { method: 'GET', path: '/conferenceRecords?pageSize=1' },
  resources: [
    {
      key: 'conference_records',
      name: 'Conference records',
      method: 'GET',
      listPath: '/conferenceRecords',
      pagination: PAGE_TOKEN,
      pageSize: { param: 'pageSize', default: 100, max: 100 },
      recordsPath: '/conferenceRecords',
      idPath: '/name',
      // A record changes last when the conference ends; ongoing ones have no endTime and are fetched once ended.
      updatedAtPath: '/endTime',
      incremental: {
        style: 'query_expression',
        param: 'filter',
        expression: 'end_time>="{{since}}"',
        format: 'iso8601',
      },
    },
  ],
};
