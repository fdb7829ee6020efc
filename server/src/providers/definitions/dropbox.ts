import type { ProviderDefinition } from '../provider-definition.js';

const CONTINUE_PATH = '/2/files/list_folder/continue';

/** Dropbox's API is RPC over POST; listing a folder returns a cursor that later reports only the changes. */
export const definition: ProviderDefinition = {
  key: 'dropbox',
  name: 'Dropbox',
  category: 'storage',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
    tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    defaultScopes: ['account_info.read', 'files.metadata.read'],
    scopeSeparator: ' ',
    pkce: true,
    // Without it Dropbox issues a short-lived token and no refresh token.
    extraAuthorizationParams: { token_access_type: 'offline' },
    tokenAuthMethod: 'client_secret_basic',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.dropboxapi.com',
  settings: [],
  // An RPC endpoint without arguments: POST with no body.
  test: { method: 'POST', path: '/2/users/get_current_account' },
  rateLimitHeaders: { retryAfter: 'retry-after' },
  // Hex HMAC-SHA256 of the raw body with the app secret. Notifications only name the accounts that changed, carry
  // no id and repeat for every change, so they are not deduplicated.
  webhooks: {
    docs: 'https://www.dropbox.com/developers/reference/webhooks',
    registration: [
      "In the Dropbox App Console open your app → Webhooks and add this URL: Dropbox's GET challenge is answered.",
      'Set the app secret as the webhook secret here.',
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Dropbox-Signature', format: { style: 'value' }, encoding: 'hex' },
    },
    // Verification request: `GET ?challenge=…`, echoed as text/plain with X-Content-Type-Options: nosniff.
    handshakes: [{ kind: 'echo_query', method: 'GET', param: 'challenge' }],
  },
  resources: [
    {
      key: 'files',
      name: 'Files and folders',
      method: 'POST',
      listPath: '/2/files/list_folder',
      // '' is the root of the app's folder or of the whole Dropbox, depending on the app's access type.
      defaultParams: { path: '', recursive: true },
      pagination: {
        style: 'cursor_body',
        param: 'cursor',
        cursorFrom: 'response',
        cursorPath: '/cursor',
        hasMorePath: '/has_more',
        continuePath: CONTINUE_PATH,
      },
      pageSize: { param: 'limit', default: 2000, max: 2000 },
      recordsPath: '/entries',
      idPath: '/id',
      updatedAtPath: '/server_modified',
      incremental: { style: 'sync_token', param: 'cursor', tokenPath: '/cursor', path: CONTINUE_PATH },
    },
  ],
};
