import t from 'tap';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { createTestApp, testConfig } from '../../../helpers/app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { answer, startWebhookReceiver } from '../../../helpers/webhook-receiver.js';
import { checkEndpointUrl } from '../../../../server/src/modules/webhooks/webhook-url.js';
import { createDeliveryWorker } from '../../../../server/src/modules/webhooks/delivery-worker.js';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';

/**
 * Webhook endpoints through the API (one app for the file): CRUD and the endpoint limit, bad input that changes
 * nothing, who may do what, secrets shown once and never again, test pings signed per Standard Webhooks (verified
 * with the `standardwebhooks` package), rotation with two signatures, the delivery log and redelivery.
 */
t.setTimeout(120_000);

/** A delivery as GET …/deliveries/:deliveryId answers it. */
interface DeliveryDetail {
  id: string;
  eventId: string;
  status: string;
  attempts: number;
  attemptList: { statusCode: number | null; durationMs: number; response: string | null; error: string | null }[];
  [field: string]: unknown;
}

const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true', WEBHOOK_POLL_INTERVAL: '20ms' } });
const receiver = await startWebhookReceiver();
t.teardown(() => receiver.close());
const admin = { authorization: await ctx.bearer('admin@acme.test') };
const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
const globexAdmin = { authorization: await ctx.bearer('admin@globex.test') };
const base = `/api/orgs/${ctx.orgs.acme}/webhook-endpoints`;
const deliveries = ctx.app.services.deliveries!;
deliveries.start();
t.teardown(() => deliveries.stop());

const countRows = async (table: 'webhook_endpoints' | 'webhook_deliveries' | 'webhook_outbox') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(ctx.database.db.kysely)).rows[0].n;

async function create(payload: object, headers = admin) {
  return ctx.app.inject({ method: 'POST', url: base, headers, payload });
}

async function deliveryLog(endpointId: string, query = '') {
  return (await ctx.app.inject({ url: `${base}/${endpointId}/deliveries${query}`, headers: viewer })).json();
}

async function waitForDelivery(endpointId: string, deliveryId: string, status: string) {
  let detail = { status: '' } as DeliveryDetail;
  await waitUntil(async () => {
    detail = (await ctx.app.inject({ url: `${base}/${endpointId}/deliveries/${deliveryId}`, headers: viewer })).json();
    return detail.status === status;
  }, `delivery ${deliveryId} ${status}`);
  return detail;
}

t.test('an admin creates an endpoint: the secret appears once, never in reads, logs or audit', async (t) => {
  const res = await create({ url: receiver.url, description: 'CRM bridge', events: ['sync.succeeded', 'records.changed'] });
  t.equal(res.statusCode, 201, res.body);
  const created = res.json();
  t.match(created, {
    url: receiver.url,
    description: 'CRM bridge',
    events: ['sync.succeeded', 'records.changed'],
    enabled: true,
    disabledReason: null,
  });
  t.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  t.ok(Buffer.from(created.secret.slice(6), 'base64').length >= 24, 'at least 24 random bytes');

  const read = await ctx.app.inject({ url: `${base}/${created.id}`, headers: viewer });
  t.equal(read.statusCode, 200);
  t.notOk('secret' in read.json(), 'a read never shows the secret');
  const list = (await ctx.app.inject({ url: base, headers: viewer })).json();
  t.ok(list.items.some((e: { id: string }) => e.id === created.id));
  t.notOk(JSON.stringify(list).includes(created.secret));

  const audit = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?action=webhook_endpoint.created`, headers: admin })).json();
  t.equal(audit.items.length, 1);
  t.notOk(JSON.stringify(audit).includes(created.secret.slice(6)), 'no secret in audit metadata');
  t.notOk(ctx.logs.join('').includes(created.secret.slice(6)), 'no secret in logs');
  const stored = await sql<{ s: string }>`SELECT secret_encrypted AS s FROM webhook_endpoints WHERE id = ${created.id}`.execute(
    ctx.database.db.kysely,
  );
  t.notOk(stored.rows[0].s.includes(created.secret.slice(6)), 'stored encrypted');

  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/${created.id}`,
    headers: admin,
    payload: { events: ['sync.failed'], enabled: false },
  });
  t.match(patched.json(), { events: ['sync.failed'], enabled: false });
  const removed = await ctx.app.inject({ method: 'DELETE', url: `${base}/${created.id}`, headers: admin });
  t.equal(removed.statusCode, 204);
  t.equal((await ctx.app.inject({ url: `${base}/${created.id}`, headers: viewer })).statusCode, 404);
  const actions = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?limit=10`, headers: admin })).json();
  t.match(actions.items.map((e: { action: string }) => e.action).slice(0, 3), [
    'webhook_endpoint.deleted',
    'webhook_endpoint.updated',
    'webhook_endpoint.created',
  ]);
});

t.test('a viewer reads endpoints and deliveries but changes nothing; other organizations see nothing', async (t) => {
  const endpoint = (await create({ url: receiver.url, events: ['sync.failed'] })).json();
  const before = await countRows('webhook_endpoints');
  t.equal((await create({ url: receiver.url, events: ['sync.failed'] }, viewer)).statusCode, 403);
  for (const [method, url] of [
    ['PATCH', `${base}/${endpoint.id}`],
    ['DELETE', `${base}/${endpoint.id}`],
    ['POST', `${base}/${endpoint.id}/rotate-secret`],
    ['POST', `${base}/${endpoint.id}/test`],
  ] as const) {
    const res = await ctx.app.inject({ method, url, headers: viewer, ...(method === 'PATCH' ? { payload: { enabled: false } } : {}) });
    t.equal(res.statusCode, 403, `${method} ${url.slice(base.length)}`);
  }
  t.equal((await ctx.app.inject({ url: `${base}/${endpoint.id}`, headers: viewer })).statusCode, 200);
  t.equal((await ctx.app.inject({ url: `${base}/${endpoint.id}/deliveries`, headers: viewer })).statusCode, 200);
  t.equal((await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/webhook-endpoints`, headers: globexAdmin })).statusCode, 404);
  const globexList = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.globex}/webhook-endpoints`, headers: globexAdmin })).json();
  t.notOk(globexList.items.some((e: { id: string }) => e.id === endpoint.id));
  t.equal(
    (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.globex}/webhook-endpoints/${endpoint.id}`, headers: globexAdmin })).statusCode,
    404,
  );
  t.equal(await countRows('webhook_endpoints'), before, 'nothing created');
  t.match((await ctx.app.inject({ url: `${base}/${endpoint.id}`, headers: viewer })).json(), { enabled: true });
});

