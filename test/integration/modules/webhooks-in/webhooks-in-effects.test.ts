import { createHmac } from 'node:crypto';
import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { createWebhookProcessor } from '../../../../server/src/modules/webhooks-in/webhook-processor.js';
import { createTestApp } from '../../../helpers/app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startWebhookReceiver } from '../../../helpers/webhook-receiver.js';
import { startFakeProvider } from '../../../fixtures/providers/index.js';

/**
 * What an accepted provider webhook does after the 202: forwarded as `webhook.received` to the organization's
 * endpoints (through the outbox, once, only when acted on), an incremental run of the sync it concerns (from the
 * sync's cursor, whatever the sync's mode), and a LISTENing worker woken by the accepting transaction's NOTIFY.
 */
t.setTimeout(180_000);

const SECRET = 'whsec_effects-test-signing-secret';
const stripeSignature = (body: string, secret = SECRET) => {
  // https://docs.stripe.com/webhooks#verify-manually: HMAC-SHA256 of "{t}.{body}", hex, in `v1`.
  const at = Math.floor(Date.now() / 1000);
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
};

const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true', WEBHOOK_POLL_INTERVAL: '20ms' } });
const fake = await startFakeProvider('stripe', { records: 30 });
const receiver = await startWebhookReceiver();
t.teardown(async () => {
  await receiver.close();
  await fake.close();
});
const db = ctx.database.db.kysely;
const admin = { authorization: await ctx.bearer('admin@acme.test') };
const base = `/api/orgs/${ctx.orgs.acme}`;
const executor = ctx.app.services.executor!;
const deliveries = ctx.app.services.deliveries!;
deliveries.start();
t.teardown(() => deliveries.stop());

const endpoint = (
  await ctx.app.inject({
    method: 'POST',
    url: `${base}/webhook-endpoints`,
    headers: admin,
    payload: { url: receiver.url, events: ['webhook.received'] },
  })
).json();
const verifier = new Webhook(endpoint.secret);
const forwarded = () =>
  receiver.received
    .map((r) => verifier.verify(r.body, r.headers as Record<string, string>) as { id: string; type: string; data: Record<string, unknown> })
    .filter((b) => b.type === 'webhook.received');

