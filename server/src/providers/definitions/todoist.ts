import type { Pagination, ProviderDefinition } from '../provider-definition.js';

const CURSOR: Pagination = { style: 'cursor_body', param: 'cursor', cursorFrom: 'response', cursorPath: '/next_cursor' };
const PAGE_SIZE = { param: 'limit', default: 200, max: 200 };

/** The unified API v1 (REST v2 and Sync v9 are retired). Tokens do not expire. */
export const definition: ProviderDefinition = {
  key: 'todoist',
  name: 'Todoist',
  category: 'productivity',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://app.todoist.com/oauth/authorize',
    tokenUrl: 'https://api.todoist.com/oauth/access_token',
    defaultScopes: ['data:read'],
    scopeSeparator: ',',
    pkce: false,
    tokenAuthMethod: 'client_secret_post',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.todoist.com/api/v1',
  settings: [],
  test: { method: 'GET', path: '/user' },
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
