import { createHmac } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import t from 'tap';
import { getProvider } from '../../../../server/src/providers/catalog.js';
import { createWebhookProcessor } from '../../../../server/src/modules/webhooks-in/webhook-processor.js';
import { createTestApp, type TestContext } from '../../../helpers/app.js';

/**
 * Webhooks in, end to end on one app. The app's own processor is not started (createTestApp starts no worker);
 * the test acts on accepted events with a processor whose runs are not dispatched, as a worker's poll does, so
 * the runs a webhook queued stay queued and can be counted.
 */

const STRIPE_SECRET = 'whsec_stripe-signing-secret-canary-7f3a';
const SLACK_SECRET = 'slack-signing-secret-canary-91bc';
const GRAPH_SECRET = 'graph-client-state-canary-42de';

function stripeSignature(body: string, secret = STRIPE_SECRET, at = Math.floor(Date.now() / 1000)) {
  // https://docs.stripe.com/webhooks#verify-manually: HMAC-SHA256 of "{t}.{body}", hex, in `v1`.
  const v1 = createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
  return `t=${at},v1=${v1}`;
}

let eventCounter = 0;
function stripeEvent(type = 'customer.updated', id = `evt_${++eventCounter}_${Date.now()}`) {
  return JSON.stringify({ id, object: 'event', type, data: { object: { id: 'cus_1', email: 'ada@example.com' } } });
}

