import { FILTER_OPS, type ProviderDefinition, type WriteEndpoints } from '../provider-definition.js';

const DEFAULT_FIELDS = [
  'summary',
  'status',
  'issuetype',
  'priority',
  'assignee',
  'reporter',
  'project',
  'labels',
  'created',
  'updated',
  'resolutiondate',
];
const ISSUE_FIELDS = [...DEFAULT_FIELDS, 'description', 'duedate', 'components', 'fixVersions', 'parent', 'resolution'];

/**
 * Jira Cloud through Atlassian's OAuth 2.0 (3LO): API calls go through api.atlassian.com with the site's cloud id.
 * Jira Data Center uses the `apiBaseUrl`, `authorizationUrl` and `tokenUrl` overrides instead.
 */
/**
 * Issues are written with the fields as the body's `fields` (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/):
 * create answers 201 `{ id, key, self }` (read back, so the stored record is the issue), edit answers 204, delete 204
 * (404 once gone; an issue with subtasks is refused with 400 unless they go too, which Linkyard never asks for).
 * Jira has no idempotency key and no version precondition: creates are retried only after a 429, and conflicts are
 * found by re-reading the issue before an update.
 */
const ISSUE_PATH = '/rest/api/3/issue/{{id}}';
const ISSUE_WRITES: WriteEndpoints = {
  create: { method: 'POST', path: '/rest/api/3/issue', encoding: 'json', fieldsPath: '/fields', recordPath: '', readBack: true },
  update: { method: 'PUT', path: ISSUE_PATH, encoding: 'json', fieldsPath: '/fields', recordPath: null },
  delete: { method: 'DELETE', path: ISSUE_PATH, encoding: 'none', recordPath: null, goneStatuses: [404] },
  read: { path: ISSUE_PATH, recordPath: '' },
};

export const definition: ProviderDefinition = {
  key: 'jira',
  name: 'Jira',
  category: 'developer',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    // write:jira-work: two-way sync creates, edits and deletes issues.
    defaultScopes: ['read:jira-work', 'write:jira-work', 'read:jira-user', 'offline_access'],
    scopeSeparator: ' ',
    pkce: false,
    extraAuthorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    tokenAuthMethod: 'client_secret_post',
  },
  // The consent screen makes the user pick a site; accessible-resources lists the sites the grant covers.
  connectionValues: [
    {
      key: 'cloudId',
      source: 'discovery',
      url: 'https://api.atlassian.com/oauth/token/accessible-resources',
      path: '/0/id',
      pattern: '^[0-9a-fA-F-]{36}$',
    },
  ],
  connector: 'rest',
  apiBaseUrl: 'https://api.atlassian.com/ex/jira/{{cloudId}}',
  settings: [],
  test: { method: 'GET', path: '/rest/api/3/myself' },
  rateLimitHeaders: {
    remaining: 'x-ratelimit-remaining',
    reset: { header: 'x-ratelimit-reset', format: 'iso8601' },
    retryAfter: 'retry-after',
  },
  // Admin webhooks registered with a secret carry `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`
  // (WebSub's method=signature form).
  webhooks: {
    docs: 'https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks',
    registration: [
      'As a Jira admin open Settings → System → WebHooks → Create a WebHook, paste this URL, choose the issue events and type a secret.',
      'Set the same secret as the webhook secret here.',
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Hub-Signature', format: { style: 'value', prefix: 'sha256=' }, encoding: 'hex' },
    },
    // The same page: the identifier is the same on every retry of a delivery.
    eventId: [{ from: 'header', name: 'X-Atlassian-Webhook-Identifier' }],
    eventType: [{ source: { from: 'body', path: '/webhookEvent' } }],
    resourcesByEventType: { 'jira:issue_*': ['issues'], 'comment_*': ['issues'], 'project_*': ['projects'] },
  },
  resources: [
    {
      // The enhanced search (the offset-based /search was removed from Jira Cloud). It rejects unbounded JQL,
      // hence the epoch bound on full syncs, and returns only ids unless fields are named.
      key: 'issues',
      name: 'Issues',
      method: 'GET',
      listPath: '/rest/api/3/search/jql',
      defaultParams: {
        jql: 'updated >= "1970-01-01" ORDER BY updated ASC',
        fields: DEFAULT_FIELDS.join(','),
      },
      pagination: { style: 'page_token', param: 'nextPageToken', tokenPath: '/nextPageToken' },
      pageSize: { param: 'maxResults', default: 100, max: 100 },
      recordsPath: '/issues',
      idPath: '/id',
      updatedAtPath: '/fields/updated',
      incremental: {
        style: 'query_expression',
        param: 'jql',
        expression: 'updated >= {{since}} ORDER BY updated ASC',
        format: 'jql_relative_minutes',
      },
      // `fields` is the comma-separated list the search returns (id and key always come); filters become JQL
      // clauses ANDed in front of the listing's own.
      selective: {
        fields: { style: 'param', param: 'fields', joiner: ',', required: ['updated'] },
        knownFields: ISSUE_FIELDS,
        recordPrefix: 'fields.',
        filters: { style: 'jql', param: 'jql', ops: [...FILTER_OPS] },
      },
      write: ISSUE_WRITES,
    },
    {
      key: 'projects',
      name: 'Projects',
      method: 'GET',
      listPath: '/rest/api/3/project/search',
      pagination: { style: 'offset_total', offsetParam: 'startAt', totalPath: '/total' },
      pageSize: { param: 'maxResults', default: 50, max: 100 },
      recordsPath: '/values',
      idPath: '/id',
      updatedAtPath: null,
    },
  ],
};
