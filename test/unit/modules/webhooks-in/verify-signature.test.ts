import t from 'tap';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { getProvider } from '../../../../server/src/providers/catalog.js';
import type { WebhookDeclaration } from '../../../../server/src/providers/webhook-definition.js';
import {
  describeScheme,
  handshakeAnswer,
  parseTimestamp,
  verifyWebhook,
  type VerifyWebhookInput,
  type WebhookVerificationResult,
} from '../../../../server/src/modules/webhooks-in/verify-signature.js';

/*
 * Every provider's deliveries are signed here by code written from that provider's documentation (the `sign`
 * functions below), independently of the declarations they test; where a provider's docs publish a worked example,
 * the example itself is checked too.
 */

const NOW = new Date('2026-12-07T06:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const TEN_MINUTES_AGO = NOW_SECONDS - 600;
const URL = 'https://linkyard.example.com/api/webhooks/7d6f6f0e-5a0e-4c41-9d8e-2f4b1d1c9a11';

function declaration(provider: string): WebhookDeclaration {
  const webhooks = getProvider(provider)?.webhooks;
  if (!webhooks) throw new Error(`${provider} declares no webhooks`);
  return webhooks;
}

function hmac(algorithm: string, key: string | Buffer, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, key).update(data).digest(encoding);
}

function verify(provider: string, input: Partial<VerifyWebhookInput> & { body: string }): WebhookVerificationResult {
  const { body, ...rest } = input;
  return verifyWebhook(declaration(provider), {
    method: 'POST',
    url: URL,
    headers: {},
    query: {},
    rawBody: Buffer.from(body, 'utf8'),
    secret: 'test-secret',
    now: NOW,
    ...rest,
  });
}

function reasonOf(result: WebhookVerificationResult): string {
  return result.ok ? `ok (${result.kind})` : result.reason;
}

/** A provider delivery, signed at `at` (unix seconds) with `secret` as the provider's docs describe. */
interface ProviderCase {
  provider: string;
  secret: string;
  body: (at: number) => string;
  sign: (body: string, secret: string, at: number) => Record<string, string>;
  /** The header that carries the signature (or token), removed for the "missing" case. */
  signatureHeader: string;
  /** Whether the body is signed (Google's channel token covers no body). */
  signsBody?: false;
  /** Whether the scheme signs a timestamp, so an old delivery is refused. */
  timestamped: boolean;
  expected: { eventId: string | null; eventType: string | null; resources: string[] | null };
}

