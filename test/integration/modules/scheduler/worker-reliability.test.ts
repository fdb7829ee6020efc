import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { buildApp } from '../../../../server/src/app.js';
import { createTestApp, DEMO_PASSWORD, testConfig } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { createStripeSync } from '../../../helpers/stripe-sync.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startWorkerProcess, type WorkerProcess } from '../../../helpers/worker-process.js';
import { startFakeProvider } from '../../../fixtures/providers/index.js';

/**
 * Real worker processes (`tsx server/src/main.ts` with ROLE=worker) on the test database, against fake
 * providers served by this process: a worker killed with SIGKILL mid-run, and one killed with runs it
 * queued but never started, two workers racing for the same due schedules, and tenants kept apart.
 * Postgres only — PGlite is one process's database.
 */

const POSTGRES_ONLY = !usingPostgres() && 'worker processes share a Postgres database; PGlite serves a single process';
const LOCK_LIFETIME_S = 5;
const YEARLY = { cron: '0 0 1 1 *', timezone: 'UTC' };

t.setTimeout(240_000);

/** waitUntil for a value: polls `probe` until it returns one (not undefined, null or false) and returns it. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  let value: T | undefined | null | false;
  await waitUntil(async () => !!(value = await probe()), what, timeoutMs);
  return value as T;
}

/** A worker process on the test database; its keys are the ones createTestApp's config uses. */
async function startWorker(t: Test, databaseUrl: string): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({
    databaseUrl,
    set: {
      WORKER_LOCK_LIFETIME_SECONDS: String(LOCK_LIFETIME_S),
      WORKER_POLL_SECONDS: '1',
      WORKER_CONCURRENCY: '4',
    },
  });
  t.teardown(() => worker.stop());
  return worker;
}

t.test(
  'kill -9 mid-run: a second worker resumes the run from its last committed page, records exact',
  { skip: POSTGRES_ONLY },
  async (t) => {
    const fake = await startFakeProvider('stripe', { records: 2000, latencyMs: 200 });
    t.teardown(() => fake.close());
    const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
    const db = ctx.database.db.kysely;
    const admin = { authorization: await ctx.bearer('admin@acme.test') };
    const { integrationId, syncId } = await createStripeSync(ctx, ctx.orgs.acme, admin, fake, 'Stripe', null);

    // The run is requested from an API-only process: it cannot execute runs, so it hands them to the workers.
    const api = await buildApp({
      config: testConfig({ ROLE: 'api', DATABASE_URL: ctx.database.url!, ALLOW_PRIVATE_NETWORK_TARGETS: 'true' }),
      db: ctx.database.db,
      logger: false,
    });
    await api.services.scheduler.connect();
    t.teardown(() => api.close());

    const first = await startWorker(t, ctx.database.url!);
    const started = await api.inject({ method: 'POST', url: `/api/orgs/${ctx.orgs.acme}/syncs/${syncId}/runs`, headers: admin });
    t.equal(started.statusCode, 202);
    const runId: string = started.json().runId;
    const run = () => db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();

    const before = await waitFor('some pages to be committed', 30_000, async () => {
      const r = await run();
      return r.status === 'running' && r.fetched >= 500 && r;
    });
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    t.ok(before.fetched < 2000, `killed mid-run, ${before.fetched} of 2000 fetched`);
    const orphan = await run();
    t.equal(orphan.status, 'running', 'the dead worker left the run running');
    const committed = orphan.fetched;

    await startWorker(t, ctx.database.url!);
    const finished = await waitFor('the run to finish on the second worker', 90_000, async () => {
      const r = await run();
      return r.status !== 'running' && r.status !== 'queued' && r;
    });
    // How soon is not asserted (a loaded machine stretches it); the wait above bounds it, and the figure is reported.
    t.comment(`finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lock lifetime ${LOCK_LIFETIME_S} s)`);
    t.match(
      finished,
      { status: 'succeeded', fetched: 2000, created: 2000, updated: 0, unchanged: 0, failed: 0, error: null },
      'counts are exact: committed pages were neither lost nor counted twice',
    );
    t.equal(finished.started_at!.getTime(), orphan.started_at!.getTime(), 'the same run resumed, not a new one');
    const records = await sql<{ n: number; distinct: number }>`
    SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct FROM records WHERE integration_id = ${integrationId}`.execute(
      db,
    );
    t.same(records.rows[0], { n: 2000, distinct: 2000 }, 'every record exactly once');
    const firstPages = fake.requests.filter((r) => r.path === '/v1/customers' && r.query.starting_after === undefined);
    t.equal(firstPages.length, 1, 'the second worker continued from the resume cursor instead of starting over');
    const resumedAt = fake.requests.find((r) => r.at > killedAt);
    t.ok(resumedAt?.query.starting_after, `the first request after the kill continues after record ${committed}`);
    const logs = await db.selectFrom('sync_logs').select('message').where('run_id', '=', runId).execute();
    t.ok(
      logs.some((l) => l.message === 'Run resumed after the last committed page'),
      'the run log says it resumed',
    );
    t.equal(
      await db
        .selectFrom('sync_runs')
        .select('id')
        .where('sync_id', '=', syncId)
        .execute()
        .then((r) => r.length),
      1,
      'one run',
    );
  },
);

