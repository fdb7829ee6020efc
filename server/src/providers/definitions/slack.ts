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
  // `v0=` + hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` with the app's signing secret; the docs
  // reject requests more than five minutes from local time.
  webhooks: {
    docs: 'https://api.slack.com/authentication/verifying-requests-from-slack',
    registration: [
      "In your Slack app's settings copy the Signing Secret (Basic Information) and set it as the webhook secret here first.",
      "Then open Event Subscriptions, turn events on and paste this URL as the Request URL: Slack's url_verification challenge is answered.",
      'Subscribe to the bot events you sync and reinstall the app if Slack asks.',
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'literal', value: 'v0:' }, { part: 'timestamp' }, { part: 'literal', value: ':' }, { part: 'body' }],
      signature: { header: 'X-Slack-Signature', format: { style: 'value', prefix: 'v0=' }, encoding: 'hex' },
      timestamp: { source: { from: 'header', name: 'X-Slack-Request-Timestamp' }, format: 'unix_seconds', toleranceSeconds: 300 },
    },
    // https://api.slack.com/events/url_verification: signed like any event, answered with its challenge.
    handshakes: [{ kind: 'echo_body', when: '/type', equals: 'url_verification', field: '/challenge' }],
    // The Events API envelope: https://api.slack.com/apis/events-api#callback-field
    eventId: [{ from: 'body', path: '/event_id' }],
    eventType: [{ source: { from: 'body', path: '/event/type' } }],
    resourcesByEventType: {
      'channel_*': ['conversations'],
      'group_*': ['conversations'],
      member_joined_channel: ['conversations'],
      member_left_channel: ['conversations'],
      team_join: ['users'],
      user_change: ['users'],
    },
  },
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
