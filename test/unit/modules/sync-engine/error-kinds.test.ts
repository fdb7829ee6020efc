import t from 'tap';
import { BadRequest } from '../../../../server/src/lib/errors.js';
import { NetworkError } from '../../../../server/src/lib/safe-http/index.js';
import { describeOAuthError } from '../../../../server/src/modules/oauth/oauth-client.js';
import { IntegrationTokenError } from '../../../../server/src/modules/oauth/token-manager.js';
import { CalDavAuthError, CalDavError } from '../../../../server/src/modules/sync-engine/caldav-protocol.js';
import { ConnectorError, ProviderRequestError } from '../../../../server/src/modules/sync-engine/connector-errors.js';
import { classifyRunError } from '../../../../server/src/modules/sync-engine/error-kinds.js';

const answered = (status: number) =>
  new ProviderRequestError('http_status', `HTTP ${status}`, {
    status,
    method: 'GET',
    url: 'https://api.example.test/v1/x',
    retryable: false,
  });

t.test('each failure a run can end with gets the kind whose remedy helps', async (t) => {
  const dns = new NetworkError('api.example.test', Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
  const cases: [string, unknown, string][] = [
    ['a 401 that survived the refresh', answered(401), 'auth'],
    ['a 403', answered(403), 'auth'],
    ['a 429 longer than the run waits', answered(429), 'rate_limit'],
    ['a 503 after retries', answered(503), 'provider'],
    ['a 404', answered(404), 'provider'],
    [
      'no answer (DNS)',
      new ProviderRequestError('network', 'Could not reach X', { status: null, method: 'GET', url: 'x', retryable: false }),
      'network',
    ],
    ['a raw HTTP client failure (CalDAV)', dns, 'network'],
    ['an API key refused (no refresh possible)', new ConnectorError('http_status', 'refused (401)', false, { kind: 'auth' }), 'auth'],
    ['a body that is not JSON', new ConnectorError('invalid_response', 'not JSON', false), 'provider'],
    ['CalDAV refusing the password', new CalDavAuthError(), 'auth'],
    ['CalDAV throttling', new CalDavError('rate_limited', 'slow down', { status: 429 }), 'rate_limit'],
    ['a saved mapping the engine cannot compile', new BadRequest('Row 2: unknown transform', '/mappings/1/transform'), 'mapping'],
    ['not connected', new IntegrationTokenError('not_connected', 'X is not connected'), 'auth'],
    ['a refresh refused (invalid_grant)', new IntegrationTokenError('refresh_failed', 'invalid_grant', false, 'auth'), 'auth'],
    ['anything else', new Error('boom'), 'provider'],
  ];
  for (const [what, err, kind] of cases) t.equal(classifyRunError(err), kind, what);
});

t.test('a refresh whose token endpoint cannot be reached is a network failure, not a reason to reconnect', async (t) => {
  const dns = new NetworkError('login.example.test', Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
  t.equal(describeOAuthError(dns, 'token').kind, 'network');
  t.equal(describeOAuthError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'token').kind, 'network');
});
