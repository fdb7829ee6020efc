import t, { type Test } from 'tap';
import { sql } from 'kysely';
import pino from 'pino';
import { createTestApp } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { jobStores, type JobStoreUnderTest, type StoredJob } from '../../../helpers/job-stores.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';
import { createScheduler } from '../../../../server/src/modules/scheduler/scheduler.js';
import { kyselyBackedPool } from '../../../../server/src/modules/scheduler/pglite-pool.js';
import { slotOf } from '../../../../server/src/modules/scheduler/slot.js';
import { nextRunAt } from '../../../../server/src/modules/syncs/schedule.js';

/**
 * The scheduler against the test database (PGlite or Postgres), once per job store — Postgres, and
 * MongoDB where MONGODB_URL is set: the store holds exactly one job per sync that should fire and none
 * for the rest, a fire queues one run per slot which the run pool executes end to end, and a real
 * Agenda worker fires due jobs. Multi-process behaviour is in worker-reliability.test.ts.
 */

async function setup(t: Test, store: JobStoreUnderTest, fake: FakeProvider, env: Record<string, string> = {}) {
  const opened = await store.open(t);
  const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true', ...opened.env, ...env } });
  const jobs = opened.view(ctx);
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}`;
  // An integration holds one sync per resource and the fake serves customers only: syncs that run need integrations of their own.
  const newIntegration = async (name = 'Stripe') =>
    (
      await ctx.app.inject({
        method: 'POST',
        url: `${base}/integrations`,
        headers: admin,
        payload: { provider: 'stripe', name, apiKey: fake.token, settings: { apiBaseUrl: fake.apiBaseUrl } },
      })
    ).json();
  const integration = await newIntegration();
  const createSync = async (body: object, integrationId = integration.id) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations/${integrationId}/syncs`,
      headers: admin,
      payload: { resource: 'customers', ...body },
    });
    if (res.statusCode !== 201) throw new Error(`sync not created: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  return { ctx, jobs, admin, base, integration, createSync, newIntegration };
}

for (const store of jobStores) {
  const name = (what: string) => `${store.name} job store: ${what}`;

  t.test(
    name('it holds exactly one job per sync that fires, and follows every change that decides it'),
    { skip: store.skip },
    async (t) => {
      const fake = await startFakeProvider('stripe', { records: 5 });
      t.teardown(() => fake.close());
      const { ctx, jobs, admin, base, integration, createSync } = await setup(t, store, fake);
      const patch = (url: string, payload: object, headers = admin) => ctx.app.inject({ method: 'PATCH', url, headers, payload });
      const post = (url: string, headers = admin) => ctx.app.inject({ method: 'POST', url, headers });
      const syncView = async (id: string) => (await ctx.app.inject({ url: `${base}/syncs/${id}`, headers: admin })).json();
      const integrationView = async () => (await ctx.app.inject({ url: `${base}/integrations/${integration.id}`, headers: admin })).json();

      // Another tenant's schedule, which nothing below may touch.
      const globexAdmin = { authorization: await ctx.bearer('admin@globex.test') };
      const globexIntegration = (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/orgs/${ctx.orgs.globex}/integrations`,
          headers: globexAdmin,
          payload: { provider: 'stripe', name: 'Stripe', apiKey: fake.token, settings: { apiBaseUrl: fake.apiBaseUrl } },
        })
      ).json();
      const globexSync = (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/orgs/${ctx.orgs.globex}/integrations/${globexIntegration.id}/syncs`,
          headers: globexAdmin,
          payload: { resource: 'customers', schedule: { cron: '15 3 * * *', timezone: 'UTC' } },
        })
      ).json();

      const sync = await createSync({ schedule: { cron: '0 9 * * *', timezone: 'Europe/Berlin' } });
      let [job] = await jobs.jobs(sync.id);
      t.equal((await jobs.jobs(sync.id)).length, 1, 'creating a scheduled sync creates its job');
      t.match(job, {
        repeatInterval: '0 9 * * *',
        repeatTimezone: 'Europe/Berlin',
        data: { orgId: ctx.orgs.acme, integrationId: integration.id, syncId: sync.id },
      });
      t.equal(
        job.nextRunAt!.toISOString(),
        nextRunAt({ cron: '0 9 * * *', timezone: 'Europe/Berlin' })!.toISOString(),
        'due at the next 09:00 in Berlin',
      );
      t.equal(sync.nextRunAt, job.nextRunAt!.toISOString(), "the sync shows the job's due time");
      t.equal((await integrationView()).nextSyncAt, sync.nextRunAt, 'the integration shows its earliest next sync');
      const firstJobId = job.id;

      const manual = await createSync({ resource: 'charges', schedule: null });
      t.same(await jobs.jobs(manual.id), [], 'a manual-only sync has no job');
      t.equal(manual.nextRunAt, null);

      t.equal((await patch(`${base}/syncs/${sync.id}`, { schedule: { cron: '30 7 * * 1-5', timezone: 'UTC' } })).statusCode, 200);
      [job] = await jobs.jobs(sync.id);
      t.equal((await jobs.jobs(sync.id)).length, 1, 'a schedule change keeps one job');
      t.match(job, { id: firstJobId, repeatInterval: '30 7 * * 1-5', repeatTimezone: 'UTC' }, 'the same job, rescheduled');
      t.equal((await syncView(sync.id)).nextRunAt, job.nextRunAt!.toISOString());

      await patch(`${base}/syncs/${sync.id}`, { mappings: [{ source: 'email', target: 'email' }] });
      t.same(
        (await jobs.jobs(sync.id)).map((j) => [j.id, j.nextRunAt!.getTime()]),
        [[firstJobId, job.nextRunAt!.getTime()]],
        'other edits leave the job alone',
      );

      await patch(`${base}/syncs/${sync.id}`, { enabled: false });
      t.same(await jobs.jobs(sync.id), [], 'disabling removes the job');
      t.equal((await syncView(sync.id)).nextRunAt, null);
      await patch(`${base}/syncs/${sync.id}`, { enabled: true });
      t.equal((await jobs.jobs(sync.id)).length, 1, 'enabling brings it back');

      await patch(`${base}/syncs/${sync.id}`, { schedule: null });
      t.same(await jobs.jobs(sync.id), [], 'manual only: no job');
      await patch(`${base}/syncs/${sync.id}`, { schedule: { cron: '0 6 * * *', timezone: 'America/New_York' } });
      t.match(await jobs.jobs(sync.id), [{ repeatInterval: '0 6 * * *', repeatTimezone: 'America/New_York' }], 'a schedule again: one job');

      t.equal((await post(`${base}/integrations/${integration.id}/pause`)).statusCode, 200);
      t.same(await jobs.jobs(sync.id), [], "pausing the integration removes its syncs' jobs");
      t.equal((await syncView(sync.id)).nextRunAt, null);
      t.equal((await integrationView()).nextSyncAt, null);
      t.equal(
        (await patch(`${base}/syncs/${sync.id}`, { schedule: { cron: '0 5 * * *', timezone: 'UTC' } })).json().nextRunAt,
        null,
        "editing a paused integration's sync schedules nothing",
      );
      t.same(await jobs.jobs(sync.id), []);
      t.equal((await post(`${base}/integrations/${integration.id}/resume`)).statusCode, 200);
      t.match(await jobs.jobs(sync.id), [{ repeatInterval: '0 5 * * *' }], 'resuming brings it back, with the latest schedule');
      t.ok((await integrationView()).nextSyncAt);

      const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
      t.equal((await patch(`/api/orgs/${ctx.orgs.acme}`, { status: 'suspended' }, owner)).statusCode, 200);
      t.same(await jobs.jobs(sync.id), [], 'suspending the organization removes its jobs');
      t.equal((await jobs.jobs(globexSync.id)).length, 1, "another organization's schedule is untouched");
      t.equal((await patch(`/api/orgs/${ctx.orgs.acme}`, { status: 'active' }, owner)).statusCode, 200);
      t.equal((await jobs.jobs(sync.id)).length, 1, 'reactivating brings them back');

      const second = await createSync({ resource: 'invoices', schedule: { cron: '*/30 * * * *', timezone: 'UTC' } });
      t.equal((await ctx.app.inject({ method: 'DELETE', url: `${base}/syncs/${sync.id}`, headers: admin })).statusCode, 204);
      t.same(await jobs.jobs(sync.id), [], 'deleting the sync removes its job');
      t.equal((await jobs.jobs(second.id)).length, 1);
      t.equal((await ctx.app.inject({ method: 'DELETE', url: `${base}/integrations/${integration.id}`, headers: admin })).statusCode, 204);
      t.same(await jobs.jobs(second.id), [], "deleting the integration removes its syncs' jobs");
      t.same(
        (await jobs.jobs()).map((j) => j.data.syncId),
        [globexSync.id],
        "only the other tenant's job is left",
      );

      // A job the database no longer wants (a crash between commit and enqueue) and a sync without its
      // job (written by a script or seed) are both repaired by the worker's reconciliation.
      await jobs.retarget(globexSync.id, '01900000-0000-7000-8000-00000000dead');
      await ctx.app.services.scheduler.reconcileAll();
      t.same(
        (await jobs.jobs()).map((j) => j.data.syncId),
        [globexSync.id],
        'reconciliation cancels the stray job and recreates the missing one',
      );
    },
  );

  t.test(
    name('a fire queues one run for its slot and runs it end to end; the same slot fired twice runs once'),
    { skip: store.skip },
    async (t) => {
      const fake = await startFakeProvider('stripe', { records: 120 });
      t.teardown(() => fake.close());
      const { ctx, integration, createSync } = await setup(t, store, fake);
      const schedule = { cron: '*/5 * * * *', timezone: 'UTC' };
      const sync = await createSync({
        schedule,
        mappings: [
          { source: 'id', target: 'id' },
          { source: 'email', target: 'email' },
        ],
      });
      const scheduler = ctx.app.services.scheduler;
      const db = ctx.database.db.kysely;

      const firedAt = new Date();
      const slot = slotOf(schedule, firedAt);
      t.equal(slot.getTime(), Math.floor(firedAt.getTime() / 300_000) * 300_000, 'the slot is the latest */5 minute at or before the fire');
      const outcome = await scheduler.fire(ctx.orgs.acme, sync.id, firedAt);
      t.match(outcome, { outcome: 'queued', slot });
      const runs = () => db.selectFrom('sync_runs').selectAll().where('sync_id', '=', sync.id).orderBy('created_at').execute();
      t.ok(['queued', 'running'].includes((await runs())[0].status), 'the fire returns once the run is queued, before it has run');
      await ctx.app.services.executor!.drain();
      const [run] = await runs();
      t.match(run, { trigger: 'schedule', status: 'succeeded', fetched: 120, created: 120, organization_id: ctx.orgs.acme });
      t.equal(run.scheduled_for!.toISOString(), slot.toISOString(), 'scheduled_for is the slot');
      const stored = await sql<{
        n: number;
      }>`SELECT count(DISTINCT external_id)::int AS n FROM records WHERE integration_id = ${integration.id}`.execute(db);
      t.equal(stored.rows[0].n, 120, 'the run stored every record');
      const after = await db.selectFrom('syncs').select(['next_run_at', 'last_run_at']).where('id', '=', sync.id).executeTakeFirstOrThrow();
      t.equal(after.next_run_at!.toISOString(), nextRunAt(schedule, firedAt)!.toISOString(), "the sync's next run moved on");
      t.ok(after.last_run_at);

      t.match(
        await scheduler.fire(ctx.orgs.acme, sync.id, new Date(firedAt.getTime() + 1000)),
        { outcome: 'skipped', activeRunId: null },
        'the same slot again: nothing',
      );
      t.equal((await runs()).length, 1);

      // Two workers' handlers for the next slot at the same moment: the unique index admits one run.
      const next = new Date(slot.getTime() + 300_000);
      const both = await Promise.all([scheduler.fire(ctx.orgs.acme, sync.id, next), scheduler.fire(ctx.orgs.acme, sync.id, next)]);
      t.same(both.map((o) => o.outcome).sort(), ['queued', 'skipped'], "one handler queues the slot's run, the other finds it taken");
      await ctx.app.services.executor!.drain();
      const all = await runs();
      t.equal(all.length, 2, 'one run per slot');
      t.same(
        all.map((r) => r.scheduled_for!.toISOString()),
        [slot.toISOString(), next.toISOString()],
      );
      t.same(
        all.map((r) => r.status),
        ['succeeded', 'succeeded'],
      );

      // A disabled sync's stray fire (its job cancelled a moment later) queues nothing.
      await ctx.app.inject({
        method: 'PATCH',
        url: `/api/orgs/${ctx.orgs.acme}/syncs/${sync.id}`,
        headers: { authorization: await ctx.bearer('admin@acme.test') },
        payload: { enabled: false },
      });
      t.match(await scheduler.fire(ctx.orgs.acme, sync.id, new Date(next.getTime() + 300_000)), { outcome: 'not-scheduled' });
      t.equal((await runs()).length, 2);
      // An organization cannot fire another organization's sync: the org scope does not see it.
      t.match(await scheduler.fire(ctx.orgs.globex, sync.id, new Date()), { outcome: 'not-scheduled' });
    },
  );

  t.test(name('fires arriving together are decided in one transaction, each with its own outcome'), { skip: store.skip }, async (t) => {
    const fake = await startFakeProvider('stripe', { records: 3 });
    t.teardown(() => fake.close());
    const { ctx, createSync, newIntegration } = await setup(t, store, fake);
    const schedule = { cron: '*/5 * * * *', timezone: 'UTC' };
    const [a, b] = [await createSync({ schedule }), await createSync({ schedule }, (await newIntegration('Stripe B')).id)];
    const manual = await createSync({ resource: 'charges', schedule: null });
    const scheduler = ctx.app.services.scheduler;
    const db = ctx.database.db.kysely;
    const firedAt = new Date();
    const slot = slotOf(schedule, firedAt);

    // Started in the same tick, so they share a batch: a and b queue, a's second fire finds the slot
    // taken (and a's run active), the manual-only sync does not fire.
    const outcomes = await Promise.all([a, b, manual, a].map((s) => scheduler.fire(ctx.orgs.acme, s.id, firedAt)));
    t.match(outcomes, [
      { outcome: 'queued', slot },
      { outcome: 'queued', slot },
      { outcome: 'not-scheduled' },
      { outcome: 'skipped', slot },
    ]);
    const [first, second, , again] = outcomes as { runId?: string; activeRunId?: string | null }[];
    t.not(first.runId, second.runId);
    t.equal(again.activeRunId, first.runId, 'the taken slot names the run that has it');
    await ctx.app.services.executor!.drain();
    const runs = await db
      .selectFrom('sync_runs')
      .select(['sync_id', 'scheduled_for', 'status', 'organization_id'])
      .where('sync_id', 'in', [a.id, b.id, manual.id])
      .execute();
    t.same(runs.map((r) => r.sync_id).sort(), [a.id, b.id].sort(), 'one run for each firing sync');
    t.ok(
      runs.every((r) => r.scheduled_for!.getTime() === slot.getTime() && r.status === 'succeeded' && r.organization_id === ctx.orgs.acme),
    );
    const next = await db.selectFrom('syncs').select(['id', 'next_run_at']).where('id', 'in', [a.id, b.id]).execute();
    t.ok(
      next.every((s) => s.next_run_at!.getTime() === nextRunAt(schedule, firedAt)!.getTime()),
      "each fired sync's next run moved on",
    );
  });

  t.test(name('a worker fires due jobs through Agenda, once per slot'), { skip: store.skip }, async (t) => {
    const fake = await startFakeProvider('stripe', { records: 30 });
    t.teardown(() => fake.close());
    const { ctx, jobs, createSync } = await setup(t, store, fake, { WORKER_POLL_SECONDS: '1', WORKER_LOCK_LIFETIME_SECONDS: '5' });
    // Yearly, so the test controls when it is due; schedules may not fire more often than once a minute.
    const schedule = { cron: '0 0 1 1 *', timezone: 'UTC' };
    const sync = await createSync({ schedule });
    const db = ctx.database.db.kysely;
    await ctx.app.services.scheduler.start();

    const runs = () => db.selectFrom('sync_runs').selectAll().where('sync_id', '=', sync.id).execute();
    const makeDue = () => jobs.makeDue(sync.id);
    await makeDue();
    let found: Awaited<ReturnType<typeof runs>> = [];
    await waitUntil(async () => {
      found = await runs();
      return found.length > 0 && found[0].status !== 'queued' && found[0].status !== 'running';
    }, 'the due job to fire and its run to finish');
    t.equal(found.length, 1, 'the due job fired');
    t.match(found[0], { trigger: 'schedule', status: 'succeeded', fetched: 30 });
    t.equal(found[0].scheduled_for!.toISOString(), slotOf(schedule, new Date()).toISOString(), "for the slot: this year's 1 January");
    // Agenda saves the job once more after the fire returns (last_finished_at, and next_run_at from the job in hand).
    let job = {} as StoredJob;
    await waitUntil(async () => {
      [job] = await jobs.jobs(sync.id);
      return job.lastFinishedAt !== null;
    }, "the first fire's job to be saved as finished");
    t.equal(job.nextRunAt!.toISOString(), nextRunAt(schedule)!.toISOString(), 'the job is due again next 1 January');

    // Due again within the same slot (a second worker, a lock that expired): no second run. The runs are
    // counted only once the second fire is known to have happened: the job finished again after makeDue.
    const firstFinished = job.lastFinishedAt!.getTime();
    await makeDue();
    await waitUntil(async () => {
      [job] = await jobs.jobs(sync.id);
      return (job.lastFinishedAt?.getTime() ?? 0) > firstFinished;
    }, 'the job, due again, to fire a second time');
    t.pass('the second fire happened');
    t.equal(job.nextRunAt!.toISOString(), nextRunAt(schedule)!.toISOString(), 'and left the job due next 1 January again');
    t.equal((await runs()).length, 1, 'the slot ran once'); // a fire inserts its run before it returns
  });

  t.test(name("two processes saving the same syncs' jobs at once leave one job per sync"), { skip: store.skip }, async (t) => {
    const fake = await startFakeProvider('stripe', { records: 1 });
    t.teardown(() => fake.close());
    const { ctx, jobs, createSync, newIntegration } = await setup(t, store, fake);
    // Manual-only syncs given a schedule behind the scheduler's back: neither process finds a job, both save one.
    const syncs = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => createSync({ schedule: null }, (await newIntegration(`Stripe ${i}`)).id)),
    );
    await ctx.database.db.kysely
      .updateTable('syncs')
      .set({ cron: '0 4 * * *', timezone: 'UTC' })
      .where(
        'id',
        'in',
        syncs.map((s) => s.id),
      )
      .execute();
    const other = createScheduler({
      db: ctx.database.db,
      config: ctx.config,
      executor: ctx.app.services.executor,
      logger: pino({ level: 'silent' }) as never,
    });
    t.teardown(() => other.close());
    await Promise.all([ctx.app.services.scheduler.reconcileAll(), other.reconcileAll()]);
    const stored = await jobs.jobs();
    t.same(stored.map((j) => j.data.syncId).sort(), syncs.map((s) => s.id).sort(), 'exactly one job per sync');
    t.ok(stored.every((j) => j.repeatInterval === '0 4 * * *' && j.repeatTimezone === 'UTC'));
  });
}

t.test(
  "embedded mode: Agenda's statements wait for the app's transactions instead of joining them",
  { skip: usingPostgres() && 'PGlite only' },
  async (t) => {
    const ctx = await createTestApp(t, { seed: false });
    const { db } = ctx.database;
    const pool = kyselyBackedPool(db);
    let probe: Promise<unknown> | undefined;
    await db.kysely.connection().execute(async (conn) => {
      await sql`BEGIN`.execute(conn);
      probe = pool.query(`INSERT INTO agenda_jobs (name) VALUES ('probe')`);
      await new Promise((r) => setTimeout(r, 200));
      await sql`ROLLBACK`.execute(conn);
    });
    await probe;
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'probe'`.execute(db.kysely);
    t.equal(rows.rows[0].n, 1, 'the job-store write ran after the rolled-back transaction, not inside it');

    // What the socket server would do instead (why pglite-socket is not used; see pglite-pool.ts).
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const pg = (await import('pg')).default;
    const server = new PGLiteSocketServer({ db: db.pglite as never, port: 0, host: '127.0.0.1' });
    await server.start();
    t.teardown(() => server.stop());
    const [host, port] = server.getServerConn().split(':');
    const client = new pg.Client({ host, port: Number(port), user: 'postgres', database: 'postgres' });
    await client.connect();
    t.teardown(() => client.end().catch(() => {}));
    await db.kysely.connection().execute(async (conn) => {
      await sql`BEGIN`.execute(conn);
      let inserted = false;
      probe = client.query(`INSERT INTO agenda_jobs (name) VALUES ('socket probe')`).then(() => {
        inserted = true;
      });
      // The evidence, not a fixed wait: the socket client's autocommit insert completes while this transaction is open.
      await waitUntil(() => inserted, "the socket client's insert to complete inside the open transaction");
      await sql`ROLLBACK`.execute(conn);
    });
    await probe;
    const lost = await sql<{ n: number }>`SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'socket probe'`.execute(db.kysely);
    t.equal(lost.rows[0].n, 0, "a socket client's autocommit insert ran inside the app's transaction and was rolled back with it");
  },
);
