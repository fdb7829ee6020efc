import type { Incremental, OAuthConfig, Pagination, ProviderDefinition, ProviderSetting } from '../provider-definition.js';
import type { WebhookDeclaration } from '../webhook-definition.js';

const GRAPH = 'https://graph.microsoft.com/v1.0';
const ODATA_NEXT_LINK: Pagination = { style: 'next_url_body', nextUrlPath: '/@odata.nextLink' };
const RATE_LIMIT_HEADERS = { retryAfter: 'retry-after' };

/** Microsoft identity platform endpoints are per directory, so the tenant is a setting. */
function tenantSetting(defaultTenant: 'common' | 'organizations'): ProviderSetting {
  return {
    key: 'tenant',
    label: 'Microsoft Entra tenant',
    required: false,
    default: defaultTenant,
    pattern: '^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$',
    description:
      'Directory (tenant) ID or domain of a single-tenant app; "common" also accepts personal accounts, ' +
      '"organizations" only work or school accounts.',
    example: 'contoso.onmicrosoft.com',
  };
}

function microsoftOAuth(scopes: string[]): OAuthConfig {
  const endpoint = 'https://login.microsoftonline.com/{{tenant}}/oauth2/v2.0';
  return {
    authorizationUrl: `${endpoint}/authorize`,
    tokenUrl: `${endpoint}/token`,
    // Without offline_access there is no refresh token.
    defaultScopes: ['offline_access', 'User.Read', ...scopes],
    scopeSeparator: ' ',
    pkce: true,
    tokenAuthMethod: 'client_secret_post',
  };
}

const MODIFIED_SINCE: Incremental = {
  style: 'query_expression',
  param: '$filter',
  expression: 'lastModifiedDateTime ge {{since}}',
  format: 'iso8601',
};

/** Teams data exists only for work and school accounts. */
/**
 * Microsoft Graph change notifications are not signed: each notification in `value` carries the `clientState` given
 * when the subscription was created (here the webhook secret). Creating a subscription first POSTs
 * `?validationToken=…`, which must be echoed as text/plain within 10 seconds. Notifications carry no event id.
 * The event type is the collection named in each notification's `resource` (`Users/{id}/Messages/{id}`).
 */
function graphWebhooks(resourcePattern: string, resourcesByEventType: Record<string, string[]>): WebhookDeclaration {
  return {
    docs: 'https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks',
    registration: [
      "Create a subscription: POST https://graph.microsoft.com/v1.0/subscriptions with this URL as notificationUrl, the resource and changeType you sync, and a random clientState; Graph's validationToken request is answered.",
      'Set the same clientState as the webhook secret here, and renew the subscription before its expirationDateTime.',
    ],
    verification: { scheme: 'token', token: { from: 'body', path: '/value/*/clientState' } },
    handshakes: [{ kind: 'echo_query', method: 'POST', param: 'validationToken' }],
    eventType: [{ source: { from: 'body', path: '/value/*/resource' }, pattern: resourcePattern }],
    resourcesByEventType,
  };
}

export const microsoftTeams: ProviderDefinition = {
  key: 'microsoft_teams',
  name: 'Microsoft Teams',
  category: 'communication',
  authType: 'oauth2',
  oauth: microsoftOAuth(['Team.ReadBasic.All', 'Chat.ReadBasic']),
  connector: 'rest',
  apiBaseUrl: GRAPH,
  settings: [tenantSetting('organizations')],
  test: { method: 'GET', path: '/me' },
  rateLimitHeaders: RATE_LIMIT_HEADERS,
  // Chat messages (`chats('…')/messages('…')`) and channel messages (`teams('…')/channels('…')/messages('…')`).
  webhooks: graphWebhooks('^/?([Cc]hats|[Tt]eams)(?:/|\\(|$)', { chats: ['chats'], Chats: ['chats'], teams: ['teams'], Teams: ['teams'] }),
  resources: [
    {
      key: 'teams',
      name: 'Joined teams',
      method: 'GET',
      listPath: '/me/joinedTeams',
      pagination: ODATA_NEXT_LINK,
      recordsPath: '/value',
      idPath: '/id',
      updatedAtPath: null,
    },
    {
      key: 'chats',
      name: 'Chats',
      method: 'GET',
      listPath: '/me/chats',
      pagination: ODATA_NEXT_LINK,
      pageSize: { param: '$top', default: 50, max: 50 },
      recordsPath: '/value',
      idPath: '/id',
      updatedAtPath: '/lastUpdatedDateTime',
    },
  ],
};

export const outlook: ProviderDefinition = {
  key: 'outlook',
  name: 'Outlook',
  category: 'communication',
  authType: 'oauth2',
  oauth: microsoftOAuth(['Mail.Read', 'Calendars.Read']),
  connector: 'rest',
  apiBaseUrl: GRAPH,
  settings: [tenantSetting('common')],
  test: { method: 'GET', path: '/me' },
  rateLimitHeaders: RATE_LIMIT_HEADERS,
  webhooks: graphWebhooks('(?:^|/)([Mm]essages|[Ee]vents)(?:/|\\(|$)', {
    messages: ['messages'],
    Messages: ['messages'],
    events: ['events'],
    Events: ['events'],
  }),
  resources: [
    {
      key: 'messages',
      name: 'Mail messages',
      method: 'GET',
      listPath: '/me/messages',
      defaultParams: {
        // Bodies are large and rarely mapped; the preview is enough for most mappings.
        $select: [
          'id',
          'subject',
          'bodyPreview',
          'from',
          'toRecipients',
          'ccRecipients',
          'receivedDateTime',
          'sentDateTime',
          'lastModifiedDateTime',
          'isRead',
          'hasAttachments',
          'conversationId',
          'webLink',
        ].join(','),
      },
      pagination: ODATA_NEXT_LINK,
      pageSize: { param: '$top', default: 100, max: 1000 },
      recordsPath: '/value',
      idPath: '/id',
      updatedAtPath: '/lastModifiedDateTime',
      incremental: MODIFIED_SINCE,
    },
    {
      key: 'events',
      name: 'Calendar events',
      method: 'GET',
      listPath: '/me/events',
      pagination: ODATA_NEXT_LINK,
      pageSize: { param: '$top', default: 100, max: 1000 },
      recordsPath: '/value',
      idPath: '/id',
      updatedAtPath: '/lastModifiedDateTime',
      incremental: MODIFIED_SINCE,
    },
  ],
};