const integration = (
  await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations`,
    headers: admin,
    payload: { provider: 'stripe', name: 'Stripe', apiKey: fake.token, settings: { apiBaseUrl: fake.apiBaseUrl }, webhookSecret: SECRET },
  })
).json();
const sync = (
  await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: { resource: 'customers', mode: 'full', schedule: null, mappings: [{ source: 'id', target: 'id' }] },
  })
).json();

const post = (id: string, type = 'customer.updated', secret = SECRET, integrationId = integration.id as string) => {
  const body = JSON.stringify({ id, object: 'event', type, data: { object: { id: 'cus_42', email: 'ada@example.com' } } });
  return ctx.app.inject({
    method: 'POST',
    url: `/api/webhooks/${integrationId}`,
    headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, secret) },
    payload: body,
  });
};
const deliver = async (id: string, type = 'customer.updated') => {
  const res = await post(id, type);
  if (res.statusCode !== 202) throw new Error(`delivery answered ${res.statusCode}: ${res.body}`);
};
const event = (providerEventId: string) =>
  db.selectFrom('webhook_events').selectAll().where('provider_event_id', '=', providerEventId).executeTakeFirstOrThrow();
const outboxOf = async (providerEventId: string) =>
  (await db.selectFrom('webhook_outbox').selectAll().where('type', '=', 'webhook.received').execute()).filter(
    (e) => (e.payload as { providerEventId?: string }).providerEventId === providerEventId,
  );

await t.test('an accepted event is forwarded as webhook.received, once, in the transaction that marks it processed', async (t) => {
  // Runs queued by this test are not executed: its processor dispatches nowhere.
  const processor = createWebhookProcessor({
    db: ctx.database.db,
    logger: ctx.app.log,
    dispatcher: { dispatch: () => {} },
    pollMs: 600_000,
  });
  await deliver('evt_forward_1');
  t.same(await outboxOf('evt_forward_1'), [], 'nothing is forwarded before the event is processed');
  t.equal(await processor.processPending(), 1);
  const processed = await event('evt_forward_1');
  const [outbox] = await outboxOf('evt_forward_1');
  t.ok(outbox, 'the outbox holds the event');
  t.same(outbox.payload, {
    integrationId: integration.id,
    provider: 'stripe',
    providerEventId: 'evt_forward_1',
    type: 'customer.updated',
    payload: {
      id: 'evt_forward_1',
      object: 'event',
      type: 'customer.updated',
      data: { object: { id: 'cus_42', email: 'ada@example.com' } },
    },
  });
  t.ok(processed.processed_at);
  await waitUntil(() => forwarded().length === 1, 'the endpoint receives webhook.received');
  const [body] = forwarded();
  t.equal(body.id, outbox.id, 'the body is the outbox event, signed for the endpoint (Standard Webhooks)');
  t.match(body.data, { integrationId: integration.id, provider: 'stripe', providerEventId: 'evt_forward_1', type: 'customer.updated' });

  await deliver('evt_forward_1');
  t.equal(await processor.processPending(), 0, 'a duplicate is not processed');
  t.equal((await outboxOf('evt_forward_1')).length, 1, 'nor forwarded again');

  t.equal((await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/pause`, headers: admin })).statusCode, 200);
  await deliver('evt_forward_paused');
  await processor.processPending();
  t.equal((await event('evt_forward_paused')).status, 'ignored');
  t.same(await outboxOf('evt_forward_paused'), [], 'an ignored event is not forwarded');
  await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/resume`, headers: admin });

  // While a run of the sync is running the event waits: it is forwarded when it is finally acted on.
  const webhookRun = (
    await db.selectFrom('sync_runs').select('id').where('trigger', '=', 'webhook').where('status', '=', 'queued').execute()
  )[0];
  await db
    .updateTable('sync_runs')
    .set({ status: 'running', started_at: new Date(), heartbeat_at: new Date() })
    .where('id', '=', webhookRun.id)
    .execute();
  await deliver('evt_forward_waiting');
  await processor.processPending();
  t.equal((await event('evt_forward_waiting')).processed_at, null, 'waiting for the running run');
  t.same(await outboxOf('evt_forward_waiting'), [], 'not forwarded while it waits');
  await db.updateTable('sync_runs').set({ status: 'cancelled', finished_at: new Date() }).where('id', '=', webhookRun.id).execute();
  await db.updateTable('webhook_events').set({ process_after: null }).where('provider_event_id', '=', 'evt_forward_waiting').execute();
  t.equal(await processor.processPending(), 1);
  t.equal((await outboxOf('evt_forward_waiting')).length, 1, 'forwarded once acted on');
  // The next test starts with no queued webhook run.
  for (const r of await db.selectFrom('sync_runs').select('id').where('status', '=', 'queued').execute())
    await ctx.app.inject({ method: 'POST', url: `${base}/runs/${r.id}/cancel`, headers: admin });
});

await t.test("a webhook run of a full-mode sync is incremental: it lists from the sync's cursor, removes nothing", async (t) => {
  const manual = await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${sync.id}/runs`, headers: admin });
  t.equal(manual.statusCode, 202, manual.body);
  await executor.drain();
  const first = await db.selectFrom('sync_runs').selectAll().where('id', '=', manual.json().runId).executeTakeFirstOrThrow();
  t.equal(first.status, 'succeeded', first.error ?? '');
  t.ok(
    fake.requests.every((r) => !('created[gte]' in r.query)),
    'the full run lists everything',
  );
  fake.add(2);
  fake.resetRequests();

  const processor = createWebhookProcessor({ db: ctx.database.db, logger: ctx.app.log, dispatcher: executor.dispatcher, pollMs: 600_000 });
  await deliver('evt_incremental', 'customer.created');
  t.equal(await processor.processPending(), 1);
  const { run_id: runId } = await event('evt_incremental');
  t.ok(runId, 'the event queued a run');
  await waitUntil(async () => {
    const run = await db.selectFrom('sync_runs').select('status').where('id', '=', runId!).executeTakeFirstOrThrow();
    return run.status !== 'queued' && run.status !== 'running';
  }, 'the webhook run finishes');
  const run = await db.selectFrom('sync_runs').selectAll().where('id', '=', runId!).executeTakeFirstOrThrow();
  t.match(run, { status: 'succeeded', trigger: 'webhook' }, run.error ?? '');
  const listed = fake.requests.filter((r) => r.path.endsWith('/customers'));
  t.ok(listed.length > 0, 'the run listed customers');
  t.ok(
    listed.every((r) => /^\d+$/.test(r.query['created[gte]'] ?? '')),
    'every listing is bounded by created[gte] (the high-water mark), like a scheduled incremental run',
  );
  const started = await db
    .selectFrom('sync_logs')
    .select('message')
    .where('run_id', '=', runId!)
    .orderBy('at')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  t.match(started.message, /incremental sync of customers/);
  const live = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integration_id', '=', integration.id)
    .where('resource', '=', 'customers')
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  t.equal(Number(live.n), 32, 'the two new customers added, none of the thirty removed');
});

