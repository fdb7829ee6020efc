import { hostname } from 'node:os';
import { sql } from 'kysely';
import t from 'tap';
import { createTestApp, testConfig } from '../helpers/app.js';
import { usingPostgres } from '../helpers/database.js';
import { claimTestRedis, redisAnswers, testRedisUrl, type TestRedis } from '../helpers/redis-database.js';
import { serverEnv, startServer, type ServerProcess } from '../helpers/server-process.js';
import { createStripeSync } from '../helpers/stripe-sync.js';
import { waitUntil } from '../helpers/wait-until.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';
import { startFakeProvider } from '../fixtures/providers/index.js';

/**
 * The scale-out topology of README *Running API and worker processes* and docker-compose.yml, for real: two API
 * processes (ROLE=api) and two worker processes (ROLE=worker), all started from the compiled server, on one Postgres
 * database and one Redis, and one set of them for every check:
 * 1. due schedules fire once per slot: every sync gets its run, none two, even when the slot comes due again;
 * 2. manual runs requested through both API processes are executed by both workers (sync_runs.claimed_by);
 * 3. the per-user rate limit is counted once across both API processes (Redis), not per process;
 * 4. an API key revoked through one API process is refused by the other at the very next request;
 * 5. a worker killed (SIGKILL) mid-run: the other worker takes the run over and finishes it, once, counts exact.
 * Postgres only: PGlite serves one process. Needs a Redis (TEST_REDIS_URL, default 127.0.0.1:6379): each run of
 * this file claims a Redis database of its own (test/helpers/redis-database.ts).
 */

const redisUp = usingPostgres() ? await redisAnswers() : false;
const SKIP = !usingPostgres()
  ? 'API and worker processes share a Postgres database; embedded PGlite serves a single process'
  : !redisUp && !process.env.CI
    ? `no Redis answered at ${testRedisUrl()} (set TEST_REDIS_URL): the API processes share rate limits through it`
    : false;

const LOCK_LIFETIME_S = 5; // the smallest WORKER_LOCK_LIFETIME_SECONDS: a dead worker's run is taken over after it
const USER_LIMIT = 30; // RATE_LIMIT_USER_PER_MINUTE of the API processes
const SYNCS = 20;
const YEARLY = { cron: '0 0 1 1 *', timezone: 'UTC' };

t.setTimeout(300_000);

async function startApi(databaseUrl: string, redisUrl: string): Promise<ServerProcess> {
  const keys = testConfig();
  const server = startServer({
    env: serverEnv({
      NODE_ENV: 'test',
      ROLE: 'api',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      ADMIN_UI: 'off',
      MIGRATE_ON_START: 'false',
      SEED_DEMO_ON_START: 'false',
      LOG_LEVEL: 'warn',
      JWT_SECRET: keys.jwtSecret,
      ENCRYPTION_KEY: keys.encryptionKey,
      ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
      RATE_LIMIT_USER_PER_MINUTE: String(USER_LIMIT),
    }),
  });
  try {
    await waitUntil(
      () => {
        if (server.exit()) throw new Error(`API process exited: ${JSON.stringify(server.exit())}\n${server.stderr()}`);
        return server.url() !== null;
      },
      'an API process to listen',
      60_000,
    );
  } catch (err) {
    server.kill();
    throw err;
  }
  return server;
}

async function stopApi(server: ServerProcess): Promise<void> {
  if (server.exit()) return;
  process.kill(server.pid, 'SIGTERM');
  await waitUntil(() => server.exit() !== null, 'an API process to stop', 15_000).catch(() => server.kill());
}

/** The name a process records in sync_runs.claimed_by. */
const processName = (pid: number) => `${hostname()}:${pid}`;

