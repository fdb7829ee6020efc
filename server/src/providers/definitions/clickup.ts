import type { ProviderDefinition } from '../provider-definition.js';

const API = 'https://api.clickup.com/api/v2';

/** ClickUp has no scopes: the user picks Workspaces ("teams" in the API) on the consent screen. Tokens do not expire. */
export const definition: ProviderDefinition = {
  key: 'clickup',
  name: 'ClickUp',
  category: 'productivity',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://app.clickup.com/api',
    tokenUrl: `${API}/oauth/token`,
    defaultScopes: [],
    scopeSeparator: ' ',
    pkce: false,
    tokenAuthMethod: 'client_secret_post',
  },
  // Tasks are listed per Workspace: the first one the user authorized.
  connectionValues: [{ key: 'teamId', source: 'discovery', url: `${API}/team`, path: '/teams/0/id', pattern: '^[0-9]{1,20}$' }],
  connector: 'rest',
  apiBaseUrl: API,
  settings: [],
  test: { method: 'GET', path: '/user' },
  rateLimitHeaders: {
    remaining: 'x-ratelimit-remaining',
    reset: { header: 'x-ratelimit-reset', format: 'unix_seconds' },
  },
  // Hex HMAC-SHA256 of the raw body with the secret returned when the webhook was created.
  webhooks: {
    docs: 'https://developer.clickup.com/docs/webhooksignature',
    registration: [
      "Create the webhook with ClickUp's API: POST /api/v2/team/{team_id}/webhook with this URL as endpoint and the events you sync.",
      'Set the secret of the answer (webhook.secret) as the webhook secret here.',
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Signature', format: { style: 'value' }, encoding: 'hex' },
    },
    // ClickUp sends no event id; a webhook's history item id identifies the change it reports.
    eventId: [
      { from: 'body', path: '/webhook_id' },
      { from: 'body', path: '/history_items/0/id' },
    ],
    eventType: [{ source: { from: 'body', path: '/event' } }],
    resourcesByEventType: { 'task*': ['tasks'] },
  },
  resources: [
    {
      key: 'tasks',
      name: 'Tasks',
      method: 'GET',
      listPath: '/team/{{teamId}}/task',
      // Closed tasks and subtasks are left out unless asked for.
      defaultParams: { include_closed: true, subtasks: true },
      // Fixed pages of 100 tasks.
      pagination: { style: 'page_number', param: 'page', firstPage: 0, lastPagePath: '/last_page' },
      recordsPath: '/tasks',
      idPath: '/id',
      updatedAtPath: '/date_updated',
      updatedAtFormat: 'unix_ms',
      incremental: { style: 'since_param', param: 'date_updated_gt', format: 'unix_ms' },
    },
    {
      key: 'teams',
      name: 'Workspaces',
      method: 'GET',
      listPath: '/team',
      pagination: { style: 'none' },
      recordsPath: '/teams',
      idPath: '/id',
      updatedAtPath: null,
    },
  ],
};
