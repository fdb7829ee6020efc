import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import t from 'tap';
import { uuidv7 } from '../../../../server/src/lib/ids.js';
import { createTestApp } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startWorkerProcess } from '../../../helpers/worker-process.js';
import { startFakeProvider } from '../../../fixtures/providers/index.js';

/**
 * Accepted webhook events are a durable queue: a worker killed with SIGKILL in the middle of processing them leaves
 * them to the next worker, which acts on each once. Real worker processes on Postgres (PGlite serves one process).
 */

const SECRET = 'whsec_worker-test-signing-secret';
t.setTimeout(240_000);

const stripeSignature = (body: string) => {
  const at = Math.floor(Date.now() / 1000);
  return `t=${at},v1=${createHmac('sha256', SECRET).update(`${at}.${body}`).digest('hex')}`;
};

t.test(
  'kill -9 of the worker with accepted events not yet processed: processed after restart, once',
  { skip: !usingPostgres() && 'worker processes share a Postgres database' },
  async (t) => {
    const fake = await startFakeProvider('stripe', { records: 3 });
    t.teardown(() => fake.close());
    const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
    const db = ctx.database.db.kysely;
    const admin = { authorization: await ctx.bearer('admin@acme.test') };
    const base = `/api/orgs/${ctx.orgs.acme}`;
    const integration = (
      await ctx.app.inject({
        method: 'POST',
        url: `${base}/integrations`,
        headers: admin,
        payload: { provider: 'stripe', name: 'Stripe', apiKey: fake.token, settings: fake.templateValues, webhookSecret: SECRET },
      })
    ).json();
    const sync = (
      await ctx.app.inject({
        method: 'POST',
        url: `${base}/integrations/${integration.id}/syncs`,
        headers: admin,
        payload: { resource: 'customers', schedule: null, mappings: [{ source: 'id', target: 'id' }] },
      })
    ).json();
    t.ok(sync.id, 'sync created');
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({ id: `evt_kill_${i}`, type: 'customer.updated', data: { object: { id: `cus_${i}` } } });
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/webhooks/${integration.id}`,
        headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body) },
        payload: body,
      });
      t.equal(res.statusCode, 202, res.body);
    }

    // A queued run of the sync, its row held locked by this test: the first worker claims an event, reaches the run
    // to join it, and waits there, mid-transaction, until it is killed.
    const heldRunId = uuidv7();
    await db
      .insertInto('sync_runs')
      .values({
        id: heldRunId,
        organization_id: ctx.orgs.acme,
        integration_id: integration.id,
        sync_id: sync.id,
        trigger: 'manual',
        status: 'queued',
        scheduled_for: null,
      })
      .execute();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction().execute(async (trx) => {
      await sql`SELECT id FROM sync_runs WHERE id = ${heldRunId} FOR UPDATE`.execute(trx);
      locked();
      await released;
    });
    await isLocked;

    const workerEnv = {
      WORKER_POLL_SECONDS: '1',
      WORKER_LOCK_LIFETIME_SECONDS: '5',
    };
    const first = await startWorkerProcess({ databaseUrl: ctx.database.url!, set: workerEnv });
    t.teardown(() => first.stop());
    await waitUntil(
      async () => {
        const waiting = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query ILIKE '%sync_runs%' AND pid <> pg_backend_pid()`.execute(db);
        return waiting.rows[0].n > 0;
      },
      'the first worker waits on the held run, mid-processing',
      60_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const unprocessed = await db.selectFrom('webhook_events').select('id').where('processed_at', 'is', null).execute();
    t.equal(unprocessed.length, 5, 'killed with all five events accepted and unprocessed');
    release();
    await holder;

    const second = await startWorkerProcess({ databaseUrl: ctx.database.url!, set: workerEnv });
    t.teardown(() => second.stop());
    await waitUntil(
      async () => (await db.selectFrom('webhook_events').select('id').where('processed_at', 'is', null).execute()).length === 0,
      'every event processed by the second worker',
      60_000,
    );
    const events = await db.selectFrom('webhook_events').selectAll().where('integration_id', '=', integration.id).execute();
    t.equal(events.length, 5);
    t.ok(
      events.every((e) => e.status === 'accepted' && e.run_id !== null),
      'each event acted on, linked to the run it queued or joined',
    );
    const webhookRuns = await db.selectFrom('sync_runs').select('id').where('trigger', '=', 'webhook').execute();
    const linked = new Set(events.map((e) => e.run_id));
    t.ok(
      webhookRuns.every((r) => linked.has(r.id)),
      "no run left behind by the killed worker's unfinished transaction",
    );
    t.ok(webhookRuns.length <= 5, `${webhookRuns.length} webhook run(s) for 5 events`);
  },
);
