import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { createTestApp } from '../../../helpers/app.js';
import { freePort } from '../../../helpers/net.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { answer, startWebhookReceiver, type WebhookReceiver } from '../../../helpers/webhook-receiver.js';

/**
 * The delivery worker against receivers that misbehave: 500s, hangs, refused connections, redirects and a 10 MB
 * answer are failed attempts, recorded and retried on the schedule until it runs out; none of them holds up the
 * deliveries to a healthy receiver; an endpoint failing for the whole window is disabled and audited.
 * Tiny retry delays and a 1 s timeout (WEBHOOK_*) keep it fast; the default schedule is in test/unit.
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

const ctx = await createTestApp(t, {
  env: {
    ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
    WEBHOOK_TIMEOUT: '1s',
    WEBHOOK_RETRY_SCHEDULE: '20ms,20ms',
    WEBHOOK_CONCURRENCY: '4',
    WEBHOOK_ENDPOINT_CONCURRENCY: '2',
    WEBHOOK_POLL_INTERVAL: '20ms',
  },
});
const admin = { authorization: await ctx.bearer('admin@acme.test') };
const base = `/api/orgs/${ctx.orgs.acme}/webhook-endpoints`;
const deliveries = ctx.app.services.deliveries!;
deliveries.start();
t.teardown(() => deliveries.stop());

async function receiver(t: Test): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  t.teardown(() => r.close());
  return r;
}

async function endpointFor(t: Test, url: string): Promise<string> {
  const res = await ctx.app.inject({ method: 'POST', url: base, headers: admin, payload: { url, events: ['sync.succeeded'] } });
  if (res.statusCode !== 201) throw new Error(res.body);
  const id = res.json().id as string;
  t.teardown(() => ctx.app.inject({ method: 'DELETE', url: `${base}/${id}`, headers: admin }));
  return id;
}

const ping = async (endpointId: string): Promise<string> =>
  (await ctx.app.inject({ method: 'POST', url: `${base}/${endpointId}/test`, headers: admin })).json().deliveryId;

const detailOf = async (endpointId: string, deliveryId: string) =>
  (await ctx.app.inject({ url: `${base}/${endpointId}/deliveries/${deliveryId}`, headers: admin })).json();

/** Waits until the delivery is finished (succeeded, or failed with every attempt made) and returns it. */
async function finished(endpointId: string, deliveryId: string, status: 'succeeded' | 'failed') {
  let detail = {} as DeliveryDetail;
  await waitUntil(async () => (detail = await detailOf(endpointId, deliveryId)).status === status, `delivery ${status}`);
  return detail;
}

t.test('a receiver answering 500 gets every attempt of the schedule, each recorded, then the delivery fails', async (t) => {
  const r = await receiver(t);
  r.respond(answer(500, 'database down'));
  const endpointId = await endpointFor(t, r.url);
  const detail = await finished(endpointId, await ping(endpointId), 'failed');
  t.equal(detail.attempts, 3, 'the first attempt and two retries');
  t.equal(detail.attemptList.length, 3);
  for (const attempt of detail.attemptList) t.match(attempt, { statusCode: 500, response: 'database down', error: /answered 500/ });
  t.match(detail, { lastStatusCode: 500, nextAttemptAt: null });
  t.equal(r.received.length, 3);
  t.equal(new Set(r.received.map((q) => q.headers['webhook-id'])).size, 1, 'every attempt carries the same webhook-id');
});

t.test('a 500 then a 200: retried and succeeded', async (t) => {
  const r = await receiver(t);
  let calls = 0;
  r.respond((req, res) => answer(++calls === 1 ? 500 : 200)(req, res, r.received[0]));
  const endpointId = await endpointFor(t, r.url);
  const detail = await finished(endpointId, await ping(endpointId), 'succeeded');
  t.equal(detail.attempts, 2);
  t.match(detail.attemptList, [{ statusCode: 500 }, { statusCode: 200, error: null }]);
});

t.test('a receiver that never answers: each attempt times out and is recorded', async (t) => {
  const r = await receiver(t);
  r.respond(() => {}); // holds every request open
  const endpointId = await endpointFor(t, r.url);
  const detail = await finished(endpointId, await ping(endpointId), 'failed');
  t.equal(detail.attempts, 3);
  for (const attempt of detail.attemptList)
    t.match(attempt, { statusCode: null, response: null, error: /did not complete within 1000 ms/ });
});