t.test('bad input is a 400 naming the field, and changes nothing', async (t) => {
  const before = await countRows('webhook_endpoints');
  const cases: [object, string, RegExp][] = [
    [{ url: 'not a url', events: ['ping'] }, '/url', /not a valid absolute URL/],
    [{ url: 'ftp://example.com/x', events: ['ping'] }, '/url', /https:\/\//],
    [{ url: 'https://user:pw@example.com/x', events: ['ping'] }, '/url', /user name or password/],
    [{ url: receiver.url, events: ['sync.succeeded', 'sync.exploded'] }, '/events/1', /must be one of/],
    [{ url: receiver.url, events: [] }, '/events', /./],
    [{ url: receiver.url }, '/events', /./],
    [{ url: receiver.url, events: ['ping'], secret: 'mine' }, '/secret', /unknown property/],
    [{ url: 'https://exa\u0000mple.com', events: ['ping'] }, '/url', /./],
  ];
  for (const [payload, field, message] of cases) {
    const res = await create(payload);
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.equal(res.json().field, field, JSON.stringify(payload));
    t.match(res.json().message, message);
  }
  t.equal(await countRows('webhook_endpoints'), before, 'nothing created');
});

t.test('outside development, private and loopback addresses are refused (the provider calls’ policy)', async (t) => {
  const production = { allowPrivateNetworkTargets: false, requireHttps: true };
  const development = { allowPrivateNetworkTargets: false, requireHttps: false };
  for (const url of [
    'http://127.0.0.1:8080/x',
    'http://10.1.2.3/x',
    'http://169.254.169.254/latest',
    'http://[::1]/x',
    'http://localhost:9/x',
  ]) {
    const refused = await checkEndpointUrl(url, development).then(
      () => null,
      (err: { statusCode: number; field: string; message: string }) => err,
    );
    t.match(refused, { statusCode: 400, field: '/url', message: /points at a .* address/ }, url);
  }
  await t.rejects(checkEndpointUrl('http://93.184.215.14/x', production), { statusCode: 400, message: /https:\/\/ in production/ });
  t.equal(await checkEndpointUrl('https://93.184.215.14/hooks', production), 'https://93.184.215.14/hooks');

  // The API of a test app (ALLOW_PRIVATE_NETWORK_TARGETS unset) refuses them too.
  t.equal(testConfig().allowPrivateNetworkTargets, false);
  const strict = await createTestApp(t);
  const res = await strict.app.inject({
    method: 'POST',
    url: `/api/orgs/${strict.orgs.acme}/webhook-endpoints`,
    headers: { authorization: await strict.bearer('admin@acme.test') },
    payload: { url: 'http://192.168.1.10/hooks', events: ['ping'] },
  });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { field: '/url', message: /private network address/ });
});

