import type { Pagination, ProviderDefinition } from '../provider-definition.js';

const OFFSET: Pagination = { style: 'offset_total', offsetParam: 'offset', totalPath: '/total_items' };
const PAGE_SIZE = { param: 'count', default: 500, max: 1000 };

/** Mailchimp Marketing: no scopes, tokens never expire, and each account lives in one data center (`us6`). */
export const definition: ProviderDefinition = {
  key: 'mailchimp',
  name: 'Mailchimp',
  category: 'marketing',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://login.mailchimp.com/oauth2/authorize',
    tokenUrl: 'https://login.mailchimp.com/oauth2/token',
    defaultScopes: [],
    scopeSeparator: ' ',
    pkce: false,
    tokenAuthMethod: 'client_secret_post',
  },
  connectionValues: [
    {
      key: 'dc',
      source: 'discovery',
      url: 'https://login.mailchimp.com/oauth2/metadata',
      path: '/dc',
      pattern: '^[a-z]{2,4}[0-9]{1,3}$',
      credentialHeader: { name: 'Authorization', prefix: 'OAuth ' },
    },
  ],
  connector: 'rest',
  apiBaseUrl: 'https://{{dc}}.api.mailchimp.com/3.0',
  settings: [
    {
      key: 'listId',
      label: 'Audience ID',
      required: false,
      pattern: '^[A-Za-z0-9]{1,64}$',
      description: 'Needed to sync audience members: Audience → Settings → Audience name and defaults.',
      example: 'a1b2c3d4e5',
    },
  ],
  test: { method: 'GET', path: '/ping' },
  resources: [
    {
      key: 'lists',
      name: 'Audiences',
      method: 'GET',
      listPath: '/lists',
      pagination: OFFSET,
      pageSize: PAGE_SIZE,
      recordsPath: '/lists',
      idPath: '/id',
      updatedAtPath: null,
    },
    {
      key: 'campaigns',
      name: 'Campaigns',
      method: 'GET',
      listPath: '/campaigns',
      pagination: OFFSET,
      pageSize: PAGE_SIZE,
      recordsPath: '/campaigns',
      idPath: '/id',
      updatedAtPath: null,
    },
    {
      key: 'members',
      name: 'Audience members',
      method: 'GET',
      listPath: '/lists/{{listId}}/members',
      // Hypermedia links double the payload and are never mapped.
      defaultParams: { exclude_fields: '_links,members._links' },
      pagination: OFFSET,
      pageSize: PAGE_SIZE,
      recordsPath: '/members',
      idPath: '/id',
      updatedAtPath: '/last_changed',
      incremental: { style: 'since_param', param: 'since_last_changed', format: 'iso8601' },
    },
  ],
};