t.test(
  'two workers, fifty syncs in five organizations due at once: every sync runs exactly once for the slot',
  { skip: POSTGRES_ONLY },
  async (t) => {
    const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
    const db = ctx.database.db.kysely;
    const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
    // Three more organizations whose Super Admin is super@acme.test, so one sign-in manages them.
    const orgIds = [ctx.orgs.acme];
    for (const slug of ['initech', 'umbrella', 'hooli']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/orgs',
        headers: owner,
        payload: { name: slug, slug, superAdminEmail: 'super@acme.test' },
      });
      if (res.statusCode !== 201) throw new Error(`org not created: ${res.body}`);
      // The Super Admin is invited; an existing account accepts with its current password.
      const accepted = await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/accept-invitation',
        payload: { token: res.json().superAdmin.invitation.token, password: DEMO_PASSWORD },
      });
      if (accepted.statusCode !== 200) throw new Error(`invitation not accepted: ${accepted.body}`);
      orgIds.push(res.json().id);
    }
    const superAdmin = { authorization: await ctx.bearer('super@acme.test') };
    const globexAdmin = { authorization: await ctx.bearer('admin@globex.test') };
    const tenants = [...orgIds.map((id) => ({ id, headers: superAdmin })), { id: ctx.orgs.globex, headers: globexAdmin }];

    const syncs: { orgId: string; syncId: string }[] = [];
    for (const [i, tenant] of tenants.entries()) {
      const fake = await startFakeProvider('stripe', { records: 3 + i, token: `sk_test_tenant_${i}` });
      t.teardown(() => fake.close());
      for (let n = 0; n < 10; n++) {
        const { syncId } = await createStripeSync(ctx, tenant.id, tenant.headers, fake, `Stripe ${n}`, YEARLY);
        syncs.push({ orgId: tenant.id, syncId });
      }
    }
    t.equal(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'sync:scheduled'`.execute(db)).rows[0].n,
      50,
      'fifty jobs, one per sync',
    );

    await Promise.all([startWorker(t, ctx.database.url!), startWorker(t, ctx.database.url!)]);
    const makeAllDue = () => sql`UPDATE agenda_jobs SET next_run_at = now() WHERE name = 'sync:scheduled'`.execute(db);
    await makeAllDue();
    const scheduled = () => db.selectFrom('sync_runs').selectAll().where('trigger', '=', 'schedule').execute();
    await waitFor('fifty scheduled runs to finish', 90_000, async () => {
      const runs = await scheduled();
      return runs.length === 50 && runs.every((r) => r.status === 'succeeded');
    });
    const slot = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
    let runs = await scheduled();
    t.equal(new Set(runs.map((r) => r.sync_id)).size, 50, 'every sync ran');
    t.ok(
      runs.every((r) => r.scheduled_for!.getTime() === slot.getTime()),
      'each for the slot (1 January)',
    );
    t.same(new Set(runs.map((r) => r.status)), new Set(['succeeded']));
    t.ok(
      runs.every((r) => syncs.find((s) => s.syncId === r.sync_id)!.orgId === r.organization_id),
      "each run belongs to its sync's organization",
    );

    // The same slot comes due again (a lock that expired, a clock that lagged): no slot runs twice.
    await makeAllDue();
    await waitFor('the jobs to be rescheduled', 30_000, async () => {
      const due = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'sync:scheduled' AND (next_run_at <= now() OR locked_at IS NOT NULL)`.execute(
        db,
      );
      return due.rows[0].n === 0;
    });
    runs = await scheduled();
    t.equal(runs.length, 50, 'still one run per sync');
    const perSlot = await sql<{
      n: number;
    }>`SELECT max(c)::int AS n FROM (SELECT count(*) AS c FROM sync_runs GROUP BY sync_id, scheduled_for) x`.execute(db);
    t.equal(perSlot.rows[0].n, 1, 'no (sync, slot) has two runs');
  },
);

