import t, { type Test } from 'tap';
import { jobStores } from '../../../helpers/job-stores.js';
import { createSync, runAndWait, stripeApp } from '../../../helpers/provider-app.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';

/**
 * Bidirectional runs (fake Stripe): a run pulls, then writes the sync's pending changes — writes pushed while the
 * integration was paused — each checked for conflicts against the base it just pulled; counted as pushed and
 * conflicts in the run's stats; a scheduled run (Agenda, Postgres job store) does the same. A push a user cancelled
 * leaves no pending change.
 */

const MAPPINGS = [
  { source: 'name', target: 'name' },
  { source: 'email', target: 'email' },
];

/** Pauses the integration, pushes a new name for each record (the push run is cancelled, its writes stay pending), resumes. */
async function pushWhilePaused(s: Awaited<ReturnType<typeof stripeApp>>, syncId: string, ids: string[]) {
  const { ctx, base, admin, integration } = s;
  t.equal((await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/pause`, headers: admin })).statusCode, 200);
  const res = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${syncId}/records`,
    headers: admin,
    payload: { records: ids.map((externalId, i) => ({ externalId, data: { name: `Local ${i}` } })) },
  });
  await ctx.app.services.executor!.drain();
  const pushRunId = res.json().runId;
  await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/resume`, headers: admin });
  return pushRunId;
}

async function setup(t: Test, fake: FakeProvider, env: Record<string, string> = {}) {
  const s = await stripeApp(t, fake, env);
  const sync = await createSync(s, {
    resource: 'customers',
    mode: 'full',
    mappings: MAPPINGS,
    outboundMappings: MAPPINGS,
    direction: 'bidirectional',
    conflictResolution: 'merge',
    schedule: { cron: '0 0 1 1 *', timezone: 'UTC' },
  });
  return { s, sync };
}

t.test('a bidirectional run pulls, then writes the pending changes, each checked for conflicts', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 3 });
  t.teardown(() => fake.close());
  const { s, sync } = await setup(t, fake);
  const { ctx, base, admin } = s;
  await runAndWait(ctx, base, admin, sync.id);
  const [a, b] = fake.ids();

  const pushRunId = await pushWhilePaused(s, sync.id, [a, b]);
  const pushRun = (await ctx.app.inject({ url: `${base}/runs/${pushRunId}`, headers: admin })).json();
  t.match(pushRun, { trigger: 'push', status: 'cancelled', stats: { pushed: 0 } });
  t.same((await ctx.app.inject({ url: `${base}/runs/${pushRunId}/writes`, headers: admin })).json().items, [], 'nothing written yet');
  t.match(fake.record(a)!.data, { name: 'Customer 0' });

  // The provider changes b meanwhile. The run's pull stores the provider's version, but the pending change was made
  // against the older one: still a conflict (under merge, b's email, theirs, and name, ours, combine).
  fake.modify(b, { email: 'remote@example.com' });
  const run = await runAndWait(ctx, base, admin, sync.id);
  t.match(run, { trigger: 'manual', status: 'succeeded', stats: { fetched: 3, pushed: 2, conflicts: 1 } });
  t.match(fake.record(a)!.data, { name: 'Local 0' });
  t.match(fake.record(b)!.data, { name: 'Local 1', email: 'remote@example.com' });
  t.match((await ctx.app.inject({ url: `${base}/runs/${pushRunId}/writes`, headers: admin })).json().items, [
    { externalId: a, status: 'applied' },
    { externalId: b, status: 'applied' },
  ]);

  const next = await runAndWait(ctx, base, admin, sync.id);
  t.match(next.stats, { pushed: 0, conflicts: 0, created: 0, updated: 0, unchanged: 3 }, 'written once; the writes are the new base');
});

t.test('a pull-only sync leaves pending changes alone', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 2 });
  t.teardown(() => fake.close());
  const { s, sync } = await setup(t, fake);
  const { ctx, base, admin } = s;
  await runAndWait(ctx, base, admin, sync.id);
  await pushWhilePaused(s, sync.id, [fake.ids()[0]]);
  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/syncs/${sync.id}`,
    headers: admin,
    payload: { direction: 'push' },
  });
  t.equal(patched.statusCode, 200);
  const run = await runAndWait(ctx, base, admin, sync.id);
  t.match(run.stats, { pushed: 0 });
  t.match(fake.record(fake.ids()[0])!.data, { name: 'Customer 0' });
});