t.test('connection refused: recorded attempts with the reason', async (t) => {
  const endpointId = await endpointFor(t, `http://127.0.0.1:${await freePort()}/nobody-listens`);
  const detail = await finished(endpointId, await ping(endpointId), 'failed');
  t.equal(detail.attempts, 3);
  for (const attempt of detail.attemptList) t.match(attempt, { statusCode: null, error: /refused|ECONNREFUSED|connect/i });
});

t.test('a redirect is not followed: a failed attempt, and the redirect target receives nothing', async (t) => {
  const target = await receiver(t);
  const r = await receiver(t);
  r.respond((_req, res) => {
    res.writeHead(302, { location: target.url });
    res.end();
  });
  const endpointId = await endpointFor(t, r.url);
  const detail = await finished(endpointId, await ping(endpointId), 'failed');
  t.match(detail.attemptList[0], { statusCode: 302, error: /redirects are not followed/ });
  t.equal(target.received.length, 0);
});

t.test('a 10 MB answer is a failed attempt, not read', async (t) => {
  const r = await receiver(t);
  const tenMegabytes = Buffer.alloc(10 * 1024 * 1024, 'a');
  r.respond((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(tenMegabytes);
  });
  const endpointId = await endpointFor(t, r.url);
  const detail = await finished(endpointId, await ping(endpointId), 'failed');
  for (const attempt of detail.attemptList) t.match(attempt, { statusCode: null, error: /larger than 64 KB/ });
});

t.test('receivers that hang never hold up the deliveries to a healthy one', async (t) => {
  const hanging = await receiver(t);
  hanging.respond(() => {});
  const healthy = await receiver(t);
  const hangingId = await endpointFor(t, hanging.url);
  const healthyId = await endpointFor(t, healthy.url);
  for (let i = 0; i < 8; i++) await ping(hangingId);
  await waitUntil(() => hanging.received.length >= 2, 'the hanging receiver holds requests');
  const deliveryIds = [await ping(healthyId), await ping(healthyId), await ping(healthyId)];
  for (const id of deliveryIds) await finished(healthyId, id, 'succeeded');
  t.ok(hanging.received.length < 8 * 3, 'delivered while the hanging receiver still holds requests');
  const stillPending = (await ctx.app.inject({ url: `${base}/${hangingId}/deliveries?status=pending&limit=200`, headers: admin })).json();
  t.ok(stillPending.items.length > 0, 'the hanging endpoint still has pending deliveries');
});

t.test('an endpoint failing for the whole window is disabled with a reason and an audit event', async (t) => {
  const r = await receiver(t);
  r.respond(answer(503));
  const endpointId = await endpointFor(t, r.url);
  const db = ctx.database.db.kysely;

  // Failing for 4 days: still enabled after another failure.
  await sql`UPDATE webhook_endpoints SET failing_since = now() - interval '4 days' WHERE id = ${endpointId}`.execute(db);
  await finished(endpointId, await ping(endpointId), 'failed');
  t.match((await ctx.app.inject({ url: `${base}/${endpointId}`, headers: admin })).json(), { enabled: true, disabledReason: null });

  // Failing since 5 days and a bit: the next failure disables it.
  await sql`UPDATE webhook_endpoints SET failing_since = now() - interval '5 days 1 minute' WHERE id = ${endpointId}`.execute(db);
  const deliveryId = await ping(endpointId);
  await waitUntil(async () => !(await ctx.app.inject({ url: `${base}/${endpointId}`, headers: admin })).json().enabled, 'disabled');
  const endpoint = (await ctx.app.inject({ url: `${base}/${endpointId}`, headers: admin })).json();
  t.match(endpoint.disabledReason, /failed for 5 days/);
  const audit = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?action=webhook_endpoint.disabled`, headers: admin })).json();
  t.match(audit.items[0], {
    action: 'webhook_endpoint.disabled',
    target: { type: 'webhook_endpoint', id: endpointId },
    actor: { id: null },
  });
  t.match(audit.items[0].metadata, { lastStatusCode: 503 });

  // Disabled: the delivery's retries wait; nothing more is sent until a person enables it again.
  const sent = r.received.length;
  const waiting = await detailOf(endpointId, deliveryId);
  t.equal(waiting.status, 'pending');
  r.respond(answer(200));
  const enabled = await ctx.app.inject({ method: 'PATCH', url: `${base}/${endpointId}`, headers: admin, payload: { enabled: true } });
  t.match(enabled.json(), { enabled: true, disabledReason: null });
  await finished(endpointId, deliveryId, 'succeeded');
  t.ok(r.received.length > sent);
  const streak = await sql<{ f: Date | null }>`SELECT failing_since AS f FROM webhook_endpoints WHERE id = ${endpointId}`.execute(db);
  t.equal(streak.rows[0].f, null, 'a success ends the failing streak');
});
