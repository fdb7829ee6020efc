import type { ProviderDefinition, ProviderSetting } from '../provider-definition.js';
import { LINK_HEADER_PAGINATION, URL_SETTING_PATTERN } from './shared.js';

function urlSetting(key: string, label: string, example: string): ProviderSetting {
  return { key, label, required: true, pattern: URL_SETTING_PATTERN, example };
}

/**
 * An admin-defined OAuth 2 API. Every URL comes from a setting; PKCE is sent because RFC 6749 servers ignore
 * parameters they do not know, and client_secret_basic is the one method RFC 6749 requires servers to support.
 * The single resource expects a JSON array of objects with an `id`, paged by Link headers if at all.
 */
export const definition: ProviderDefinition = {
  key: 'custom',
  name: 'Custom API',
  category: 'custom',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: '{{authorizationUrl}}',
    tokenUrl: '{{tokenUrl}}',
    revocationUrl: '{{revocationUrl}}',
    defaultScopes: [],
    scopeSeparator: ' ',
    pkce: true,
    tokenAuthMethod: 'client_secret_basic',
  },
  connector: 'rest',
  apiBaseUrl: '{{apiBaseUrl}}',
  settings: [
    urlSetting('authorizationUrl', 'Authorization URL', 'https://auth.example.com/oauth/authorize'),
    urlSetting('tokenUrl', 'Token URL', 'https://auth.example.com/oauth/token'),
    urlSetting('apiBaseUrl', 'API base URL', 'https://api.example.com/v1'),
    {
      key: 'revocationUrl',
      label: 'Revocation URL (RFC 7009)',
      required: false,
      pattern: URL_SETTING_PATTERN,
      description: 'Optional: where tokens are revoked on disconnect.',
      example: 'https://auth.example.com/oauth/revoke',
    },
    {
      key: 'listPath',
      label: 'Records path',
      required: true,
      // A second leading slash would make the path a protocol-relative URL to another host.
      pattern: '^/(?!/)[^\\s#]*$',
      description: 'Path, relative to the API base URL, that lists the records as a JSON array.',
      example: '/items',
    },
  ],
  test: { method: 'GET', path: '{{listPath}}' },
  // Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the
  // base64 bytes of the `whsec_…` secret; several signatures are separated by spaces.
  webhooks: {
    docs: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
    registration: [
      'Make the sending system POST its events to this URL signed per the Standard Webhooks specification (webhook-id, webhook-timestamp and webhook-signature headers).',
      'Set its whsec_… signing secret as the webhook secret here.',
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'base64', stripPrefix: 'whsec_' },
      signedContent: [
        { part: 'header', name: 'webhook-id' },
        { part: 'literal', value: '.' },
        { part: 'timestamp' },
        { part: 'literal', value: '.' },
        { part: 'body' },
      ],
      signature: { header: 'webhook-signature', format: { style: 'prefixed_list', separator: ' ', prefix: 'v1,' }, encoding: 'base64' },
      timestamp: { source: { from: 'header', name: 'webhook-timestamp' }, format: 'unix_seconds', toleranceSeconds: 300 },
    },
    eventId: [{ from: 'header', name: 'webhook-id' }],
    eventType: [{ source: { from: 'body', path: '/type' } }],
  },
  resources: [
    {
      key: 'records',
      name: 'Records',
      method: 'GET',
      listPath: '{{listPath}}',
      pagination: LINK_HEADER_PAGINATION,
      recordsPath: '',
      idPath: '/id',
      updatedAtPath: null,
    },
  ],
};
