import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { buildApp } from '../../../../server/src/app.js';
import { testConfig } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { createSync, runAndWait, stripeApp } from '../../../helpers/provider-app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startWorkerProcess, type WorkerProcess } from '../../../helpers/worker-process.js';
import { startFakeProvider, type FakeRequestRecord } from '../../../fixtures/providers/index.js';

/**
 * Issue 14's write guarantee through a crash: a real worker process killed with SIGKILL while a push's writes are in
 * flight (the fake Stripe acts on a request before it answers, so the killed worker leaves writes the provider applied
 * but Linkyard never recorded), the same push sent again with its Idempotency-Key while no worker runs, then a new
 * worker takes the run over. Every record must exist once at the provider, every update applied, every write
 * recorded as applied. Postgres only — PGlite is one process's database.
 */

const POSTGRES_ONLY = !usingPostgres() && 'worker processes share a Postgres database; PGlite serves a single process';
const LOCK_LIFETIME_S = 5;
const LATENCY_MS = 200;
const EXISTING = 40;
const CREATES = 60;
const UPDATES = 25;
const DELETES = 10;
const TOTAL = CREATES + UPDATES + DELETES;
const MAPPINGS = [
  { source: 'name', target: 'name' },
  { source: 'email', target: 'email' },
];

t.setTimeout(240_000);

async function startWorker(t: Test, databaseUrl: string): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({
    databaseUrl,
    set: {
      WORKER_LOCK_LIFETIME_SECONDS: String(LOCK_LIFETIME_S),
      WORKER_POLL_SECONDS: '1',
      WORKER_CONCURRENCY: '2',
    },
  });
  t.teardown(() => worker.stop());
  return worker;
}

