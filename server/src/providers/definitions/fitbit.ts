import type { ProviderDefinition, ResourceDefinition } from '../provider-definition.js';

/**
 * A log list. Fitbit requires a date bound and offset=0 on every listing and pages through `pagination.next`
 * URLs. Dates are in the user's own time zone, which we do not know, hence a day of look-back.
 */
function logList(key: string, name: string, listPath: string, updatedAtPath: string | null): ResourceDefinition {
  return {
    key,
    name,
    method: 'GET',
    listPath,
    defaultParams: { afterDate: '2008-01-01', sort: 'asc', offset: 0 },
    pagination: { style: 'next_url_body', nextUrlPath: '/pagination/next' },
    pageSize: { param: 'limit', default: 100, max: 100 },
    recordsPath: `/${key}`,
    idPath: '/logId',
    updatedAtPath,
    incremental: { style: 'since_param', param: 'afterDate', format: 'date', lookbackSeconds: 24 * 3600 },
  };
}

export const definition: ProviderDefinition = {
  key: 'fitbit',
  name: 'Fitbit',
  category: 'health',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://www.fitbit.com/oauth2/authorize',
    tokenUrl: 'https://api.fitbit.com/oauth2/token',
    revocationUrl: 'https://api.fitbit.com/oauth2/revoke',
    defaultScopes: ['activity', 'heartrate', 'sleep', 'profile'],
    scopeSeparator: ' ',
    pkce: true,
    tokenAuthMethod: 'client_secret_basic',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.fitbit.com',
  settings: [
    {
      key: 'subscriberVerificationCode',
      label: 'Subscriber verification code',
      required: false,
      description: "The code dev.fitbit.com shows for the subscriber endpoint; Linkyard answers Fitbit's verification request with it.",
      pattern: '^[A-Za-z0-9_-]{1,200}$',
    },
  ],
  test: { method: 'GET', path: '/1/user/-/profile.json' },
  rateLimitHeaders: {
    remaining: 'fitbit-rate-limit-remaining',
    reset: { header: 'fitbit-rate-limit-reset', format: 'seconds_until' },
    retryAfter: 'retry-after',
  },
  // Base64 HMAC-SHA1 of the raw body keyed with `client secret + "&"`, then URL-encoded. Notifications are an array
  // of `{ collectionType, date, ownerId, … }` with no id, and Fitbit expects 204 within five seconds.
  webhooks: {
    docs: 'https://dev.fitbit.com/build/reference/web-api/developer-guide/using-subscriptions/',
    registration: [
      "In your Fitbit app's settings (dev.fitbit.com → Manage My Apps) add a subscriber with this URL and a verification code; Fitbit verifies it with GET ?verify=.",
      "Set the app's client secret as the webhook secret here, and create subscriptions for your users with the Subscriptions API.",
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha1',
      key: { encoding: 'utf8', suffix: '&' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Fitbit-Signature', format: { style: 'value' }, encoding: 'base64', percentEncoded: true },
    },
    // Subscriber verification: `GET ?verify=<code>`, 204 for the code the developer console shows, 404 otherwise.
    handshakes: [
      {
        kind: 'verify_query',
        method: 'GET',
        param: 'verify',
        setting: 'subscriberVerificationCode',
        matchStatus: 204,
        mismatchStatus: 404,
      },
    ],
    eventType: [{ source: { from: 'body', path: '/*/collectionType' } }],
    resourcesByEventType: { activities: ['activities'], sleep: ['sleep'], body: [], foods: [], userRevokedAccess: [] },
    successStatus: 204,
  },
  resources: [
    logList('activities', 'Activity logs', '/1/user/-/activities/list.json', '/lastModified'),
    // Sleep logs carry only local times without a zone, so they have no usable modification time.
    logList('sleep', 'Sleep logs', '/1.2/user/-/sleep/list.json', null),
  ],
};
