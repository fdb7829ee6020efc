import type { ProviderDefinition, WriteEndpoints } from '../provider-definition.js';
import { graphqlConnection } from './shared.js';

const GRAPHQL_PATH = '/graphql';
const PAGE_SIZE = { default: 100, max: 250 };

const ISSUE_FIELDS =
  'id identifier title priority estimate url createdAt updatedAt completedAt canceledAt ' +
  'state { id name type } team { id key name } assignee { id name email } project { id name }';

/**
 * Issues are written with the mutations of https://linear.app/developers/graphql (schema: issueCreate(input),
 * issueUpdate(id, input), issueDelete(id)), each answering a payload with `success` and, for create and update, the
 * issue with the same fields as the listing. Errors come as GraphQL `errors` (the definition's errorPath), with HTTP
 * 200 or 400. Deleting moves the issue to the trash, where Linear keeps it 30 days.
 *
 * Linear takes no idempotency key, but `IssueCreateInput.id` lets the client choose the new issue's id ("in UUID v4
 * format; if none is provided, the backend will generate one"): each create names its issue with a UUID derived from
 * the write's idempotency key (`idempotencyField`), so a create sent again (a retry after a 5xx, a worker killed before
 * recording the answer) is refused by Linear as an id already taken, and the writer reads the issue back by that id
 * instead of creating a second one. A single issue is read (the re-read before an update, for conflicts) with the
 * `issues` query filtered on its id: an empty list means it is gone (deleted issues are not listed).
 */
const ISSUE_WRITES: WriteEndpoints = {
  create: {
    method: 'POST',
    path: GRAPHQL_PATH,
    encoding: 'graphql',
    query: `mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ${ISSUE_FIELDS} } } }`,
    fieldsPath: '/variables/input',
    recordPath: '/data/issueCreate/issue',
    idempotencyField: { path: '/variables/input/id', format: 'uuid' },
  },
  update: {
    method: 'POST',
    path: GRAPHQL_PATH,
    encoding: 'graphql',
    query: `mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { ${ISSUE_FIELDS} } } }`,
    fieldsPath: '/variables/input',
    idParam: '/variables/id',
    recordPath: '/data/issueUpdate/issue',
  },
  delete: {
    method: 'POST',
    path: GRAPHQL_PATH,
    encoding: 'graphql',
    query: 'mutation IssueDelete($id: String!) { issueDelete(id: $id) { success } }',
    idParam: '/variables/id',
    recordPath: '/data/issueDelete',
  },
  read: {
    path: GRAPHQL_PATH,
    encoding: 'graphql',
    query: `query IssueRead($id: ID!) { issues(filter: { id: { eq: $id } }, first: 1) { nodes { ${ISSUE_FIELDS} } } }`,
    idParam: '/variables/id',
    recordPath: '/data/issues/nodes/0',
  },
};

/** Linear's API is GraphQL only. A null `$filter` lists everything; incremental syncs set its updatedAt bound. */
export const definition: ProviderDefinition = {
  key: 'linear',
  name: 'Linear',
  category: 'developer',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://linear.app/oauth/authorize',
    tokenUrl: 'https://api.linear.app/oauth/token',
    revocationUrl: 'https://api.linear.app/oauth/revoke',
    // write: two-way sync creates, updates and deletes issues.
    defaultScopes: ['read', 'write'],
    scopeSeparator: ',',
    pkce: true,
    tokenAuthMethod: 'client_secret_post',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.linear.app',
  settings: [],
  errorPath: '/errors',
  test: { method: 'POST', path: GRAPHQL_PATH, body: { query: '{ viewer { id } }' } },
  rateLimitHeaders: {
    remaining: 'x-ratelimit-requests-remaining',
    reset: { header: 'x-ratelimit-requests-reset', format: 'unix_ms' },
  },
  // Hex HMAC-SHA256 of the raw body with the webhook's signing secret; the docs ask receivers to refuse a stale
  // `webhookTimestamp` (milliseconds, inside the signed body), and Linear's SDK (`LinearWebhooks.verify`) refuses
  // one more than a minute from now.
  webhooks: {
    docs: 'https://linear.app/developers/webhooks',
    registration: [
      'In Linear open Settings → API → Webhooks → New webhook, paste this URL and choose the data change events you sync.',
      "Copy the webhook's signing secret and set it as the webhook secret here.",
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'Linear-Signature', format: { style: 'value' }, encoding: 'hex' },
      timestamp: { source: { from: 'body', path: '/webhookTimestamp' }, format: 'unix_ms', toleranceSeconds: 60 },
    },
    eventId: [{ from: 'header', name: 'Linear-Delivery' }],
    eventType: [{ source: { from: 'body', path: '/type' } }],
    resourcesByEventType: {
      Issue: ['issues'],
      Comment: ['issues'],
      IssueLabel: ['issues'],
      Project: ['projects'],
      ProjectUpdate: ['projects'],
    },
  },
  resources: [
    graphqlConnection({
      key: 'issues',
      name: 'Issues',
      path: GRAPHQL_PATH,
      connection: 'issues',
      fields: ISSUE_FIELDS,
      variables: '$filter: IssueFilter',
      args: 'filter: $filter, orderBy: updatedAt',
      pageSize: PAGE_SIZE,
      incremental: { style: 'since_param', param: '/variables/filter/updatedAt/gt', format: 'iso8601' },
      write: ISSUE_WRITES,
    }),
    graphqlConnection({
      key: 'projects',
      name: 'Projects',
      path: GRAPHQL_PATH,
      connection: 'projects',
      fields: 'id name description url progress startDate targetDate createdAt updatedAt completedAt canceledAt',
      variables: '$filter: ProjectFilter',
      args: 'filter: $filter, orderBy: updatedAt',
      pageSize: PAGE_SIZE,
      incremental: { style: 'since_param', param: '/variables/filter/updatedAt/gt', format: 'iso8601' },
    }),
  ],
};