t.test(
  'kill -9 of a worker mid-push, then the same push again: nothing created twice, every write applied once',
  { skip: POSTGRES_ONLY },
  async (t) => {
    // Each answer waits LATENCY_MS after the fake has acted: a kill lands between a write applied and its answer.
    const fake = await startFakeProvider('stripe', { records: EXISTING, latencyMs: LATENCY_MS });
    t.teardown(() => fake.close());
    const app = await stripeApp(t, fake);
    const { ctx, admin, base } = app;
    const db = ctx.database.db.kysely;
    // The default (manual) strategy: a write mistaken for a change on both sides would open a conflict, not hide.
    const sync = await createSync(app, {
      resource: 'customers',
      mode: 'full',
      direction: 'bidirectional',
      mappings: MAPPINGS,
      outboundMappings: MAPPINGS,
    });
    t.match(
      await runAndWait(ctx, base, admin, sync.id),
      { status: 'succeeded', stats: { created: EXISTING } },
      'the base versions are pulled',
    );

    // The push is accepted by an API-only process, which hands its run to the worker processes.
    const api = await buildApp({
      config: testConfig({ ROLE: 'api', DATABASE_URL: ctx.database.url!, ALLOW_PRIVATE_NETWORK_TARGETS: 'true' }),
      db: ctx.database.db,
      logger: false,
    });
    await api.services.scheduler.connect();
    t.teardown(() => api.close());

    const existing = fake.ids();
    // Creates, updates and deletes interleaved: every third record updates an existing customer, every tenth deletes one.
    const records: object[] = [];
    let created = 0;
    let updated = 0;
    let deleted = 0;
    const removed = existing.slice(UPDATES, UPDATES + DELETES);
    const addDelete = () => records.push({ externalId: removed[deleted++], op: 'delete' });
    const addUpdate = () => records.push({ externalId: existing[updated], data: { name: `Updated ${updated++}` } });
    const addCreate = () => records.push({ data: { name: `New ${created}`, email: `new${created++}@example.com` } });
    while (records.length < TOTAL) {
      const slot = records.length;
      if (slot % 10 === 9 && deleted < DELETES) addDelete();
      else if (slot % 3 === 2 && updated < UPDATES) addUpdate();
      else if (created < CREATES) addCreate();
      else if (updated < UPDATES) addUpdate();
      else addDelete();
    }
    const pushOnce = () =>
      api.inject({
        method: 'POST',
        url: `${base}/syncs/${sync.id}/records`,
        headers: { ...admin, 'idempotency-key': 'crash-push-1' },
        payload: { records },
      });
    const isWrite = (r: { method: string }) => r.method !== 'GET';
    /**
     * SIGKILLs the worker once at least `after` writes reached the fake and the latest request is a write `what`
     * whose answer is still held back (the fake has acted on it: it is applied, and the worker has not heard so).
     */
    const killDuring = async (worker: WorkerProcess, what: string, match: (r: FakeRequestRecord) => boolean, after: number) => {
      await waitUntil(
        () => {
          const last = fake.requests[fake.requests.length - 1];
          return (
            fake.requests.filter(isWrite).length >= after && !!last && isWrite(last) && match(last) && Date.now() - last.at < LATENCY_MS / 2
          );
        },
        `${what} in flight`,
        60_000,
      );
      worker.child.kill('SIGKILL');
      await worker.exited;
    };

    const first = await startWorker(t, ctx.database.url!);
    const accepted = await pushOnce();
    t.equal(accepted.statusCode, 202);
    t.match(accepted.json(), { accepted: TOTAL });
    const runId: string = accepted.json().runId;

    // First kill: while a create is in flight (applied at the fake, its answer not yet back).
    await killDuring(first, 'a create', (r) => r.path === '/v1/customers', 10);
    const sentBeforeKill = fake.requests.filter(isWrite).length;
    const pendingAfterKill = await db
      .selectFrom('run_writes')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('run_id', '=', runId)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    t.ok(pendingAfterKill.n > 0 && sentBeforeKill < TOTAL, `killed mid-push: ${sentBeforeKill} writes sent, ${pendingAfterKill.n} pending`);

    // The client, having seen no answer it trusts, sends the same push again while no worker runs.
    const repeated = await pushOnce();
    t.equal(repeated.statusCode, 202);
    t.same(repeated.json(), accepted.json(), 'the repeat is the first answer (same run)');
    const pushRuns = await db.selectFrom('sync_runs').select('id').where('sync_id', '=', sync.id).where('trigger', '=', 'push').execute();
    t.equal(pushRuns.length, 1, 'one push run');

    // Second kill, of the worker that took the run over: while an update is in flight.
    const second = await startWorker(t, ctx.database.url!);
    await killDuring(second, 'an update', (r) => r.path.startsWith('/v1/customers/'), sentBeforeKill + 5);

    const third = await startWorker(t, ctx.database.url!);
    const finished = await (async () => {
      let row: { status: string } | undefined;
      await waitUntil(
        async () => {
          row = await db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
          return row.status !== 'queued' && row.status !== 'running';
        },
        'the push run to finish on the second worker',
        120_000,
      );
      return row!;
    })();
    if (!t.match(finished, { status: 'succeeded', error: null }, 'the run succeeded')) t.comment(third.output());

    // At the provider: every new customer once, every update applied, the untouched customers as they were.
    const byName = new Map<string, number>();
    for (const r of fake.records) byName.set(String(r.data.name), (byName.get(String(r.data.name)) ?? 0) + 1);
    t.equal(fake.records.length, EXISTING + CREATES - DELETES, `${EXISTING} + ${CREATES} - ${DELETES} customers at the provider`);
    for (let i = 0; i < CREATES; i++) {
      if (byName.get(`New ${i}`) !== 1) t.fail(`"New ${i}" exists ${byName.get(`New ${i}`) ?? 0} times`);
    }
    for (let i = 0; i < UPDATES; i++) {
      if (fake.record(existing[i])?.data.name !== `Updated ${i}`)
        t.fail(`${existing[i]} not updated: ${String(fake.record(existing[i])?.data.name)}`);
    }
    t.same(
      removed.filter((id) => fake.record(id)),
      [],
      'every deleted customer is gone',
    );
    // Create requests: one idempotency key per record, and a create sent again after the crash reused its key.
    const createRequests = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
    const keys = new Set(createRequests.map((r) => String(r.headers['idempotency-key'])));
    t.equal(keys.size, CREATES, 'every create carried its own key, and only those keys were used');
    t.comment(
      `${createRequests.length} create requests for ${CREATES} creates (${createRequests.length - CREATES} sent again after the kill)`,
    );

    // In Linkyard: every write applied exactly once, counted once, no conflict opened, records stored once.
    const writes = await db
      .selectFrom('run_writes')
      .select(['position', 'op', 'status', 'external_id', 'error'])
      .where('run_id', '=', runId)
      .orderBy('position')
      .execute();
    t.equal(writes.length, TOTAL);
    const notApplied = writes.filter((w) => w.status !== 'applied');
    t.same(notApplied, [], 'every write applied');
    t.equal(new Set(writes.filter((w) => w.op === 'create').map((w) => w.external_id)).size, CREATES, 'each create its own provider id');
    const run = (await ctx.app.inject({ url: `${base}/runs/${runId}`, headers: admin })).json();
    t.match(run.stats, { pushed: TOTAL, created: CREATES, updated: UPDATES, deleted: DELETES, failed: 0, conflicts: 0 }, 'counted once');
    const conflicts = await db.selectFrom('conflicts').select('id').where('sync_id', '=', sync.id).execute();
    t.equal(conflicts.length, 0, 'no conflict opened for our own write');
    const stored = await sql<{ n: number; distinct: number }>`
    SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct FROM records
    WHERE integration_id = ${app.integration.id} AND deleted_at IS NULL`.execute(db);
    t.same(stored.rows[0], { n: EXISTING + CREATES - DELETES, distinct: EXISTING + CREATES - DELETES }, 'every record stored once');
    // And the next pull sees the pushed versions as they are.
    t.match((await runAndWait(ctx, base, admin, sync.id)).stats, {
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: EXISTING + CREATES - DELETES,
    });
  },
);
