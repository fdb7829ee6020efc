import t from 'tap';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { createTestApp } from '../../../helpers/app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startWebhookReceiver } from '../../../helpers/webhook-receiver.js';
import { startFakeProvider } from '../../../fixtures/providers/index.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { recordEvent } from '../../../../server/src/modules/webhooks/webhooks.port.js';

/**
 * The transactional outbox: a run's result, a connection change and an integration falling into ERROR each write
 * their event in the transaction of the change, fanned out to the subscribed endpoints, and the worker delivers
 * them; a change that rolls back leaves no event behind.
 */
t.setTimeout(120_000);

const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true', WEBHOOK_POLL_INTERVAL: '20ms' } });
const receiver = await startWebhookReceiver();
const fake = await startFakeProvider('stripe', { records: 30 });
t.teardown(async () => {
  await receiver.close();
  await fake.close();
});
const admin = { authorization: await ctx.bearer('admin@acme.test') };
const orgBase = `/api/orgs/${ctx.orgs.acme}`;
const deliveries = ctx.app.services.deliveries!;
deliveries.start();
t.teardown(() => deliveries.stop());
const db = ctx.database.db.kysely;

const endpoint = (
  await ctx.app.inject({
    method: 'POST',
    url: `${orgBase}/webhook-endpoints`,
    headers: admin,
    payload: {
      url: receiver.url,
      events: [
        'sync.succeeded',
        'sync.failed',
        'records.changed',
        'integration.connected',
        'integration.disconnected',
        'integration.error',
      ],
    },
  })
).json();
const verifier = new Webhook(endpoint.secret);

/** The verified bodies the receiver got, of one type. */
const receivedOf = (type: string) =>
  receiver.received
    .map((r) => verifier.verify(r.body, r.headers as Record<string, string>) as { id: string; type: string; data: Record<string, unknown> })
    .filter((b) => b.type === type);

const integration = (
  await ctx.app.inject({
    method: 'POST',
    url: `${orgBase}/integrations`,
    headers: admin,
    payload: { provider: 'stripe', name: 'Stripe hooks', apiKey: fake.token, settings: { apiBaseUrl: fake.apiBaseUrl } },
  })
).json();
const sync = (
  await ctx.app.inject({
    method: 'POST',
    url: `${orgBase}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: { resource: 'customers', mode: 'full', mappings: [{ source: 'id', target: 'id' }] },
  })
).json();

async function run() {
  const started = await ctx.app.inject({ method: 'POST', url: `${orgBase}/syncs/${sync.id}/runs`, headers: admin });
  if (started.statusCode !== 202) throw new Error(started.body);
  await ctx.app.services.executor!.drain();
  return started.json().runId as string;
}

t.test('a run that adds records: sync.succeeded and records.changed, signed, with the run’s numbers', async (t) => {
  const runId = await run();
  await waitUntil(() => receivedOf('records.changed').length === 1 && receivedOf('sync.succeeded').length === 1, 'both events');
  t.match(receivedOf('sync.succeeded')[0].data, {
    runId,
    syncId: sync.id,
    integrationId: integration.id,
    resource: 'customers',
    trigger: 'manual',
    stats: { fetched: 30, created: 30, updated: 0, deleted: 0 },
    error: null,
  });
  t.same(receivedOf('records.changed')[0].data, {
    runId,
    syncId: sync.id,
    integrationId: integration.id,
    resource: 'customers',
    added: 30,
    updated: 0,
    deleted: 0,
  });

  // The same data again: succeeded, nothing changed, so no records.changed.
  await run();
  await waitUntil(() => receivedOf('sync.succeeded').length === 2, 'second sync.succeeded');
  t.equal(receivedOf('records.changed').length, 1);
});

t.test('failing runs: sync.failed each time, and integration.error once the integration falls into ERROR', async (t) => {
  fake.failNext(401, { times: 1000 });
  for (let i = 0; i < 3; i++) await run();
  await waitUntil(() => receivedOf('sync.failed').length === 3 && receivedOf('integration.error').length === 1, 'failure events');
  t.match(receivedOf('sync.failed')[0].data, { syncId: sync.id, resource: 'customers', error: /./ });
  t.match(receivedOf('integration.error')[0].data, { integrationId: integration.id, provider: 'stripe', reason: /./ });
  await run();
  await waitUntil(() => receivedOf('sync.failed').length === 4, 'fourth sync.failed');
  t.equal(receivedOf('integration.error').length, 1, 'only the change into ERROR is an event');
});

t.test('disconnecting an integration: integration.disconnected', async (t) => {
  const hubspot = (
    await ctx.app.inject({
      method: 'POST',
      url: `${orgBase}/integrations`,
      headers: admin,
      payload: { provider: 'hubspot', name: 'HubSpot hooks', clientId: 'id', clientSecret: 'client-secret' },
    })
  ).json();
  const res = await ctx.app.inject({ method: 'POST', url: `${orgBase}/integrations/${hubspot.id}/disconnect`, headers: admin });
  t.equal(res.statusCode, 204);
  await waitUntil(() => receivedOf('integration.disconnected').length === 1, 'integration.disconnected');
  t.match(receivedOf('integration.disconnected')[0].data, { integrationId: hubspot.id, provider: 'hubspot' });
});

t.test('an event is written in the transaction of its change: a rollback leaves nothing to deliver', async (t) => {
  const count = async () =>
    (await sql<{ n: number }>`SELECT (SELECT count(*) FROM webhook_outbox) + (SELECT count(*) FROM webhook_deliveries) AS n`.execute(db))
      .rows[0].n;
  const before = await count();
  await t.rejects(
    inScope(ctx.database.db, { org: ctx.orgs.acme }, async (tx) => {
      await recordEvent(tx, ctx.orgs.acme, 'sync.succeeded', {
        runId: integration.id,
        syncId: sync.id,
        integrationId: integration.id,
        resource: 'customers',
        trigger: 'manual',
        stats: {},
        error: null,
      });
      throw new Error('the change failed');
    }),
    { message: 'the change failed' },
  );
  t.equal(await count(), before, 'no event, no delivery');

  // Committed: one event and its delivery, sent.
  const eventId = await inScope(ctx.database.db, { org: ctx.orgs.acme }, (tx) =>
    recordEvent(tx, ctx.orgs.acme, 'integration.connected', { integrationId: integration.id, provider: 'stripe', reason: 'test' }),
  );
  await waitUntil(() => receivedOf('integration.connected').some((b) => b.id === eventId), 'the committed event is delivered');

  // An event nobody subscribes to is not stored at all; another organization's endpoints never see ours.
  const globexBefore = await count();
  await inScope(ctx.database.db, { org: ctx.orgs.globex }, (tx) =>
    recordEvent(tx, ctx.orgs.globex, 'integration.connected', { integrationId: integration.id, provider: 'stripe', reason: 'x' }),
  );
  t.equal(await count(), globexBefore);
});
