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
  settings: [],
  test: { method: 'GET', path: '/1/user/-/profile.json' },
  rateLimitHeaders: {
    remaining: 'fitbit-rate-limit-remaining',
    reset: { header: 'fitbit-rate-limit-reset', format: 'seconds_until' },
    retryAfter: 'retry-after',
  },
  resources: [
    logList('activities', 'Activity logs', '/1/user/-/activities/list.json', '/lastModified'),
    // Sleep logs carry only local times without a zone, so they have no usable modification time.
    logList('sleep', 'Sleep logs', '/1.2/user/-/sleep/list.json', null),
  ],
};
