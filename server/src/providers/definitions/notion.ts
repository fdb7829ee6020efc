import type { Pagination, ProviderDefinition, ResourceDefinition, WriteEndpoints } from '../provider-definition.js';

const CURSOR: Pagination = {
  style: 'cursor_body',
  param: 'start_cursor',
  cursorFrom: 'response',
  cursorPath: '/next_cursor',
  hasMorePath: '/has_more',
};
const PAGE_SIZE = { param: 'page_size', default: 100, max: 100 };

/**
 * Pages or databases shared with the integration, through search. Search has no time filter, but it sorts by
 * last edit, newest first, so an incremental sync stops at the first record it has already seen.
 */
function searchFor(key: string, name: string, objectType: 'page' | 'database'): ResourceDefinition {
  return {
    key,
    name,
    method: 'POST',
    listPath: '/search',
    defaultParams: {
      filter: { property: 'object', value: objectType },
      sort: { direction: 'descending', timestamp: 'last_edited_time' },
    },
    pagination: CURSOR,
    pageSize: PAGE_SIZE,
    recordsPath: '/results',
    idPath: '/id',
    updatedAtPath: '/last_edited_time',
    incremental: { style: 'stop_at_older' },
  };
}

/**
 * Pages are written as JSON (https://developers.notion.com/reference/post-page, /patch-page): create `POST /pages`
 * (the fields carry `parent` and `properties`), update `PATCH /pages/{id}` (the properties named change, others stay),
 * both answering the page. The API cannot delete a page: archiving it (`archived: true`, the UI's trash) is the
 * delete, and a read of an archived page counts as gone. Notion takes no idempotency key and no precondition.
 */
const PAGE_PATH = '/pages/{{id}}';
const PAGE_WRITES: WriteEndpoints = {
  create: { method: 'POST', path: '/pages', encoding: 'json', recordPath: '' },
  update: { method: 'PATCH', path: PAGE_PATH, encoding: 'json', recordPath: '' },
  delete: { method: 'PATCH', path: PAGE_PATH, encoding: 'json', body: { archived: true }, recordPath: '', goneStatuses: [404] },
  read: { path: PAGE_PATH, recordPath: '', deletedPath: '/archived' },
};

export const definition: ProviderDefinition = {
  key: 'notion',
  name: 'Notion',
  category: 'productivity',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    // Access is granted per page on the consent screen, not by scopes.
    defaultScopes: [],
    scopeSeparator: ' ',
    pkce: false,
    extraAuthorizationParams: { owner: 'user' },
    tokenAuthMethod: 'client_secret_basic',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.notion.com/v1',
  settings: [],
  // Pinned: shapes change between versions, and 2025-09-03 moved databases to data sources.
  requestHeaders: { 'Notion-Version': '2022-06-28' },
  test: { method: 'GET', path: '/users/me' },
  rateLimitHeaders: { retryAfter: 'retry-after' },
  // `sha256=` + hex HMAC-SHA256 of the raw body, keyed with the subscription's verification token. That token arrives
  // once, unsigned, in the body of the first POST; an admin confirms it in Notion and saves it as the webhook secret.
  webhooks: {
    docs: 'https://developers.notion.com/reference/webhooks',
    registration: [
      "In your Notion integration's settings open Webhooks → Create a subscription, paste this URL and choose the events.",
      "Notion sends a verification_token to this URL: set that token as the webhook secret here, then confirm it in Notion's Verify dialog.",
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Notion-Signature', format: { style: 'value', prefix: 'sha256=' }, encoding: 'hex' },
    },
    handshakes: [{ kind: 'capture_body', field: '/verification_token' }],
    eventId: [{ from: 'body', path: '/id' }],
    eventType: [{ source: { from: 'body', path: '/type' } }],
    resourcesByEventType: {
      'page.*': ['pages'],
      'comment.*': ['pages'],
      'database.*': ['databases'],
      'data_source.*': ['databases'],
    },
  },
  resources: [
    { ...searchFor('pages', 'Pages', 'page'), write: PAGE_WRITES },
    searchFor('databases', 'Databases', 'database'),
    {
      key: 'users',
      name: 'Users',
      method: 'GET',
      listPath: '/users',
      pagination: CURSOR,
      pageSize: PAGE_SIZE,
      recordsPath: '/results',
      idPath: '/id',
      updatedAtPath: null,
    },
  ],
};