t.test(
  'kill -9 after firing: runs the dead worker queued but never started are executed by another worker, once each',
  { skip: POSTGRES_ONLY },
  async (t) => {
    // Every run waits 3 s for the provider, so a worker with WORKER_CONCURRENCY=4 that fires twelve
    // schedules at once still has most of their runs queued, not started, when it is killed.
    const fake = await startFakeProvider('stripe', { records: 1, latencyMs: 3000 });
    t.teardown(() => fake.close());
    const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
    const db = ctx.database.db.kysely;
    const admin = { authorization: await ctx.bearer('admin@acme.test') };
    const syncIds: string[] = [];
    for (let n = 0; n < 12; n++) syncIds.push((await createStripeSync(ctx, ctx.orgs.acme, admin, fake, `Stripe ${n}`, YEARLY)).syncId);
    const scheduled = () => db.selectFrom('sync_runs').selectAll().where('trigger', '=', 'schedule').execute();

    const first = await startWorker(t, ctx.database.url!);
    await sql`UPDATE agenda_jobs SET next_run_at = now() WHERE name = 'sync:scheduled'`.execute(db);
    await waitFor('the worker to queue a run for every sync', 30_000, async () => (await scheduled()).length === 12);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    const atDeath = await scheduled();
    const stranded = atDeath.filter((r) => r.status === 'queued');
    t.ok(
      stranded.length > 0,
      `the dead worker left ${stranded.length} of 12 runs queued, never started (${atDeath.map((r) => r.status).join(', ')})`,
    );

    await startWorker(t, ctx.database.url!);
    const runs = await waitFor('every run to finish on the second worker', 90_000, async () => {
      const all = await scheduled();
      return all.every((r) => r.status !== 'queued' && r.status !== 'running') && all;
    });
    t.comment(`all finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lock lifetime ${LOCK_LIFETIME_S} s)`);
    t.same(
      runs.map((r) => r.status),
      Array(12).fill('succeeded'),
      'every run succeeded',
    );
    t.same(runs.map((r) => r.sync_id).sort(), [...syncIds].sort(), 'one run per sync: none lost, none doubled');
    const startedLater = runs.filter((r) => stranded.some((s) => s.id === r.id) && r.started_at!.getTime() >= killedAt);
    t.equal(startedLater.length, stranded.length, 'the stranded runs were started by the second worker');
  },
);

t.test("tenant isolation: an organization's scheduled run reads and writes only its own data", { skip: POSTGRES_ONLY }, async (t) => {
  const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
  const db = ctx.database.db.kysely;
  const acmeFake = await startFakeProvider('stripe', { records: 7, token: 'sk_test_acme_only' });
  const globexFake = await startFakeProvider('stripe', { records: 13, token: 'sk_test_globex_only' });
  t.teardown(() => Promise.all([acmeFake.close(), globexFake.close()]));
  const acme = await createStripeSync(
    ctx,
    ctx.orgs.acme,
    { authorization: await ctx.bearer('admin@acme.test') },
    acmeFake,
    'Stripe',
    YEARLY,
  );
  const globex = await createStripeSync(
    ctx,
    ctx.orgs.globex,
    { authorization: await ctx.bearer('admin@globex.test') },
    globexFake,
    'Stripe',
    YEARLY,
  );

  await startWorker(t, ctx.database.url!);
  await sql`UPDATE agenda_jobs SET next_run_at = now() WHERE name = 'sync:scheduled'`.execute(db);
  await waitFor('both runs to finish', 30_000, async () => {
    const runs = await db.selectFrom('sync_runs').select('status').where('trigger', '=', 'schedule').execute();
    return runs.length === 2 && runs.every((r) => r.status === 'succeeded');
  });

  const recordsOf = (orgId: string) =>
    db.selectFrom('records').select(['integration_id', 'external_id', 'data']).where('organization_id', '=', orgId).execute();
  const acmeRecords = await recordsOf(ctx.orgs.acme);
  const globexRecords = await recordsOf(ctx.orgs.globex);
  t.equal(acmeRecords.length, 7, "Acme holds its provider's 7 records");
  t.equal(globexRecords.length, 13, "Globex holds its provider's 13 records");
  t.ok(
    acmeRecords.every((r) => r.integration_id === acme.integrationId),
    "Acme's records all come from Acme's integration",
  );
  t.ok(
    globexRecords.every((r) => r.integration_id === globex.integrationId),
    "Globex's records all come from Globex's integration",
  );
  t.same(new Set(acmeRecords.map((r) => r.external_id)), new Set(acmeFake.ids()));
  t.same(new Set(globexRecords.map((r) => r.external_id)), new Set(globexFake.ids()));
  t.ok(
    acmeFake.requests.length > 0 && acmeFake.requests.every((r) => r.authorization === 'Bearer sk_test_acme_only'),
    "Acme's provider saw only Acme's key",
  );
  t.ok(
    globexFake.requests.length > 0 && globexFake.requests.every((r) => r.authorization === 'Bearer sk_test_globex_only'),
    "Globex's provider saw only Globex's key",
  );
  const runs = await db.selectFrom('sync_runs').select(['organization_id', 'sync_id', 'fetched']).execute();
  t.same(
    runs.map((r) => [r.organization_id, r.sync_id, r.fetched]).sort(),
    [
      [ctx.orgs.acme, acme.syncId, 7],
      [ctx.orgs.globex, globex.syncId, 13],
    ].sort(),
  );
});