t.test('at most 20 endpoints per organization: the 21st is a 409 that creates nothing', async (t) => {
  const existing = await countRows('webhook_endpoints');
  const toCreate = 20 - (await ctx.app.inject({ url: `${base}?limit=200`, headers: viewer })).json().items.length;
  for (let i = 0; i < toCreate; i++) t.equal((await create({ url: receiver.url, events: ['ping'] })).statusCode, 201);
  const res = await create({ url: receiver.url, events: ['ping'] });
  t.equal(res.statusCode, 409);
  t.match(res.json().message, /already has 20 webhook endpoints/);
  t.equal(await countRows('webhook_endpoints'), existing + toCreate);
  // Another organization has its own 20.
  const globex = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${ctx.orgs.globex}/webhook-endpoints`,
    headers: globexAdmin,
    payload: { url: receiver.url, events: ['ping'] },
  });
  t.equal(globex.statusCode, 201);
  // Make room for the tests below.
  const all = (await ctx.app.inject({ url: `${base}?limit=200`, headers: viewer })).json().items;
  for (const e of all) await ctx.app.inject({ method: 'DELETE', url: `${base}/${e.id}`, headers: admin });
});

t.test('a test ping is delivered signed per Standard Webhooks; the log shows its attempt', async (t) => {
  const endpoint = (await create({ url: receiver.url, events: ['sync.succeeded'] })).json();
  const sent = await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin });
  t.equal(sent.statusCode, 202);
  const { deliveryId } = sent.json();
  receiver.respond(answer(200, 'thanks'));
  const detail = await waitForDelivery(endpoint.id, deliveryId, 'succeeded');
  t.match(detail, { event: 'ping', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
  t.match(detail.attemptList, [{ statusCode: 200, response: 'thanks', error: null }]);
  t.ok(detail.attemptList[0].durationMs >= 0);

  const request = receiver.received.find((r) => r.headers['webhook-id'] === detail.eventId)!;
  t.ok(request, 'the receiver got it');
  t.equal(request.headers['content-type'], 'application/json');
  const verified = new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>);
  t.match(verified, { id: detail.eventId, type: 'ping', organizationId: ctx.orgs.acme, data: { endpointId: endpoint.id } });
  t.same(Object.keys(JSON.parse(request.body)), ['id', 'type', 'createdAt', 'organizationId', 'data']);
  t.throws(() =>
    new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(request.body, request.headers as Record<string, string>),
  );
  t.throws(() => new Webhook(endpoint.secret).verify(request.body.replace('ping', 'pong'), request.headers as Record<string, string>));

  const log = await deliveryLog(endpoint.id);
  t.match(log.items[0], { id: deliveryId, event: 'ping', status: 'succeeded', attempts: 1, lastStatusCode: 200 });
  t.equal((await deliveryLog(endpoint.id, '?status=failed')).items.length, 0, 'status filter');
  t.equal((await deliveryLog(endpoint.id, '?event=sync.failed')).items.length, 0, 'event filter');
  t.equal((await deliveryLog(endpoint.id, '?event=ping')).items.length, 1);
  const forged = await ctx.app.inject({ url: `${base}/${endpoint.id}/deliveries?cursor=abc`, headers: viewer });
  t.equal(forged.statusCode, 400);
  t.equal(forged.json().field, 'query.cursor');

  const again = await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/deliveries/${deliveryId}/redeliver`, headers: admin });
  t.equal(again.statusCode, 202);
  const redelivered = await waitForDelivery(endpoint.id, again.json().deliveryId, 'succeeded');
  t.equal(redelivered.eventId, detail.eventId, 'the same event (receivers dedupe by webhook-id)');
  t.equal(receiver.received.filter((r) => r.headers['webhook-id'] === detail.eventId).length, 2);
  await ctx.app.inject({ method: 'DELETE', url: `${base}/${endpoint.id}`, headers: admin });
});