t.test('webhooks in', async (t) => {
  const ctx: TestContext = await createTestApp(t);
  const { app, database } = ctx;
  const db = database.db.kysely;
  const processor = createWebhookProcessor({ db: database.db, logger: app.log, dispatcher: { dispatch: () => {} }, pollMs: 60_000 });
  const base = `/api/orgs/${ctx.orgs.acme}`;
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
  const bodies: string[] = [];
  const inject = async (opts: InjectOptions) => {
    const res = await app.inject(opts);
    bodies.push(res.body);
    return res;
  };

  const created = await inject({
    method: 'POST',
    url: `${base}/integrations`,
    headers: admin,
    payload: { provider: 'stripe', name: 'Stripe', apiKey: 'sk_test_key_123456', webhookSecret: STRIPE_SECRET },
  });
  t.equal(created.statusCode, 201, created.body);
  const stripe = created.json();
  t.equal(stripe.hasWebhookSecret, true);
  const syncOf = async (resource: string) => {
    const res = await inject({
      method: 'POST',
      url: `${base}/integrations/${stripe.id}/syncs`,
      headers: admin,
      payload: { resource, mode: 'incremental', schedule: null, mappings: [{ source: 'id', target: 'id' }] },
    });
    t.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const customersSync = await syncOf('customers');
  const invoicesSync = await syncOf('invoices');
  const url = `/api/webhooks/${stripe.id}`;
  const deliver = (body: string, headers: Record<string, string> = { 'stripe-signature': stripeSignature(body) }) =>
    inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: body });
  const events = () => db.selectFrom('webhook_events').selectAll().where('integration_id', '=', stripe.id).orderBy('received_at').execute();
  const webhookRuns = () => db.selectFrom('sync_runs').selectAll().where('trigger', '=', 'webhook').execute();

  await t.test('the settings name the URL and the scheme', async (t) => {
    const res = await inject({ url: `${base}/integrations/${stripe.id}/webhook`, headers: viewer });
    t.equal(res.statusCode, 200, res.body);
    t.same(res.json(), {
      url: `${ctx.config.publicUrl}/api/webhooks/${stripe.id}`,
      signatureScheme: 'HMAC-SHA256 (hex) in Stripe-Signature, timestamp within 300 s',
      registration: getProvider('stripe')!.webhooks!.registration,
      docs: 'https://docs.stripe.com/webhooks#verify-manually',
      providerName: 'Stripe',
      canRegister: false,
      registered: null,
      hasWebhookSecret: true,
      lastReceivedAt: null,
    });
  });

  await t.test('a Stripe-signed event is answered 202, stored, then queues a webhook run of the sync it concerns', async (t) => {
    const res = await deliver(stripeEvent('customer.updated', 'evt_first'));
    t.equal(res.statusCode, 202, res.body);
    t.same(res.json(), { received: true });
    const [stored] = await events();
    t.match(stored, { provider_event_id: 'evt_first', type: 'customer.updated', status: 'accepted', processed_at: null, run_id: null });
    t.same(stored.resources, ['customers']);
    t.equal((await webhookRuns()).length, 0, 'nothing is processed before the answer');

    t.equal(await processor.processPending(), 1);
    const runs = await webhookRuns();
    t.equal(runs.length, 1);
    t.match(runs[0], { sync_id: customersSync, status: 'queued', trigger: 'webhook' });
    const [processed] = await events();
    t.equal(processed.run_id, runs[0].id);
    t.ok(processed.processed_at);

    const repeat = await deliver(stripeEvent('customer.updated', 'evt_first'));
    t.equal(repeat.statusCode, 202, 'a repeat is answered like the first');
    const all = await events();
    t.same(
      all.map((e) => e.status),
      ['accepted', 'duplicate'],
    );
    t.equal(await processor.processPending(), 0, 'a duplicate is not processed');
    const settings = (await inject({ url: `${base}/integrations/${stripe.id}/webhook`, headers: viewer })).json();
    t.equal(settings.lastReceivedAt, all[1].received_at.toISOString());
    // The next tests start with no queued run.
    await inject({ method: 'POST', url: `${base}/runs/${runs[0].id}/cancel`, headers: admin });
  });

  await t.test('wrong signature, modified body, stale timestamp, missing header: 401 and only the rejection recorded', async (t) => {
    const before = await events();
    const body = stripeEvent('customer.created', 'evt_forged');
    const stale = Math.floor(Date.now() / 1000) - 600;
    const cases: [string, Record<string, string>, string][] = [
      ['wrong signature', { 'stripe-signature': stripeSignature(body, 'whsec_not-the-secret') }, body],
      ['modified body', { 'stripe-signature': stripeSignature(body) }, body.replace('ada@', 'eve@')],
      ['stale timestamp', { 'stripe-signature': stripeSignature(body, STRIPE_SECRET, stale) }, body],
      ['missing header', {}, body],
    ];
    for (const [what, headers, sent] of cases) {
      const res = await deliver(sent, headers);
      t.equal(res.statusCode, 401, what);
    }
    const after = await events();
    const added = after.slice(before.length);
    t.same(
      added.map((e) => e.status),
      ['rejected', 'rejected', 'rejected', 'rejected'],
    );
    t.ok(added.every((e) => e.reason && e.payload === null && e.provider_event_id === null));
    t.match(added[2].reason, /timestamp/i);
    t.equal(await processor.processPending(), 0);
    t.equal((await webhookRuns()).filter((r) => r.status === 'queued').length, 0, 'no run queued');
  });

  await t.test('rejected attempts are recorded at most 10 a minute per integration and address', async (t) => {
    const before = (await events()).filter((e) => e.status === 'rejected').length;
    for (let i = 0; i < 12; i++) t.equal((await deliver('{}', { 'stripe-signature': 't=1,v1=00' })).statusCode, 401);
    const after = (await events()).filter((e) => e.status === 'rejected').length;
    t.equal(after, 10, `${before} recorded before, the rest of the 12 up to 10`);
  });

  await t.test('1,000 events for one sync queue one run', async (t) => {
    const before = (await events()).length;
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => deliver(stripeEvent('invoice.paid', `evt_burst_${i + j}`))));
      t.ok(
        batch.every((r) => r.statusCode === 202),
        `batch ${i / 50} accepted`,
      );
    }
    t.equal(await processor.processPending(), 1000);
    const queued = (await webhookRuns()).filter((r) => r.status === 'queued');
    t.equal(queued.length, 1, 'one queued run');
    t.equal(queued[0].sync_id, invoicesSync);
    const burst = (await events()).slice(before);
    t.equal(burst.length, 1000);
    t.ok(burst.every((e) => e.status === 'accepted' && e.run_id === queued[0].id && e.processed_at));
    await inject({ method: 'POST', url: `${base}/runs/${queued[0].id}/cancel`, headers: admin });
  });

  await t.test('an event for a paused integration is recorded as ignored', async (t) => {
    t.equal((await inject({ method: 'POST', url: `${base}/integrations/${stripe.id}/pause`, headers: admin })).statusCode, 200);
    t.equal((await deliver(stripeEvent('customer.deleted', 'evt_paused'))).statusCode, 202);
    await processor.processPending();
    const ev = (await events()).find((e) => e.provider_event_id === 'evt_paused')!;
    t.match(ev, { status: 'ignored', run_id: null });
    t.ok(ev.processed_at);
    t.equal((await webhookRuns()).filter((r) => r.status === 'queued').length, 0);
    await inject({ method: 'POST', url: `${base}/integrations/${stripe.id}/resume`, headers: admin });
  });

  await t.test('unknown integration, or one without a webhook secret: 404; a body over 1 MB: 400', async (t) => {
    const body = stripeEvent();
    const unknown = await inject({
      method: 'POST',
      url: '/api/webhooks/0190a8f4-9b1c-7cc3-8d4e-1a2b3c4d5e6f',
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body) },
      payload: body,
    });
    t.equal(unknown.statusCode, 404);
    const noSecret = (
      await inject({
        method: 'POST',
        url: `${base}/integrations`,
        headers: admin,
        payload: { provider: 'stripe', name: 'Stripe 2', apiKey: 'sk_2_123456' },
      })
    ).json();
    t.equal(noSecret.hasWebhookSecret, false);
    const res = await inject({
      method: 'POST',
      url: `/api/webhooks/${noSecret.id}`,
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body) },
      payload: body,
    });
    t.equal(res.statusCode, 404);
    t.equal((await inject({ method: 'POST', url: '/api/webhooks/not-a-uuid', payload: body })).statusCode, 400);
    const before = (await events()).length;
    const big = JSON.stringify({ id: 'evt_big', type: 'customer.updated', pad: 'x'.repeat(1_048_576) });
    const tooBig = await deliver(big);
    t.equal(tooBig.statusCode, 400);
    t.equal((await events()).length, before, 'nothing recorded');
  });

  await t.test('a body is verified as received: any content type, and bytes JSON would re-serialize differently', async (t) => {
    const body = '{ "id" : "evt_spaces",  "type":"customer.updated" , "n": 1.0 }';
    const res = await deliver(body, { 'content-type': 'text/plain', 'stripe-signature': stripeSignature(body) });
    t.equal(res.statusCode, 202, res.body);
  });

  await t.test('the payload is stored as the text received, or null where jsonb would refuse it; never a 500', async (t) => {
    const stored = async (id: string) =>
      db.selectFrom('webhook_events').select(['status', 'payload']).where('provider_event_id', '=', id).executeTakeFirstOrThrow();
    // Numbers beyond a double's precision stay exact (the text is stored, not JSON.parse then JSON.stringify).
    const exact = '{"id":"evt_exact","type":"customer.updated","amount":12345678901234567890}';
    t.equal((await deliver(exact)).statusCode, 202);
    const exactText = await db
      .selectFrom('webhook_events')
      .select(sql<string>`payload->>'amount'`.as('amount'))
      .where('provider_event_id', '=', 'evt_exact')
      .executeTakeFirstOrThrow();
    t.equal(exactText.amount, '12345678901234567890', 'stored exactly as sent');
    // JSON.parse accepts these; jsonb does not: the event is accepted and kept without its payload.
    const unstorable = {
      evt_lone_surrogate: '{"id":"evt_lone_surrogate","type":"customer.updated","name":"\\ud800"}',
      evt_nul_escape: '{"id":"evt_nul_escape","type":"customer.updated","name":"a\\u0000b"}',
      evt_huge_exponent: '{"id":"evt_huge_exponent","type":"customer.updated","n":1e999999}',
    };
    for (const [id, body] of Object.entries(unstorable)) {
      const res = await deliver(body);
      t.equal(res.statusCode, 202, `${id}: ${res.body}`);
      t.same(await stored(id), { status: 'accepted', payload: null }, id);
    }
    const paired = '{"id":"evt_paired","type":"customer.updated","name":"\\ud83d\\ude00"}';
    t.equal((await deliver(paired)).statusCode, 202);
    t.same((await stored('evt_paired')).payload, { id: 'evt_paired', type: 'customer.updated', name: '\u{1F600}' });
    // An event id no text column can hold: a 400 naming where it was read, nothing stored.
    const before = (await events()).length;
    const nulId = await deliver('{"id":"evt_\\u0000","type":"customer.updated"}');
    t.equal(nulId.statusCode, 400, nulId.body);
    t.match(nulId.json().message, /event id \(the body field \/id\)/);
    t.equal((await events()).length, before, 'nothing recorded');
    await processor.processPending();
    await db.updateTable('sync_runs').set({ status: 'cancelled' }).where('status', '=', 'queued').execute();
  });

  await t.test('the global input check still covers the raw-body route: params and query, not the body bytes', async (t) => {
    const body = stripeEvent();
    const nulQuery = await inject({
      method: 'POST',
      url: `${url}?echo=a%00b`,
      headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body) },
      payload: body,
    });
    t.equal(nulQuery.statusCode, 400, nulQuery.body);
    t.equal(nulQuery.json().field, 'query.echo');
    // A NUL byte in a raw body is bytes, verified and answered like any other (the JSON check is the stored payload's).
    const binary = Buffer.concat([Buffer.from('{"id":"evt_binary","type":"customer.updated"}'), Buffer.from([0, 0xff])]).toString('latin1');
    const res = await deliver(binary, { 'content-type': 'application/octet-stream', 'stripe-signature': stripeSignature(binary) });
    t.equal(res.statusCode, 202, res.body);
  });

  await t.test("Slack's url_verification and Graph's validationToken are answered", async (t) => {
    const slack = (
      await inject({
        method: 'POST',
        url: `${base}/integrations`,
        headers: admin,
        payload: { provider: 'slack', name: 'Slack', clientId: 'c', clientSecret: 'slack-client-secret', webhookSecret: SLACK_SECRET },
      })
    ).json();
    const body = JSON.stringify({
      token: 'x',
      challenge: 'challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await inject({
      method: 'POST',
      url: `/api/webhooks/${slack.id}`,
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature },
      payload: body,
    });
    t.equal(res.statusCode, 200, res.body);
    t.match(res.body, 'challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');

    const outlook = (
      await inject({
        method: 'POST',
        url: `${base}/integrations`,
        headers: admin,
        payload: { provider: 'outlook', name: 'Outlook', clientId: 'c', clientSecret: 'graph-client-secret', webhookSecret: GRAPH_SECRET },
      })
    ).json();
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1';
    const validation = await inject({
      method: 'POST',
      url: `/api/webhooks/${outlook.id}?validationToken=${encodeURIComponent(token)}`,
    });
    t.equal(validation.statusCode, 200, validation.body);
    t.equal(validation.body, token);
    t.match(validation.headers['content-type'], /^text\/plain/);
    const before = await db.selectFrom('webhook_events').select('id').where('integration_id', '=', outlook.id).execute();
    t.equal(before.length, 0, 'handshakes are not events');
  });

  await t.test('the event list: newest first, paginated, Viewer and above, with the run an event queued', async (t) => {
    const first = await inject({ url: `${base}/integrations/${stripe.id}/webhook-events?limit=2`, headers: viewer });
    t.equal(first.statusCode, 200, first.body);
    const page = first.json();
    t.equal(page.items.length, 2);
    t.ok(page.nextCursor);
    const second = (
      await inject({ url: `${base}/integrations/${stripe.id}/webhook-events?limit=2&cursor=${page.nextCursor}`, headers: viewer })
    ).json();
    t.ok(second.items[0].receivedAt <= page.items[1].receivedAt);
    t.not(second.items[0].id, page.items[1].id);
    const accepted = (await inject({ url: `${base}/integrations/${stripe.id}/webhook-events?status=duplicate`, headers: viewer })).json();
    t.match(accepted.items, [{ providerEventId: 'evt_first', status: 'duplicate' }]);
    const withRun = (await inject({ url: `${base}/integrations/${stripe.id}/webhook-events?limit=200`, headers: viewer })).json();
    t.ok(withRun.items.some((e: { runId: string | null }) => e.runId));
    const forged = await inject({ url: `${base}/integrations/${stripe.id}/webhook-events?cursor=bm90LWEtY3Vyc29y`, headers: viewer });
    t.equal(forged.statusCode, 400);
    const otherOrg = await inject({ url: `/api/orgs/${ctx.orgs.globex}/integrations/${stripe.id}/webhook-events`, headers: viewer });
    t.ok([403, 404].includes(otherOrg.statusCode), 'another organization sees nothing');
  });

  await t.test('the webhook secret is write-only: in no response and no log line', async (t) => {
    const replaced = await inject({
      method: 'PATCH',
      url: `${base}/integrations/${stripe.id}`,
      headers: admin,
      payload: { webhookSecret: `${STRIPE_SECRET}-rotated` },
    });
    t.equal(replaced.statusCode, 200);
    t.equal(replaced.json().hasWebhookSecret, true);
    const body = stripeEvent('customer.updated', 'evt_rotated');
    t.equal((await deliver(body, { 'stripe-signature': stripeSignature(body, `${STRIPE_SECRET}-rotated`) })).statusCode, 202);
    t.equal((await deliver(body, { 'stripe-signature': stripeSignature(body) })).statusCode, 401, 'the old secret no longer verifies');
    await inject({ url: `${base}/integrations/${stripe.id}`, headers: admin });
    await inject({ url: `${base}/audit`, headers: admin });
    for (const secret of [STRIPE_SECRET, SLACK_SECRET, GRAPH_SECRET]) {
      t.notOk(
        bodies.some((b) => b.includes(secret)),
        'not in a response',
      );
      t.notOk(
        ctx.logs.some((l) => l.includes(secret)),
        'not in a log line',
      );
    }
    const row = await db
      .selectFrom('integrations')
      .select('webhook_secret_encrypted')
      .where('id', '=', stripe.id)
      .executeTakeFirstOrThrow();
    t.notOk(row.webhook_secret_encrypted?.includes(STRIPE_SECRET), 'stored sealed');
  });
});