await t.test("a started processor is woken by the accepting transaction's NOTIFY, not its poll", async (t) => {
  // Polls every ten minutes, and nothing in this process calls its wake(): only LISTEN can wake it in time.
  const processor = createWebhookProcessor({
    db: ctx.database.db,
    logger: ctx.app.log,
    dispatcher: { dispatch: () => {} },
    pollMs: 600_000,
  });
  processor.start();
  t.teardown(() => processor.close());
  await processor.listening();
  await processor.processPending();
  await deliver('evt_notify');
  await waitUntil(async () => (await event('evt_notify')).processed_at !== null, 'the event processed without a poll');
  t.equal((await event('evt_notify')).status, 'accepted');
});

await t.test(
  'the endpoint never trusts its cached secret past a replacement or a deletion; racing repeats are one acceptance',
  async (t) => {
    const statusOf = async (id: string) =>
      (await db.selectFrom('webhook_events').select('status').where('provider_event_id', '=', id).execute()).map((e) => e.status);
    t.equal((await post('evt_cache_primed')).statusCode, 202, 'the secret is now cached');
    const replaced = await ctx.app.inject({
      method: 'PATCH',
      url: `${base}/integrations/${integration.id}`,
      headers: admin,
      payload: { webhookSecret: `${SECRET}-replaced` },
    });
    t.equal(replaced.statusCode, 200, replaced.body);
    t.equal((await post('evt_cache_old', 'customer.updated', SECRET)).statusCode, 401, 'the replaced secret is refused at once');
    t.same(await statusOf('evt_cache_old'), [], 'nothing stored under its event id (a rejection keeps none)');
    t.equal((await post('evt_cache_new', 'customer.updated', `${SECRET}-replaced`)).statusCode, 202, 'the new secret is accepted');

    // Written together (group commit) or not, one delivery of an event id is accepted and the rest are duplicates.
    const racing = await Promise.all(Array.from({ length: 10 }, () => post('evt_race', 'customer.updated', `${SECRET}-replaced`)));
    t.ok(
      racing.every((r) => r.statusCode === 202),
      'every repeat is answered 202',
    );
    t.same((await statusOf('evt_race')).sort(), ['accepted', ...Array(9).fill('duplicate')]);

    const other = (
      await ctx.app.inject({
        method: 'POST',
        url: `${base}/integrations`,
        headers: admin,
        payload: { provider: 'stripe', name: 'Stripe to delete', apiKey: 'sk_test_delete_123456', webhookSecret: SECRET },
      })
    ).json();
    t.equal((await post('evt_deleted_1', 'customer.updated', SECRET, other.id)).statusCode, 202);
    t.equal((await ctx.app.inject({ method: 'DELETE', url: `${base}/integrations/${other.id}`, headers: admin })).statusCode, 204);
    t.equal((await post('evt_deleted_2', 'customer.updated', SECRET, other.id)).statusCode, 404, 'a deleted integration is a 404 at once');
  },
);
