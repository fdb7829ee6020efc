import type { ProviderDefinition, ResourceDefinition } from '../provider-definition.js';
import { HOST_LABEL_PATTERN } from './shared.js';

const ACCOUNT = 'https://{{subdomain}}.zendesk.com';

/** A collection with cursor pagination (`page[size]` / `page[after]`, the mode Zendesk recommends over offsets). */
function collection(key: string, name: string): Omit<ResourceDefinition, 'incremental'> {
  return {
    key,
    name,
    method: 'GET',
    listPath: `/${key}.json`,
    pagination: {
      style: 'cursor_body',
      param: 'page[after]',
      cursorFrom: 'response',
      cursorPath: '/meta/after_cursor',
      hasMorePath: '/meta/has_more',
    },
    pageSize: { param: 'page[size]', default: 100, max: 100 },
    recordsPath: `/${key}`,
    idPath: '/id',
    updatedAtPath: '/updated_at',
  };
}

/**
 * A collection with a cursor-based incremental export: later pages carry only the cursor, and the export ends
 * with `end_of_stream` rather than a missing cursor.
 */
function exportedCollection(key: string, name: string): ResourceDefinition {
  return {
    ...collection(key, name),
    incremental: {
      style: 'endpoint',
      method: 'GET',
      path: `/incremental/${key}/cursor.json`,
      sinceParam: 'start_time',
      format: 'unix_seconds',
      pagination: {
        style: 'cursor_body',
        param: 'cursor',
        cursorFrom: 'response',
        cursorPath: '/after_cursor',
        endPath: '/end_of_stream',
        cursorOnly: true,
      },
      pageSize: { param: 'per_page', default: 1000, max: 1000 },
      // Exports refuse a start_time in the last minute.
      lookbackSeconds: 120,
    },
  };
}

export const definition: ProviderDefinition = {
  key: 'zendesk',
  name: 'Zendesk',
  category: 'support',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: `${ACCOUNT}/oauth/authorizations/new`,
    tokenUrl: `${ACCOUNT}/oauth/tokens`,
    defaultScopes: ['read'],
    scopeSeparator: ' ',
    pkce: true,
    tokenAuthMethod: 'client_secret_post',
  },
  connector: 'rest',
  apiBaseUrl: `${ACCOUNT}/api/v2`,
  settings: [
    {
      key: 'subdomain',
      label: 'Zendesk subdomain',
      required: true,
      pattern: HOST_LABEL_PATTERN,
      description: 'The part before .zendesk.com in your Zendesk address.',
      example: 'acme',
    },
  ],
  test: { method: 'GET', path: '/users/me.json' },
  rateLimitHeaders: { remaining: 'x-rate-limit-remaining', retryAfter: 'retry-after' },
  // base64(HMAC-SHA256(timestamp + body)) with the webhook's signing secret; the timestamp is ISO 8601. The docs
  // name no tolerance, so Linkyard uses five minutes, like the other timestamped schemes. (A second Zendesk page,
  // under event connectors, publishes an example signed as body + timestamp; the webhooks page and its code
  // sample say timestamp + body, which is what this follows.)
  webhooks: {
    docs: 'https://developer.zendesk.com/documentation/webhooks/verifying/',
    registration: [
      'In Zendesk Admin Center open Apps and integrations → Webhooks → Create webhook, choose the events (or a trigger), and paste this URL as the endpoint (POST, JSON).',
      "Reveal the webhook's signing secret and set it as the webhook secret here.",
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'timestamp' }, { part: 'body' }],
      signature: { header: 'X-Zendesk-Webhook-Signature', format: { style: 'value' }, encoding: 'base64' },
      timestamp: { source: { from: 'header', name: 'X-Zendesk-Webhook-Signature-Timestamp' }, format: 'iso8601', toleranceSeconds: 300 },
    },
    // Event-subscription payloads (https://developer.zendesk.com/api-reference/webhooks/event-types/webhook-event-types/);
    // trigger and automation webhooks have bodies of the admin's making, so they concern every sync.
    eventId: [{ from: 'body', path: '/id' }],
    eventType: [{ source: { from: 'body', path: '/type' } }],
    resourcesByEventType: {
      'zen:event-type:ticket.*': ['tickets'],
      'zen:event-type:user.*': ['users'],
      'zen:event-type:organization.*': ['organizations'],
    },
  },
  resources: [exportedCollection('tickets', 'Tickets'), exportedCollection('users', 'Users'), collection('organizations', 'Organizations')],
};
