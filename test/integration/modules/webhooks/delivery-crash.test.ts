import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startWebhookReceiver } from '../../../helpers/webhook-receiver.js';
import { startWorkerProcess } from '../../../helpers/worker-process.js';

/**
 * At least once, through a crash: a worker process killed with SIGKILL while it sends a delivery (after the event
 * committed, before the receiver answered), and an event committed while no worker runs; a new worker delivers
 * both. Postgres only — PGlite is one process's database.
 */
t.setTimeout(180_000);

t.test('kill -9 of the worker between commit and delivery loses no event', { skip: !usingPostgres() && 'needs Postgres' }, async (t) => {
  const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
  const receiver = await startWebhookReceiver();
  t.teardown(() => receiver.close());
  // The first request is held open (the worker is mid-attempt when it dies); later ones are answered.
  receiver.respond((_req, res) => {
    if (receiver.received.length > 1) res.writeHead(200).end('ok');
  });
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}/webhook-endpoints`;
  const endpoint = (
    await ctx.app.inject({ method: 'POST', url: base, headers: admin, payload: { url: receiver.url, events: ['ping'] } })
  ).json();

  const startWorker = () =>
    startWorkerProcess({
      databaseUrl: ctx.database.url!,
      set: {
        WEBHOOK_TIMEOUT: '1s',
        WEBHOOK_POLL_INTERVAL: '50ms',
      },
    });
  const first = await startWorker();
  t.teardown(() => first.stop());

  const ping = async () => (await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin })).json().deliveryId;
  const inFlight = await ping();
  await waitUntil(() => receiver.received.length === 1, 'the worker is sending the delivery');
  first.child.kill('SIGKILL');
  await first.exited;

  // Committed while no worker runs.
  const whileDown = await ping();
  const status = async (id: string) =>
    (await ctx.app.inject({ url: `${base}/${endpoint.id}/deliveries/${id}`, headers: admin })).json().status as string;
  t.equal(await status(inFlight), 'pending', 'the killed attempt left the delivery pending');
  t.equal(await status(whileDown), 'pending');

  const second = await startWorker();
  t.teardown(() => second.stop());
  await waitUntil(
    async () => (await status(inFlight)) === 'succeeded' && (await status(whileDown)) === 'succeeded',
    'both delivered',
    60_000,
  );
  const ids = receiver.received.map((r) => r.headers['webhook-id']);
  const inFlightEvent = (await ctx.app.inject({ url: `${base}/${endpoint.id}/deliveries/${inFlight}`, headers: admin })).json().eventId;
  t.equal(ids.filter((id) => id === inFlightEvent).length, 2, 'the interrupted delivery was sent again, with the same webhook-id');
});
