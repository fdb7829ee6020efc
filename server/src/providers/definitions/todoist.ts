import type { Pagination, ProviderDefinition, WriteEndpoints } from '../provider-definition.js';

const CURSOR: Pagination = { style: 'cursor_body', param: 'cursor', cursorFrom: 'response', cursorPath: '/next_cursor' };
const PAGE_SIZE = { param: 'limit', default: 200, max: 200 };

/**
 * Tasks are written as JSON (https://developer.todoist.com/api/v1/#tag/Tasks): create `POST /tasks`, update
 * `POST /tasks/{id}` (Todoist updates with POST), both answering the task; delete `DELETE /tasks/{id}` answering 204.
 * Todoist deduplicates writes that carry the same `X-Request-Id`, so each record of a push sends its own, and a
 * create retried after a lost answer or a crash is applied once.
 */
const TASK_PATH = '/tasks/{{id}}';
const TASK_WRITES: WriteEndpoints = {
  create: { method: 'POST', path: '/tasks', encoding: 'json', recordPath: '', idempotencyHeader: 'X-Request-Id' },
  update: { method: 'POST', path: TASK_PATH, encoding: 'json', recordPath: '', idempotencyHeader: 'X-Request-Id' },
  delete: { method: 'DELETE', path: TASK_PATH, encoding: 'none', recordPath: null, goneStatuses: [404] },
  read: { path: TASK_PATH, recordPath: '' },
};

/** The unified API v1 (REST v2 and Sync v9 are retired). Tokens do not expire. */
export const definition: ProviderDefinition = {
  key: 'todoist',
  name: 'Todoist',
  category: 'productivity',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://app.todoist.com/oauth/authorize',
    tokenUrl: 'https://api.todoist.com/oauth/access_token',
    // data:read_write: two-way sync creates, updates and deletes tasks.
    defaultScopes: ['data:read_write'],
    scopeSeparator: ',',
    pkce: false,
    tokenAuthMethod: 'client_secret_post',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.todoist.com/api/v1',
  settings: [],
  test: { method: 'GET', path: '/user' },
  // Base64 HMAC-SHA256 of the raw body with the app's client secret.
  webhooks: {
    docs: 'https://developer.todoist.com/sync/v9/#webhooks',
    registration: [
      'In the Todoist App Management Console open your app → Webhooks, paste this URL as the callback URL, choose the events and activate it (events come for users who authorized the app).',
      "Set the app's client secret as the webhook secret here.",
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Todoist-Hmac-SHA256', format: { style: 'value' }, encoding: 'base64' },
    },
    // Reused when a failed delivery is retried.
    eventId: [{ from: 'header', name: 'X-Todoist-Delivery-ID' }],
    eventType: [{ source: { from: 'body', path: '/event_name' } }],
    resourcesByEventType: { 'item:*': ['tasks'], 'note:*': ['tasks'], 'project:*': ['projects'] },
  },
  resources: [
    {
      key: 'tasks',
      name: 'Tasks',
      method: 'GET',
      listPath: '/tasks',
      pagination: CURSOR,
      pageSize: PAGE_SIZE,
      recordsPath: '/results',
      idPath: '/id',
      updatedAtPath: '/updated_at',
      write: TASK_WRITES,
    },
    {
      key: 'projects',
      name: 'Projects',
      method: 'GET',
      listPath: '/projects',
      pagination: CURSOR,
      pageSize: PAGE_SIZE,
      recordsPath: '/results',
      idPath: '/id',
      updatedAtPath: '/updated_at',
    },
  ],
};