t.test('after a rotation deliveries carry both signatures for 24 hours: the old and the new secret verify', async (t) => {
  const endpoint = (await create({ url: receiver.url, events: ['ping'] })).json();
  const rotated = await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/rotate-secret`, headers: admin });
  t.equal(rotated.statusCode, 200);
  const { secret, previousSecretExpiresAt } = rotated.json();
  t.not(secret, endpoint.secret);
  const hours = (Date.parse(previousSecretExpiresAt) - Date.now()) / 3_600_000;
  t.ok(hours > 23.9 && hours <= 24, 'the old secret lasts 24 hours');
  t.match((await ctx.app.inject({ url: `${base}/${endpoint.id}`, headers: viewer })).json(), {
    secretRotatedUntil: previousSecretExpiresAt,
  });

  const { deliveryId } = (await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin })).json();
  const detail = await waitForDelivery(endpoint.id, deliveryId, 'succeeded');
  const request = receiver.received.find((r) => r.headers['webhook-id'] === detail.eventId)!;
  t.equal(String(request.headers['webhook-signature']).split(' ').length, 2, 'two signatures');
  t.ok(new Webhook(secret).verify(request.body, request.headers as Record<string, string>), 'the new secret verifies');
  t.ok(new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>), 'the old secret verifies');

  // Once the old secret has expired only the new one signs.
  await sql`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ${endpoint.id}`.execute(
    ctx.database.db.kysely,
  );
  const next = (await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin })).json();
  const later = await waitForDelivery(endpoint.id, next.deliveryId, 'succeeded');
  const last = receiver.received.find((r) => r.headers['webhook-id'] === later.eventId)!;
  t.equal(String(last.headers['webhook-signature']).split(' ').length, 1);
  t.ok(new Webhook(secret).verify(last.body, last.headers as Record<string, string>));
  t.throws(() => new Webhook(endpoint.secret).verify(last.body, last.headers as Record<string, string>));
  const audit = (
    await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?action=webhook_endpoint.secret_rotated`, headers: admin })
  ).json();
  t.equal(audit.items.length, 1);
  t.notOk(JSON.stringify(audit).includes(secret.slice(6)));
  await ctx.app.inject({ method: 'DELETE', url: `${base}/${endpoint.id}`, headers: admin });
});

t.test('a disabled endpoint refuses a test ping and a redelivery (409, nothing queued); enabled again, both work', async (t) => {
  const endpoint = (await create({ url: receiver.url, events: ['ping'] })).json();
  t.teardown(() => ctx.app.inject({ method: 'DELETE', url: `${base}/${endpoint.id}`, headers: admin }));
  receiver.respond(answer(204));
  const first = (await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin })).json();
  await waitForDelivery(endpoint.id, first.deliveryId, 'succeeded');
  const patch = (enabled: boolean) =>
    ctx.app.inject({ method: 'PATCH', url: `${base}/${endpoint.id}`, headers: admin, payload: { enabled } });
  t.equal((await patch(false)).statusCode, 200);
  const [outbox, deliveryRows] = [await countRows('webhook_outbox'), await countRows('webhook_deliveries')];

  const ping = await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin });
  t.equal(ping.statusCode, 409, 'a ping would wait, pending, until someone enabled the endpoint');
  t.match(ping.json(), { error: 'Conflict', message: /disabled.*enable it first, then send a test event/ });
  const again = await ctx.app.inject({
    method: 'POST',
    url: `${base}/${endpoint.id}/deliveries/${first.deliveryId}/redeliver`,
    headers: admin,
  });
  t.equal(again.statusCode, 409);
  t.match(again.json().message, /enable it first, then send a delivery again/);
  t.equal(await countRows('webhook_outbox'), outbox, 'no event stored');
  t.equal(await countRows('webhook_deliveries'), deliveryRows, 'no delivery queued');
  t.equal((await deliveryLog(endpoint.id, '?status=pending')).items.length, 0, 'nothing pending in the log');

  t.equal((await patch(true)).statusCode, 200);
  const ok = await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin });
  t.equal(ok.statusCode, 202);
  await waitForDelivery(endpoint.id, ok.json().deliveryId, 'succeeded');
  const redelivered = await ctx.app.inject({
    method: 'POST',
    url: `${base}/${endpoint.id}/deliveries/${first.deliveryId}/redeliver`,
    headers: admin,
  });
  t.equal(redelivered.statusCode, 202);
  await waitForDelivery(endpoint.id, redelivered.json().deliveryId, 'succeeded');
});

t.test('two delivery workers on one database send each delivery once (SKIP LOCKED and the claim lease)', async (t) => {
  const endpoint = (await create({ url: receiver.url, events: ['ping'] })).json();
  const http = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
  const second = createDeliveryWorker({
    db: ctx.database.db,
    vault: ctx.app.services.vault,
    http,
    logger: ctx.app.log,
    settings: ctx.config.webhooks,
  });
  second.start();
  t.teardown(async () => {
    await second.stop();
    http.close();
  });
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    ids.push((await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin })).json().deliveryId);
  }
  await waitUntil(async () => (await deliveryLog(endpoint.id, '?status=succeeded&limit=200')).items.length === 30, '30 delivered');
  const log = await deliveryLog(endpoint.id, '?limit=200');
  t.ok(
    log.items.every((d: { attempts: number }) => d.attempts === 1),
    'each sent once',
  );
  await ctx.app.inject({ method: 'DELETE', url: `${base}/${endpoint.id}`, headers: admin });
});