const cases: ProviderCase[] = [
  {
    provider: 'stripe',
    secret: 'whsec_test_secret',
    body: () => JSON.stringify({ id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', object: 'event', type: 'customer.subscription.updated' }),
    // docs.stripe.com/webhooks#verify-manually: signed_payload = t + "." + body; header t=…,v1=hex.
    sign: (body, secret, at) => ({ 'Stripe-Signature': `t=${at},v1=${hmac('sha256', secret, `${at}.${body}`, 'hex')}` }),
    signatureHeader: 'Stripe-Signature',
    timestamped: true,
    expected: { eventId: 'evt_1NG8Du2eZvKYlo2CUI79vXWy', eventType: 'customer.subscription.updated', resources: ['subscriptions'] },
  },
  {
    provider: 'github',
    secret: "It's a Secret to Everybody",
    body: () => JSON.stringify({ action: 'opened', pull_request: { id: 1 } }),
    sign: (body, secret) => ({
      'X-Hub-Signature-256': `sha256=${hmac('sha256', secret, body, 'hex')}`,
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'X-GitHub-Event': 'pull_request',
    }),
    signatureHeader: 'X-Hub-Signature-256',
    timestamped: false,
    expected: { eventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', eventType: 'pull_request', resources: ['pull_requests'] },
  },
  {
    provider: 'slack',
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    body: () => JSON.stringify({ team_id: 'T1DC2JH3J', type: 'event_callback', event_id: 'Ev08MFMKH6', event: { type: 'team_join' } }),
    sign: (body, secret, at) => ({
      'X-Slack-Signature': `v0=${hmac('sha256', secret, `v0:${at}:${body}`, 'hex')}`,
      'X-Slack-Request-Timestamp': String(at),
    }),
    signatureHeader: 'X-Slack-Signature',
    timestamped: true,
    expected: { eventId: 'Ev08MFMKH6', eventType: 'team_join', resources: ['users'] },
  },
  {
    provider: 'shopify',
    secret: 'shpss_client_secret',
    body: () => JSON.stringify({ id: 820982911946154500, email: 'jon@example.com' }),
    sign: (body, secret) => ({
      'X-Shopify-Hmac-Sha256': hmac('sha256', secret, body, 'base64'),
      'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'X-Shopify-Topic': 'orders/create',
    }),
    signatureHeader: 'X-Shopify-Hmac-Sha256',
    timestamped: false,
    expected: { eventId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', eventType: 'orders/create', resources: ['orders'] },
  },
  {
    provider: 'hubspot',
    secret: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
    // The request body of HubSpot's own validation example, plus a second event of another object type.
    body: () =>
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation",' +
      '"attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321},' +
      '{"eventId":2,"subscriptionId":12346,"portalId":62515,"occurredAt":1564113600001,"subscriptionType":"company.propertyChange",' +
      '"attemptNumber":0,"objectId":456,"changeSource":"CRM","appId":54321}]',
    // v3: base64 HMAC-SHA256 of method + URI + body + timestamp (milliseconds), keyed with the client secret.
    sign: (body, secret, at) => ({
      'X-HubSpot-Signature-v3': hmac('sha256', secret, `POST${URL}${body}${at * 1000}`, 'base64'),
      'X-HubSpot-Request-Timestamp': String(at * 1000),
    }),
    signatureHeader: 'X-HubSpot-Signature-v3',
    timestamped: true,
    expected: { eventId: '1', eventType: 'contact.creation', resources: ['contacts', 'companies'] },
  },
  {
    provider: 'linear',
    secret: 'lin_wh_signing_secret',
    // The timestamp travels in the signed body, in milliseconds.
    body: (at) => JSON.stringify({ action: 'update', type: 'Issue', data: { id: 'a1b2' }, webhookTimestamp: at * 1000 }),
    sign: (body, secret) => ({
      'Linear-Signature': hmac('sha256', secret, body, 'hex'),
      'Linear-Delivery': '234d1a4e-b617-4388-90fe-adc3633d6b72',
      'Linear-Event': 'Issue',
    }),
    signatureHeader: 'Linear-Signature',
    timestamped: true,
    expected: { eventId: '234d1a4e-b617-4388-90fe-adc3633d6b72', eventType: 'Issue', resources: ['issues'] },
  },
  {
    provider: 'zendesk',
    secret: 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==',
    body: () =>
      JSON.stringify({ type: 'zen:event-type:ticket.created', id: 'cbe4028c-7239-495d-b020-f22348516046', subject: 'zen:ticket:5' }),
    // base64(HMACSHA256(TIMESTAMP + BODY)), the timestamp ISO 8601.
    sign: (body, secret, at) => {
      const timestamp = new Date(at * 1000).toISOString().replace('.000Z', 'Z');
      return {
        'X-Zendesk-Webhook-Signature': hmac('sha256', secret, timestamp + body, 'base64'),
        'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
      };
    },
    signatureHeader: 'X-Zendesk-Webhook-Signature',
    timestamped: true,
    expected: { eventId: 'cbe4028c-7239-495d-b020-f22348516046', eventType: 'zen:event-type:ticket.created', resources: ['tickets'] },
  },
  {
    provider: 'jira',
    secret: 'jira-admin-webhook-secret',
    body: () => JSON.stringify({ timestamp: 1764000000000, webhookEvent: 'jira:issue_updated', issue: { id: '10001', key: 'LY-1' } }),
    sign: (body, secret) => ({
      'X-Hub-Signature': `sha256=${hmac('sha256', secret, body, 'hex')}`,
      'X-Atlassian-Webhook-Identifier': '1234567890',
    }),
    signatureHeader: 'X-Hub-Signature',
    timestamped: false,
    expected: { eventId: '1234567890', eventType: 'jira:issue_updated', resources: ['issues'] },
  },
  {
    provider: 'notion',
    secret: 'secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl',
    body: () =>
      JSON.stringify({ id: '367cba44-b6f3-4c92-81e7-6a2e9659efd4', type: 'page.content_updated', entity: { id: 'p1', type: 'page' } }),
    sign: (body, secret) => ({ 'X-Notion-Signature': `sha256=${hmac('sha256', secret, body, 'hex')}` }),
    signatureHeader: 'X-Notion-Signature',
    timestamped: false,
    expected: { eventId: '367cba44-b6f3-4c92-81e7-6a2e9659efd4', eventType: 'page.content_updated', resources: ['pages'] },
  },
  {
    provider: 'todoist',
    secret: 'todoist-client-secret',
    body: () => JSON.stringify({ event_name: 'item:completed', user_id: '2671355', event_data: { id: '6X7rM8997g3RQmvh' }, version: '9' }),
    sign: (body, secret) => ({
      'X-Todoist-Hmac-SHA256': hmac('sha256', secret, body, 'base64'),
      'X-Todoist-Delivery-ID': '3bf8d6cc-9cd2-4d3a-a94c-38a9a0a1c4d1',
    }),
    signatureHeader: 'X-Todoist-Hmac-SHA256',
    timestamped: false,
    expected: { eventId: '3bf8d6cc-9cd2-4d3a-a94c-38a9a0a1c4d1', eventType: 'item:completed', resources: ['tasks'] },
  },
  {
    provider: 'clickup',
    secret: 'clickup-webhook-secret',
    body: () =>
      JSON.stringify({
        webhook_id: '7689a169-a000-4985-8676-6902b96d6627',
        event: 'taskStatusUpdated',
        task_id: 'c0j',
        history_items: [{ id: '2800763136717140857', field: 'status' }],
      }),
    sign: (body, secret) => ({ 'X-Signature': hmac('sha256', secret, body, 'hex') }),
    signatureHeader: 'X-Signature',
    timestamped: false,
    expected: { eventId: '7689a169-a000-4985-8676-6902b96d6627:2800763136717140857', eventType: 'taskStatusUpdated', resources: ['tasks'] },
  },
  {
    provider: 'dropbox',
    secret: 'dropbox-app-secret',
    body: () => JSON.stringify({ list_folder: { accounts: ['dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc'] }, delta: { users: [12345678] } }),
    sign: (body, secret) => ({ 'X-Dropbox-Signature': hmac('sha256', secret, body, 'hex') }),
    signatureHeader: 'X-Dropbox-Signature',
    timestamped: false,
    expected: { eventId: null, eventType: null, resources: null },
  },
  {
    provider: 'quickbooks',
    secret: 'quickbooks-verifier-token',
    body: () =>
      JSON.stringify([
        {
          specversion: '1.0',
          id: '88cd52ec-5d59-4a11-8d4a-1fa3b2d7c1ee-Customer-123',
          source: 'intuit.abc',
          type: 'qbo.customer.merged.v1',
          intuitentityid: '123',
          intuitaccountid: '9341455',
          data: { deletedid: '27' },
        },
      ]),
    sign: (body, secret) => ({ 'intuit-signature': hmac('sha256', secret, body, 'base64') }),
    signatureHeader: 'intuit-signature',
    timestamped: false,
    expected: {
      eventId: '88cd52ec-5d59-4a11-8d4a-1fa3b2d7c1ee-Customer-123',
      eventType: 'qbo.customer.merged.v1',
      resources: ['customers'],
    },
  },
  {
    provider: 'fitbit',
    secret: 'fitbit-client-secret',
    body: () =>
      JSON.stringify([{ collectionType: 'activities', date: '2026-12-06', ownerId: '228S74', ownerType: 'user', subscriptionId: '1234' }]),
    // HMAC-SHA1 keyed with the client secret and "&", BASE64 encoded and then URL encoded.
    sign: (body, secret) => ({ 'X-Fitbit-Signature': encodeURIComponent(hmac('sha1', `${secret}&`, body, 'base64')) }),
    signatureHeader: 'X-Fitbit-Signature',
    timestamped: false,
    expected: { eventId: null, eventType: 'activities', resources: ['activities'] },
  },
  {
    provider: 'google_calendar',
    secret: 'channel-token-7Qk2',
    body: () => '',
    sign: (_body, secret) => ({
      'X-Goog-Channel-ID': '01234567-89ab-cdef-0123456789ab',
      'X-Goog-Channel-Token': secret,
      'X-Goog-Message-Number': '10',
      'X-Goog-Resource-ID': 'o3hgv1538sdjfh',
      'X-Goog-Resource-State': 'exists',
    }),
    signatureHeader: 'X-Goog-Channel-Token',
    signsBody: false,
    timestamped: false,
    expected: { eventId: '01234567-89ab-cdef-0123456789ab:10', eventType: 'exists', resources: null },
  },
  {
    provider: 'custom',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    body: () => JSON.stringify({ type: 'contact.updated', data: { id: 42 } }),
    // id.timestamp.body, keyed with the base64-decoded secret after whsec_, sent as v1,<base64>.
    sign: (body, secret, at) => ({
      'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      'webhook-timestamp': String(at),
      'webhook-signature': `v1,${hmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'), `msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.${at}.${body}`, 'base64')}`,
    }),
    signatureHeader: 'webhook-signature',
    timestamped: true,
    expected: { eventId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', eventType: 'contact.updated', resources: null },
  },
];

/** Microsoft Graph notifications carry the token (clientState) in the body. */
function graphBody(clientStates: string[], resource = 'Users/87d349ed-44d7-43e1-9a83-5f2406dee5bd/Messages/AAMkADMxZmE='): string {
  return JSON.stringify({
    value: clientStates.map((clientState) => ({
      subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
      clientState,
      changeType: 'created',
      resource,
      tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
    })),
  });
}

/** The body with one byte changed: its first lowercase letter, which every test body has in a key or value. */
function modifyOneByte(body: string): string {
  const at = body.search(/[a-z]/);
  return body.slice(0, at) + (body[at] === 'a' ? 'b' : 'a') + body.slice(at + 1);
}

/** Another secret of the same shape (Standard Webhooks secrets must stay base64 after `whsec_`). */
function otherSecret(secret: string): string {
  return secret.startsWith('whsec_') ? `whsec_${Buffer.from('another secret entirely').toString('base64')}` : `${secret}-other`;
}

for (const item of cases) {
  t.test(`${item.provider}: a delivery signed as the docs say is accepted, with its event id, type and resources`, async (t) => {
    const body = item.body(NOW_SECONDS);
    const result = verify(item.provider, { body, headers: item.sign(body, item.secret, NOW_SECONDS), secret: item.secret });
    t.equal(reasonOf(result), 'ok (event)');
    if (result.ok && result.kind === 'event') {
      t.same({ eventId: result.eventId, eventType: result.eventType, resources: result.resources }, item.expected);
      t.same(result.payload, body === '' ? null : JSON.parse(body), 'the parsed body is handed on for forwarding');
    }
  });

  t.test(`${item.provider}: forged, tampered, replayed and unsigned deliveries are refused with the reason`, async (t) => {
    const body = item.body(NOW_SECONDS);
    const signed = item.sign(body, item.secret, NOW_SECONDS);
    const forged = item.sign(body, otherSecret(item.secret), NOW_SECONDS);
    t.equal(reasonOf(verify(item.provider, { body, headers: forged, secret: item.secret })), 'bad_signature', 'signed with another secret');
    if (item.signsBody !== false) {
      const tampered = modifyOneByte(body);
      t.not(tampered, body);
      t.equal(
        reasonOf(verify(item.provider, { body: tampered, headers: signed, secret: item.secret })),
        'bad_signature',
        'one byte changed',
      );
    }
    if (item.timestamped) {
      const oldBody = item.body(TEN_MINUTES_AGO);
      const old = item.sign(oldBody, item.secret, TEN_MINUTES_AGO);
      t.equal(
        reasonOf(verify(item.provider, { body: oldBody, headers: old, secret: item.secret })),
        'stale_timestamp',
        'signed ten minutes ago',
      );
    }
    const unsigned = Object.fromEntries(Object.entries(signed).filter(([name]) => name !== item.signatureHeader));
    t.equal(reasonOf(verify(item.provider, { body, headers: unsigned, secret: item.secret })), 'missing_signature', 'no signature header');
    const garbled = { ...signed, [item.signatureHeader]: 'not a signature' };
    t.match(
      reasonOf(verify(item.provider, { body, headers: garbled, secret: item.secret })),
      /^(malformed_signature|bad_signature|missing_timestamp)$/,
      'a garbled signature header',
    );
    t.equal(reasonOf(verify(item.provider, { body, headers: signed, secret: '' })), 'no_secret', 'no secret verifies nothing');
  });
}

t.test('every provider API.md names declares webhooks, and each is covered by a case above', async (t) => {
  const named = ['stripe', 'github', 'slack', 'shopify', 'hubspot', 'linear', 'zendesk', 'jira', 'notion', 'todoist', 'clickup'];
  named.push('dropbox', 'quickbooks', 'fitbit', 'google_calendar', 'microsoft_teams', 'outlook', 'custom');
  for (const provider of named) {
    t.ok(getProvider(provider)?.webhooks, `${provider} declares webhooks`);
    if (!['microsoft_teams', 'outlook'].includes(provider))
      t.ok(
        cases.some((item) => item.provider === provider),
        `${provider} has a case`,
      );
  }
});

t.test('GitHub: the docs example (secret, payload, signature) verifies', async (t) => {
  const result = verify('github', {
    body: 'Hello, World!',
    secret: "It's a Secret to Everybody",
    headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' },
  });
  t.equal(reasonOf(result), 'ok (event)');
  t.match(result, { eventId: null, eventType: null, resources: null, payload: null }, 'not JSON, no delivery headers');
});

t.test('Slack: the docs walkthrough example verifies at its own time, and is stale today', async (t) => {
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F' +
    'commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const headers = {
    'X-Slack-Request-Timestamp': '1531420618',
    'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  };
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  t.equal(reasonOf(verify('slack', { body, headers, secret, now: new Date(1531420618 * 1000) })), 'ok (event)');
  t.equal(reasonOf(verify('slack', { body, headers, secret })), 'stale_timestamp');
});

t.test('Slack: a signed url_verification is answered with its challenge; an unsigned one is refused', async (t) => {
  const secret = 'slack-signing-secret';
  const body = JSON.stringify({
    token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
    challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    type: 'url_verification',
  });
  const headers = {
    'X-Slack-Signature': `v0=${hmac('sha256', secret, `v0:${NOW_SECONDS}:${body}`, 'hex')}`,
    'X-Slack-Request-Timestamp': String(NOW_SECONDS),
  };
  t.same(verify('slack', { body, headers, secret }), {
    ok: true,
    kind: 'handshake',
    answer: {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
      body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    },
  });
  t.equal(reasonOf(verify('slack', { body, secret })), 'missing_signature');
});

t.test(
  'Standard Webhooks (Custom): the spec example verifies, and so does a delivery signed by the standardwebhooks library',
  async (t) => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const example = {
      body: '{"test": 2432232314}',
      secret,
      now: new Date(1614265330 * 1000),
      headers: {
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      },
    };
    t.equal(reasonOf(verify('custom', example)), 'ok (event)');
    t.equal(
      reasonOf(verify('custom', { ...example, headers: { ...example.headers, 'webhook-id': 'msg_other' } })),
      'bad_signature',
      'the id is signed',
    );

    const body = JSON.stringify({ type: 'invoice.paid' });
    const signature = new Webhook(secret).sign('msg_lib', NOW, body);
    const rotated = `v1,${Buffer.alloc(32).toString('base64')} ${signature}`;
    const headers = { 'webhook-id': 'msg_lib', 'webhook-timestamp': String(NOW_SECONDS), 'webhook-signature': rotated };
    const result = verify('custom', { body, secret, headers });
    t.match(result, { ok: true, kind: 'event', eventId: 'msg_lib', eventType: 'invoice.paid' }, 'any of several signatures may match');
    t.equal(reasonOf(verify('custom', { body, secret, headers: { ...headers, 'webhook-id': undefined } })), 'missing_signature');
  },
);

t.test('Stripe: any v1 of a rolled secret verifies, other schemes are ignored, and t is signed', async (t) => {
  const secret = 'whsec_current';
  const body = JSON.stringify({ id: 'evt_2', type: 'invoice.paid' });
  const good = hmac('sha256', secret, `${NOW_SECONDS}.${body}`, 'hex');
  const old = hmac('sha256', 'whsec_previous', `${NOW_SECONDS}.${body}`, 'hex');
  const header = `t=${NOW_SECONDS}, v1=${old}, v1=${good}, v0=${'0'.repeat(64)}`;
  t.match(verify('stripe', { body, secret, headers: { 'Stripe-Signature': header } }), {
    ok: true,
    eventId: 'evt_2',
    resources: ['invoices'],
  });
  const onlyV0 = `t=${NOW_SECONDS},v0=${good}`;
  t.equal(reasonOf(verify('stripe', { body, secret, headers: { 'Stripe-Signature': onlyV0 } })), 'malformed_signature', 'no v1 at all');
  const movedT = `t=${NOW_SECONDS + 1},v1=${good}`;
  t.equal(
    reasonOf(verify('stripe', { body, secret, headers: { 'Stripe-Signature': movedT } })),
    'bad_signature',
    'a fresher t is not signed',
  );
  t.equal(reasonOf(verify('stripe', { body, secret, headers: { 'Stripe-Signature': `v1=${good}` } })), 'missing_timestamp');
  t.equal(
    reasonOf(
      verify('stripe', { body, secret, headers: { 'Stripe-Signature': `t=soon,v1=${hmac('sha256', secret, `soon.${body}`, 'hex')}` } }),
    ),
    'malformed_timestamp',
  );
});

t.test(
  'Zendesk: the webhooks page formula (timestamp + body) is followed, not the event-connectors example (body + timestamp)',
  async (t) => {
    const body = '{"say": "hello"}';
    const headers = {
      'X-Zendesk-Webhook-Signature': 'tRDSF7URY8BLCDlaBcQ7FHu051Zk+aAB0NKMP53teMw=',
      'X-Zendesk-Webhook-Signature-Timestamp': '2021-07-25T10:00:00Z',
    };
    const now = new Date('2021-07-25T10:00:00Z');
    const secret = 'HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=';
    t.equal(reasonOf(verify('zendesk', { body, headers, secret, now })), 'bad_signature');
    const timestampFirst = { ...headers, 'X-Zendesk-Webhook-Signature': hmac('sha256', secret, `2021-07-25T10:00:00Z${body}`, 'base64') };
    t.equal(reasonOf(verify('zendesk', { body, headers: timestampFirst, secret, now })), 'ok (event)');
  },
);

t.test('Dropbox: the GET challenge is echoed as plain text, before and without any signature', async (t) => {
  const challenge = { method: 'GET', body: '', query: { challenge: 'f7f5a9c1-challenge' } };
  const expected = {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body: 'f7f5a9c1-challenge',
  };
  t.same(verify('dropbox', { ...challenge, secret: '' }), { ok: true, kind: 'handshake', answer: expected });
  const request = { method: 'GET', url: URL, headers: {}, query: { challenge: 'f7f5a9c1-challenge' }, rawBody: Buffer.alloc(0) };
  t.same(handshakeAnswer(declaration('dropbox'), request), expected);
  t.equal(handshakeAnswer(declaration('dropbox'), { ...request, query: {} }), null, 'a GET without challenge is no handshake');
  t.equal(reasonOf(verify('dropbox', { body: '{}', query: { challenge: 'x' } })), 'missing_signature', 'a POST is never a challenge');
  t.equal(
    handshakeAnswer(declaration('dropbox'), { ...request, query: { challenge: 'x'.repeat(5000) } }),
    null,
    'absurd values are not echoed',
  );
});

t.test('Microsoft Graph: validationToken is echoed; every notification must carry the clientState', async (t) => {
  const secret = 'client-state-secret';
  const validation = verify('outlook', {
    body: '',
    query: { validationToken: 'Validation: Testing client application reachability' },
    secret: '',
  });
  t.match(validation, {
    ok: true,
    kind: 'handshake',
    answer: { status: 200, body: 'Validation: Testing client application reachability' },
  });
  t.match(verify('outlook', { body: graphBody([secret, secret]), secret }), {
    ok: true,
    kind: 'event',
    eventId: null,
    eventType: 'Messages',
    resources: ['messages'],
  });
  t.match(verify('outlook', { body: graphBody([secret], 'me/events/AAMkAGI1'), secret }), { ok: true, resources: ['events'] });
  t.equal(
    reasonOf(verify('outlook', { body: graphBody([secret, 'forged']), secret })),
    'bad_signature',
    'one forged notification spoils the batch',
  );
  t.equal(reasonOf(verify('outlook', { body: graphBody(['forged']), secret })), 'bad_signature');
  t.equal(reasonOf(verify('outlook', { body: JSON.stringify({ value: [{ resource: 'me/messages/1' }] }), secret })), 'missing_signature');
  t.equal(reasonOf(verify('outlook', { body: 'not json', secret })), 'missing_signature');
  const chat = graphBody([secret], "chats('19:8b081ef6@thread.v2')/messages('1612289765949')");
  t.match(verify('microsoft_teams', { body: chat, secret }), { ok: true, eventType: 'chats', resources: ['chats'] });
  const channel = graphBody([secret], "teams('fbe2bf47')/channels('19:4a95f7d8@thread.tacv2')/messages('1612293113399')");
  t.match(verify('microsoft_teams', { body: channel, secret }), { ok: true, eventType: 'teams', resources: ['teams'] });
});

t.test('Fitbit: subscriber verification answers 204 for the right code and 404 otherwise; notifications answer 204', async (t) => {
  const settings = { subscriberVerificationCode: 'c2f9e4d8a013' };
  const get = (code: string, withSettings = settings) =>
    verify('fitbit', { method: 'GET', body: '', query: { verify: code }, settings: withSettings });
  t.match(get('c2f9e4d8a013'), { ok: true, kind: 'handshake', answer: { status: 204, body: '' } });
  t.match(get('wrong'), { ok: true, kind: 'handshake', answer: { status: 404 } });
  t.match(
    get('c2f9e4d8a013', {} as typeof settings),
    { ok: true, kind: 'handshake', answer: { status: 404 } },
    'no code set: nothing matches',
  );
  const body = JSON.stringify([{ collectionType: 'sleep', date: '2026-12-06', ownerId: '228S74', ownerType: 'user', subscriptionId: '1' }]);
  const unencoded = hmac('sha1', 'fitbit-secret&', body, 'base64');
  const result = verify('fitbit', { body, secret: 'fitbit-secret', headers: { 'X-Fitbit-Signature': unencoded } });
  t.match(
    result,
    { ok: true, kind: 'event', successStatus: 204, resources: ['sleep'] },
    'a signature sent without URL encoding verifies too',
  );
});

t.test('Notion: the unsigned verification_token POST is captured for an admin, never echoed; signed deliveries are verified', async (t) => {
  const body = JSON.stringify({ verification_token: 'secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl' });
  t.same(verify('notion', { body, secret: '' }), {
    ok: true,
    kind: 'handshake',
    answer: { status: 200, headers: {}, body: '', captured: 'secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl' },
  });
  const withSignature = { 'X-Notion-Signature': `sha256=${'0'.repeat(64)}` };
  t.equal(reasonOf(verify('notion', { body, headers: withSignature })), 'bad_signature', 'a signed request is an event, not a handshake');
});

t.test('Google Calendar: the sync message concerns no sync; a missing or wrong channel token is refused', async (t) => {
  const headers = {
    'X-Goog-Channel-ID': 'c1',
    'X-Goog-Channel-Token': 'tok',
    'X-Goog-Message-Number': '1',
    'X-Goog-Resource-State': 'sync',
  };
  t.match(verify('google_calendar', { body: '', headers, secret: 'tok' }), { ok: true, eventId: 'c1:1', eventType: 'sync', resources: [] });
  t.equal(reasonOf(verify('google_calendar', { body: '', headers, secret: 'tok2' })), 'bad_signature');
  t.equal(
    reasonOf(verify('google_calendar', { body: '', headers, secret: 'to' })),
    'bad_signature',
    'a prefix of the token is not the token',
  );
});

t.test('QuickBooks: the legacy payload maps every entity of the batch; it has no event id', async (t) => {
  const secret = 'verifier';
  const body = JSON.stringify({
    eventNotifications: [
      {
        realmId: '1185883450',
        dataChangeEvent: {
          entities: [
            { name: 'Customer', id: '1', operation: 'Create', lastUpdated: '2026-12-06T10:00:00.000Z' },
            { name: 'Invoice', id: '9', operation: 'Update', lastUpdated: '2026-12-06T10:00:01.000Z' },
          ],
        },
      },
    ],
  });
  const result = verify('quickbooks', { body, secret, headers: { 'intuit-signature': hmac('sha256', secret, body, 'base64') } });
  t.match(result, {
    ok: true,
    eventId: null,
    eventType: 'Customer',
    eventTypes: ['Customer', 'Invoice'],
    resources: ['customers', 'invoices'],
  });
});

t.test('HubSpot: a batch with an event type the mapping does not know concerns every sync', async (t) => {
  const secret = 'hs-secret';
  const body = JSON.stringify([
    { eventId: 5, subscriptionType: 'contact.creation' },
    { eventId: 6, subscriptionType: 'ticket.creation' },
  ]);
  const at = String(NOW.getTime());
  const headers = {
    'X-HubSpot-Signature-v3': hmac('sha256', secret, `POST${URL}${body}${at}`, 'base64'),
    'X-HubSpot-Request-Timestamp': at,
  };
  t.match(verify('hubspot', { body, secret, headers }), { ok: true, eventId: '5', resources: null });
  t.equal(reasonOf(verify('hubspot', { body, secret, headers, url: `${URL}?x=1` })), 'bad_signature', 'the URL is signed');
  t.equal(reasonOf(verify('hubspot', { body, secret, headers, method: 'PUT' })), 'bad_signature', 'the method is signed');
});

t.test('headers are read in any case, and a repeated header is read by its first value', async (t) => {
  const secret = 's';
  const body = '{"action":"created"}';
  const signature = `sha256=${hmac('sha256', secret, body, 'hex')}`;
  const headers = { 'x-hub-signature-256': [signature, 'sha256=00'], 'x-github-event': 'issues', 'x-github-delivery': 'd1' };
  t.match(verify('github', { body, secret, headers }), { ok: true, eventType: 'issues', resources: ['issues'] });
});

t.test('malformed headers and bodies never throw: each is refused (or is a handshake) with a reason', async (t) => {
  const values = [
    '',
    ' ',
    '=',
    ',',
    'sha256=',
    'v0=',
    't=,v1=',
    't=1,v1=zz',
    'v1,',
    'v1,!!!!',
    '%',
    '%E0%A4%A',
    'a'.repeat(20000),
    '\u0000',
    '🙂',
  ];
  const bodies = ['', 'null', '[]', '{"value":null}', '{"value":[null,1,"x"]}', '{"__proto__":{"x":1}}', '\u00ff\u00fe', '{'.repeat(1000)];
  const providers = [...cases.map((item) => item.provider), 'outlook', 'microsoft_teams'];
  let checked = 0;
  for (const provider of providers) {
    const webhooks = declaration(provider);
    const names = new Set<string>(['X-Goog-Channel-Token', 'webhook-id', 'webhook-timestamp']);
    if (webhooks.verification.scheme === 'hmac') {
      names.add(webhooks.verification.signature.header);
      const source = webhooks.verification.timestamp?.source;
      if (source?.from === 'header') names.add(source.name);
    }
    for (const value of values) {
      for (const body of bodies) {
        const headers = Object.fromEntries([...names].map((name) => [name, value]));
        const result = verify(provider, { body, headers, query: { validationToken: value, challenge: value, verify: value } });
        if (result.ok && result.kind === 'event')
          t.fail(`${provider} accepted ${JSON.stringify(value).slice(0, 40)} / ${body.slice(0, 20)}`);
        checked += 1;
      }
    }
  }
  t.ok(checked > 1000, `${checked} combinations refused or answered as handshakes`);
});

t.test('signed timestamps are read in the declared format only', async (t) => {
  t.equal(parseTimestamp('1531420618', 'unix_seconds'), 1531420618000);
  t.equal(parseTimestamp('1531420618000', 'unix_ms'), 1531420618000);
  t.equal(parseTimestamp('2021-07-25T10:00:00Z', 'iso8601'), Date.parse('2021-07-25T10:00:00Z'));
  t.equal(parseTimestamp('2021-07-25T12:00:00.5+02:00', 'iso8601'), Date.parse('2021-07-25T10:00:00.5Z'));
  for (const [text, format] of [
    ['-1', 'unix_seconds'],
    ['1e9', 'unix_seconds'],
    [' 1', 'unix_seconds'],
    ['1531420618.5', 'unix_ms'],
    ['2021-07-25', 'iso8601'],
    ['2021-13-45T99:00:00Z', 'iso8601'],
    ['yesterday', 'iso8601'],
  ] as const) {
    t.equal(parseTimestamp(text, format), null, `${text} is not ${format}`);
  }
});

t.test('each scheme has a one-line description for the webhook settings', async (t) => {
  t.equal(describeScheme(declaration('github')), 'HMAC-SHA256 (hex) in X-Hub-Signature-256');
  t.equal(describeScheme(declaration('stripe')), 'HMAC-SHA256 (hex) in Stripe-Signature, timestamp within 300 s');
  t.equal(describeScheme(declaration('fitbit')), 'HMAC-SHA1 (base64) in X-Fitbit-Signature');
  t.equal(describeScheme(declaration('google_calendar')), 'token in the X-Goog-Channel-Token header');
  t.equal(describeScheme(declaration('outlook')), 'token in the body field /value/*/clientState');
});