t.test('scale-out: two API and two worker processes on one Postgres database and one Redis', { skip: SKIP }, async (t) => {
  const startedAt = Date.now();
  // Every run waits for the provider, so both workers' pools are busy at once and a run is in progress when killed.
  const fake = await startFakeProvider('stripe', { records: 3, latencyMs: 300 });
  const slow = await startFakeProvider('stripe', { records: 1000, latencyMs: 400, token: 'sk_test_slow' });
  t.teardown(() => Promise.all([fake.close(), slow.close()]));
  const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
  const db = ctx.database.db.kysely;
  const redis: TestRedis = await claimTestRedis();
  t.teardown(() => redis.release());

  // The four processes start while this process sets up (no HTTP, no rate limit) 20 syncs with a yearly schedule
  // and one slow sync without; a worker that reconciles meanwhile only finds what is there already.
  const startingApis = [startApi(ctx.database.url!, redis.url), startApi(ctx.database.url!, redis.url)];
  const workerOptions = {
    databaseUrl: ctx.database.url!,
    set: { WORKER_LOCK_LIFETIME_SECONDS: String(LOCK_LIFETIME_S), WORKER_POLL_SECONDS: '1', WORKER_CONCURRENCY: '2' },
  };
  const startingWorkers = [startWorkerProcess(workerOptions), startWorkerProcess(workerOptions)];
  // Whichever started is stopped, even when another did not start.
  const stopStarted = async <P>(starting: Promise<P>[], stop: (p: P) => Promise<void>) => {
    for (const s of await Promise.allSettled(starting)) if (s.status === 'fulfilled') await stop(s.value);
  };
  t.teardown(() => Promise.all([stopStarted(startingApis, stopApi), stopStarted<WorkerProcess>(startingWorkers, (w) => w.stop())]));
  const processes = Promise.all([Promise.all(startingApis), Promise.all(startingWorkers)]);
  processes.catch(() => {}); // awaited below, after the set-up
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const syncIds: string[] = [];
  for (let n = 0; n < SYNCS; n++) syncIds.push((await createStripeSync(ctx, ctx.orgs.acme, admin, fake, `Stripe ${n}`, YEARLY)).syncId);
  const slowSync = await createStripeSync(ctx, ctx.orgs.acme, admin, slow, 'Slow Stripe', null);
  const [[apiA, apiB], [workerA, workerB]] = await processes;
  const apis = [apiA, apiB];
  const workers = [workerA, workerB];
  const workerNames = workers.map((w) => processName(w.child.pid!));
  t.comment(`4 processes up ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the start of the test`);
  const call = (api: ServerProcess, path: string, init: RequestInit = {}) => fetch(`${api.url()}${path}`, init);
  const acme = `/api/orgs/${ctx.orgs.acme}`;

  await t.test('1. due schedules fire once per slot: every sync has its run, none has two', async (t) => {
    const scheduled = () => db.selectFrom('sync_runs').selectAll().where('trigger', '=', 'schedule').execute();
    const makeDue = () => sql`UPDATE agenda_jobs SET next_run_at = now() WHERE name = 'sync:scheduled'`.execute(db);
    await makeDue();
    await waitUntil(async () => {
      const runs = await scheduled();
      return runs.length >= SYNCS && runs.every((r) => r.status === 'succeeded');
    }, `${SYNCS} scheduled runs to succeed`);
    // The same slot comes due again (a lock that expired, a clock that lagged): it must not run twice.
    await makeDue();
    await waitUntil(async () => {
      const due = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM agenda_jobs
         WHERE name = 'sync:scheduled' AND (next_run_at <= now() OR locked_at IS NOT NULL)`.execute(db);
      return due.rows[0].n === 0;
    }, 'the jobs due again to be fired and rescheduled');
    const runs = await scheduled();
    t.same(runs.map((r) => r.sync_id).sort(), [...syncIds].sort(), 'one scheduled run per sync: none missing, none doubled');
    const slot = new Date(Date.UTC(new Date().getUTCFullYear(), 0, 1));
    t.ok(
      runs.every((r) => r.scheduled_for?.getTime() === slot.getTime()),
      'each for the slot (1 January)',
    );
    const perSlot = await sql<{ n: number }>`
      SELECT coalesce(max(c), 0)::int AS n FROM (SELECT count(*) AS c FROM sync_runs GROUP BY sync_id, scheduled_for) x`.execute(db);
    t.equal(perSlot.rows[0].n, 1, '0 duplicate runs per (sync, slot)');
    t.ok(
      runs.every((r) => workerNames.includes(r.claimed_by!)),
      'every run executed by one of the workers',
    );
    const fires = await sql<{ by: string; n: number }>`
      SELECT last_modified_by AS by, count(*)::int AS n FROM agenda_jobs WHERE name = 'sync:scheduled' GROUP BY 1 ORDER BY 1`.execute(db);
    t.comment(`schedules last fired by: ${fires.rows.map((f) => `${f.by} ×${f.n}`).join(', ')}`);
  });

  await t.test('2. manual runs requested through both API processes are executed by both workers', async (t) => {
    const runIds: string[] = [];
    for (const [i, syncId] of syncIds.entries()) {
      const res = await call(apis[i % 2], `${acme}/syncs/${syncId}/runs`, { method: 'POST', headers: admin });
      t.equal(res.status, 202, `run ${i + 1} queued through API process ${'AB'[i % 2]}`);
      runIds.push(((await res.json()) as { runId: string }).runId);
    }
    const manual = () => db.selectFrom('sync_runs').selectAll().where('id', 'in', runIds).execute();
    await waitUntil(
      async () => (await manual()).every((r) => r.status !== 'queued' && r.status !== 'running'),
      `${SYNCS} manual runs to finish`,
    );
    const runs = await manual();
    t.same(new Set(runs.map((r) => r.status)), new Set(['succeeded']), 'every run succeeded');
    const byWorker = workerNames.map((name) => runs.filter((r) => r.claimed_by === name).length);
    t.comment(`runs per worker: ${byWorker.join(' and ')}`);
    t.equal(byWorker[0] + byWorker[1], SYNCS, 'every run was executed by one of the two workers, none by an API process');
    t.ok(
      byWorker.every((n) => n > 0),
      `both workers executed some (${byWorker.join(' and ')})`,
    );
  });

  await t.test('3. the per-user rate limit is shared: requests alternated between the API processes count together', async (t) => {
    const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
    const statuses: number[] = [];
    for (let i = 0; i < USER_LIMIT; i++) statuses.push((await call(apis[i % 2], `${acme}/integrations`, { headers: viewer })).status);
    t.same(statuses, Array(USER_LIMIT).fill(200), `the first ${USER_LIMIT} requests (${USER_LIMIT / 2} per process) pass`);
    const overA = await call(apiA, `${acme}/integrations`, { headers: viewer });
    const overB = await call(apiB, `${acme}/integrations`, { headers: viewer });
    t.equal(overA.status, 429, `request ${USER_LIMIT + 1} is refused by A, which itself saw only ${USER_LIMIT / 2}`);
    t.equal(overB.status, 429, `and request ${USER_LIMIT + 2} by B`);
    t.ok(overB.headers.get('retry-after'), 'with Retry-After');
    t.ok((await redis.client.keys('linkyard-rl:*')).length > 0, "the counters live in this file's Redis database");
  });

  await t.test('4. an API key revoked through one API process is refused by the other at the next request', async (t) => {
    const superAdmin = { authorization: await ctx.bearer('super@acme.test'), 'content-type': 'application/json' };
    const created = await call(apiA, `${acme}/api-keys`, {
      method: 'POST',
      headers: superAdmin,
      body: JSON.stringify({ name: 'Scale-out', role: 'viewer' }),
    });
    t.equal(created.status, 201);
    const key = (await created.json()) as { id: string; secret: string };
    const withKey = { authorization: `Bearer ${key.secret}` };
    t.equal((await call(apiB, `${acme}/integrations`, { headers: withKey })).status, 200, 'B accepts the key');
    t.equal((await call(apiA, `${acme}/integrations`, { headers: withKey })).status, 200, 'A accepts the key');
    const revoked = await call(apiA, `${acme}/api-keys/${key.id}`, {
      method: 'DELETE',
      headers: { authorization: superAdmin.authorization },
    });
    t.ok(revoked.ok, `revoked through A (${revoked.status})`);
    t.equal((await call(apiB, `${acme}/integrations`, { headers: withKey })).status, 401, 'B refuses it at the next request');
    t.equal((await call(apiA, `${acme}/integrations`, { headers: withKey })).status, 401, 'A refuses it too');
  });

  await t.test('5. a worker killed mid-run: the other worker takes the run over and finishes it once', async (t) => {
    const res = await call(apiB, `${acme}/syncs/${slowSync.syncId}/runs`, { method: 'POST', headers: admin });
    t.equal(res.status, 202);
    const runId = ((await res.json()) as { runId: string }).runId;
    const run = () => db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    let before = await run();
    await waitUntil(async () => {
      before = await run();
      return before.status === 'running' && before.fetched >= 100;
    }, 'the slow run to commit a page');
    t.ok(before.fetched < 1000, `in progress when killed: ${before.fetched} of 1000 fetched`);
    const victim = workers[workerNames.indexOf(before.claimed_by!)];
    if (!victim) throw new Error(`the run was claimed by ${before.claimed_by}, none of the workers (${workerNames.join(', ')})`);
    const survivorName = workerNames.find((n) => n !== before.claimed_by)!;
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;
    let finished = await run();
    await waitUntil(
      async () => {
        finished = await run();
        return finished.status !== 'queued' && finished.status !== 'running';
      },
      'the run to finish on the other worker',
      90_000,
    );
    t.comment(`finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lock lifetime ${LOCK_LIFETIME_S} s)`);
    t.match(
      finished,
      { status: 'succeeded', fetched: 1000, created: 1000, updated: 0, unchanged: 0, failed: 0, error: null, claimed_by: survivorName },
      'finished by the surviving worker, counts exact: no page lost or counted twice',
    );
    t.equal(finished.started_at!.getTime(), before.started_at!.getTime(), 'the same run resumed, not a new one');
    const runs = await db.selectFrom('sync_runs').select('id').where('sync_id', '=', slowSync.syncId).execute();
    t.equal(runs.length, 1, 'one run of the sync');
    const records = await sql<{ n: number; distinct: number }>`
      SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct FROM records WHERE integration_id = ${slowSync.integrationId}`.execute(
      db,
    );
    t.same(records.rows[0], { n: 1000, distinct: 1000 }, 'every record exactly once');
  });

  t.comment(`all checks ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
});
