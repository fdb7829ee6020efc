import t from 'tap';
import { sql } from 'kysely';
import pino from 'pino';
import { createVault } from '../../../../server/src/lib/crypto/index.js';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import { createDeliveryWorker } from '../../../../server/src/modules/webhooks/delivery-worker.js';
import { createTestApp } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startWebhookReceiver } from '../../../helpers/webhook-receiver.js';

/**
 * LISTEN/NOTIFY wake-up: a worker whose poll is a minute away still sends a delivery as soon as the transaction that
 * made it commits (the outbox NOTIFYs at commit), and again after its listening connection was cut (it reconnects).
 * Postgres only (the reconnect, and another process's NOTIFY, are Postgres's; PGlite listens in-process).
 */
t.setTimeout(120_000);

t.test(
  'a committed delivery wakes an idle worker; a lost LISTEN connection comes back',
  { skip: !usingPostgres() && 'needs Postgres' },
  async (t) => {
    const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
    const receiver = await startWebhookReceiver();
    t.teardown(() => receiver.close());
    const http = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false, maxRedirects: 0 });
    t.teardown(() => http.close());
    const worker = createDeliveryWorker({
      db: ctx.database.db,
      vault: createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }),
      http,
      logger: pino({ level: 'silent' }),
      // The longest poll there is: only the wake-up can make these deliveries go out while the test waits.
      settings: { ...ctx.config.webhooks, pollMs: 60_000 },
    });
    const admin = { authorization: await ctx.bearer('admin@acme.test') };
    const base = `/api/orgs/${ctx.orgs.acme}/webhook-endpoints`;
    const endpoint = (
      await ctx.app.inject({ method: 'POST', url: base, headers: admin, payload: { url: receiver.url, events: ['ping'] } })
    ).json();
    const listening = async () =>
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
                                WHERE datname = current_database() AND query = 'LISTEN webhook_deliveries'`.execute(ctx.database.db.kysely)
      ).rows[0].n === 1;
    worker.start();
    t.teardown(() => worker.stop());
    await waitUntil(listening, 'the worker listens');
    // Its first look found nothing; the next poll is a minute away.
    await new Promise((r) => setTimeout(r, 200));

    const ping = async () =>
      (await ctx.app.inject({ method: 'POST', url: `${base}/${endpoint.id}/test`, headers: admin })).json().deliveryId;
    await ping();
    await waitUntil(() => receiver.received.length === 1, 'the delivery sent without waiting for the poll', 20_000);

    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query = 'LISTEN webhook_deliveries'`.execute(ctx.database.db.kysely);
    await waitUntil(listening, 'the worker listens again');
    await ping();
    await waitUntil(() => receiver.received.length === 2, 'a delivery after the reconnect sent without waiting for the poll', 20_000);
    t.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 2, 'two pings, each sent once');
  },
);