t.test('a push cancelled before it started fails its writes: the next bidirectional run does not send them', async (t) => {
  // One run at a time, and a slow provider: a pull holds the only slot while the push waits queued behind it.
  const fake = await startFakeProvider('stripe', { records: 2, latencyMs: 1500 });
  t.teardown(() => fake.close());
  const { s, sync } = await setup(t, fake, { WORKER_CONCURRENCY: '1' });
  const { ctx, base, admin } = s;
  await runAndWait(ctx, base, admin, sync.id);
  const [a] = fake.ids();
  const pull = await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${sync.id}/runs`, headers: admin });
  t.equal(pull.statusCode, 202);
  const pushed = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${sync.id}/records`,
    headers: admin,
    payload: { records: [{ externalId: a, data: { name: 'Never sent' } }] },
  });
  const pushRunId = pushed.json().runId;
  const cancelled = await ctx.app.inject({ method: 'POST', url: `${base}/runs/${pushRunId}/cancel`, headers: admin });
  t.match(cancelled.json(), { id: pushRunId, status: 'cancelled', error: 'Cancelled before it started' });
  await ctx.app.services.executor!.drain();
  t.match((await ctx.app.inject({ url: `${base}/runs/${pushRunId}`, headers: admin })).json(), {
    status: 'cancelled',
    stats: { pushed: 0, failed: 1 },
  });
  t.match((await ctx.app.inject({ url: `${base}/runs/${pushRunId}/writes`, headers: admin })).json().items, [
    { externalId: a, op: 'update', status: 'failed', error: 'Cancelled before it was written' },
  ]);

  const run = await runAndWait(ctx, base, admin, sync.id);
  t.match(run, { status: 'succeeded', stats: { pushed: 0 } }, 'nothing left pending');
  t.match(fake.record(a)!.data, { name: 'Customer 0' }, 'never written');
  t.equal(fake.requests.filter((r) => r.method !== 'GET').length, 0);
});

t.test('a scheduled bidirectional run (Agenda) writes the pending changes too', async (t) => {
  const store = jobStores.find((s) => s.name === 'postgres')!;
  const opened = await store.open(t);
  const fake = await startFakeProvider('stripe', { records: 2 });
  t.teardown(() => fake.close());
  const { s, sync } = await setup(t, fake, { ...opened.env, WORKER_POLL_SECONDS: '1', WORKER_LOCK_LIFETIME_SECONDS: '5' });
  const { ctx, base, admin } = s;
  await runAndWait(ctx, base, admin, sync.id);
  await pushWhilePaused(s, sync.id, [fake.ids()[0]]);
  const jobs = opened.view(ctx);
  await ctx.app.services.scheduler.start();
  await jobs.makeDue(sync.id);
  const db = ctx.database.db.kysely;
  let scheduled: { status: string; pushed: number } | undefined;
  await waitUntil(async () => {
    scheduled = await db
      .selectFrom('sync_runs')
      .selectAll()
      .where('sync_id', '=', sync.id)
      .where('trigger', '=', 'schedule')
      .executeTakeFirst();
    return scheduled !== undefined && scheduled.status !== 'queued' && scheduled.status !== 'running';
  }, 'the scheduled run to finish');
  t.match(scheduled, { status: 'succeeded', pushed: 1 });
  t.match(fake.record(fake.ids()[0])!.data, { name: 'Local 0' });
});
