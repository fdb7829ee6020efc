import type { Pagination, ProviderDefinition } from '../provider-definition.js';

/** The last page has an empty next_cursor. */
const CURSOR: Pagination = {
  style: 'cursor_body',
  param: 'cursor',
  cursorFrom: 'response',
  cursorPath: '/response_metadata/next_cursor',
};

export const definition: ProviderDefinition = {
  key: 'slack',
  name: 'Slack',
  category: 'communication',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    defaultScopes: ['channels:read', 'groups:read', 'users:read'],
    scopeSeparator: ',',
    pkce: true,
    tokenAuthMethod: 'client_secret_basic',
  },
  connector: 'rest',
  apiBaseUrl: 'https://slack.com/api',
  settings: [],
  // Web API methods answer 200 with { ok: false, error } on failure.
  errorPath: '/error',
  test: { method: 'POST', path: '/auth.test' },
  rateLimitHeaders: { retryAfter: 'retry-after' },
  resources: [
    {
      key: 'conversations',
      name: 'Channels',
      method: 'GET',
      listPath: '/conversations.list',
      defaultParams: { types: 'public_channel,private_channel', exclude_archived: false },
      pagination: CURSOR,
      // Slack serves up to 1000 but recommends at most 200 per page.
      pageSize: { param: 'limit', default: 200, max: 1000 },
      recordsPath: '/channels',
      idPath: '/id',
      updatedAtPath: '/updated',
      updatedAtFormat: 'unix_ms',
    },
    {
      key: 'users',
      name: 'Users',
      method: 'GET',
      listPath: '/users.list',
      pagination: CURSOR,
      pageSize: { param: 'limit', default: 200, max: 1000 },
      recordsPath: '/members',
      idPath: '/id',
      updatedAtPath: '/updated',
      updatedAtFormat: 'unix_seconds',
    },
  ],
};
