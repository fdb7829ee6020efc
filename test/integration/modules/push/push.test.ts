import t, { type Test } from 'tap';
import type { TestContext } from '../../../helpers/app.js';
import { stripeApp } from '../../../helpers/provider-app.js';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';

const MAPPINGS = [
  { source: 'name', target: 'name' },
  { source: 'email', target: 'email' },
];

/** A Stripe integration pointed at the fake Stripe, and a sync of its customers with the given direction. */
async function setup(t: Test, fake: FakeProvider, syncBody: object) {
  const { ctx, admin, base, integration } = await stripeApp(t, fake);
  const created = await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: { resource: 'customers', mode: 'full', mappings: MAPPINGS, outboundMappings: MAPPINGS, ...syncBody },
  });
  return { ctx, admin, base, integration, sync: created.json(), created };
}

async function pull(ctx: TestContext, base: string, headers: Record<string, string>, syncId: string) {
  const started = await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${syncId}/runs`, headers });
  await ctx.app.services.executor!.drain();
  return (await ctx.app.inject({ url: `${base}/runs/${started.json().runId}`, headers })).json();
}

async function pushAndWait(
  ctx: TestContext,
  base: string,
  headers: Record<string, string>,
  syncId: string,
  records: object[],
  key?: string,
) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${syncId}/records`,
    headers: { ...headers, ...(key ? { 'idempotency-key': key } : {}) },
    payload: { records },
  });
  await ctx.app.services.executor!.drain();
  return res;
}

async function writesOf(ctx: TestContext, base: string, headers: Record<string, string>, runId: string) {
  return (await ctx.app.inject({ url: `${base}/runs/${runId}/writes`, headers })).json().items;
}

t.test('a pull-only resource refuses push, naming the resource; direction defaults to pull', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 1 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration, sync } = await setup(t, fake, {});
  t.match(sync, { direction: 'pull', conflictResolution: 'manual', outboundMappings: MAPPINGS });
  const charges = await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: { resource: 'charges', direction: 'push' },
  });
  t.equal(charges.statusCode, 400);
  t.match(charges.json(), { field: '/direction', message: /"charges"/ });
  const refused = await pushAndWait(ctx, base, admin, sync.id, [{ data: { name: 'x' } }]);
  t.equal(refused.statusCode, 400);
  t.match(refused.json().message, /only pulls/);
});

t.test('push creates, updates and deletes at the provider; created records join the pulled set', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 3 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, sync } = await setup(t, fake, { direction: 'bidirectional' });
  t.equal((await pull(ctx, base, admin, sync.id)).stats.created, 3);
  const [first, second] = fake.ids();

  const res = await pushAndWait(ctx, base, admin, sync.id, [
    { data: { name: 'Ada', email: 'ada@example.com' } },
    { externalId: first, data: { name: 'Renamed' } },
    { externalId: second, op: 'delete' },
    { data: { name: 'Bad', email: 'not-an-email' } },
  ]);
  t.equal(res.statusCode, 202);
  t.match(res.json(), { accepted: 4 });
  const run = (await ctx.app.inject({ url: `${base}/runs/${res.json().runId}`, headers: admin })).json();
  t.match(run, { trigger: 'push', status: 'succeeded', stats: { pushed: 3, failed: 1 } });
  const writes = await writesOf(ctx, base, admin, run.id);
  t.match(writes, [
    { op: 'create', status: 'applied', externalId: /^cus_/ },
    { op: 'update', status: 'applied', externalId: first },
    { op: 'delete', status: 'applied', externalId: second },
    { op: 'create', status: 'failed', externalId: null, error: /Invalid email address/ },
  ]);
  const failedOnly = (await ctx.app.inject({ url: `${base}/runs/${run.id}/writes?status=failed`, headers: admin })).json();
  t.match(failedOnly, { items: [{ op: 'create', status: 'failed', error: /Invalid email address/ }], nextCursor: null });
  t.equal(failedOnly.items.length, 1, 'status=failed lists the failed writes only');
  const badStatus = await ctx.app.inject({ url: `${base}/runs/${run.id}/writes?status=pending`, headers: admin });
  t.match(badStatus.json(), { statusCode: 400, field: 'query.status' });
  const createdId = writes[0].externalId;
  t.match(fake.record(createdId)?.data, { name: 'Ada', email: 'ada@example.com' });
  t.match(fake.record(first)?.data, { name: 'Renamed' });
  t.equal(fake.record(second), undefined);
  const updateBody = fake.requests.find((r) => r.method === 'POST' && r.path === `/v1/customers/${first}`)?.body;
  t.same(updateBody, { name: 'Renamed' }, 'an update sends only the changed fields');

  // The next pull sees the pushed record as unchanged, not new.
  const again = await pull(ctx, base, admin, sync.id);
  t.match(again.stats, { created: 0, updated: 0, unchanged: 3, deleted: 0 });
});

t.test('a repeated push with the same Idempotency-Key returns the first answer and writes nothing', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 1 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, sync } = await setup(t, fake, { direction: 'push' });
  const records = [{ data: { name: 'Once', email: 'once@example.com' } }];
  const a = await pushAndWait(ctx, base, admin, sync.id, records, 'order-42');
  const b = await pushAndWait(ctx, base, admin, sync.id, records, 'order-42');
  t.equal(b.statusCode, 202);
  t.same(b.json(), a.json());
  t.equal(fake.ids().length, 2, 'one customer created');
  const creates = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
  t.equal(creates.length, 1);
  t.match(creates[0].headers['idempotency-key'], /^linkyard-/);
});

t.test('bad input: over 1,000 records, a delete of an unknown id, no data', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 1 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, sync } = await setup(t, fake, { direction: 'push' });
  const many = await pushAndWait(
    ctx,
    base,
    admin,
    sync.id,
    Array.from({ length: 1001 }, () => ({ data: { name: 'x' } })),
  );
  t.equal(many.statusCode, 400);
  const unknown = await pushAndWait(ctx, base, admin, sync.id, [{ data: { name: 'ok' } }, { externalId: 'cus_nope', op: 'delete' }]);
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json(), { field: '/records/1/externalId', message: /Record 2: "cus_nope" is not a record/ });
  const noData = await pushAndWait(ctx, base, admin, sync.id, [{ externalId: 'cus_x' }]);
  t.match(noData.json(), { statusCode: 400, field: '/records/0/data' });
  // Found by fuzz.test.ts: data nested thousands of levels deep was a 500. (Sent as text: JSON.stringify here would
  // run out of stack first.)
  const deep = '['.repeat(5000) + '"bottom"' + ']'.repeat(5000);
  const tooDeep = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${sync.id}/records`,
    headers: { ...admin, 'content-type': 'application/json' },
    payload: `{"records":[{"data":{"name":"deep","tags":${deep}}}]}`,
  });
  t.match(tooDeep.json(), { statusCode: 400, field: /^\/records\/0\/data\/tags\/0\/0/, message: /nested more than 100 levels deep/ });
  t.equal(fake.requests.filter((r) => r.method !== 'GET').length, 0, 'nothing written');
});

t.test('a record changed on both sides: source, latest, merge and manual', async (t) => {
  for (const strategy of ['source', 'latest', 'merge', 'manual'] as const) {
    const fake = await startFakeProvider('stripe', { records: 2 });
    t.teardown(() => fake.close());
    const { ctx, admin, base, sync } = await setup(t, fake, { direction: 'bidirectional', conflictResolution: strategy });
    await pull(ctx, base, admin, sync.id);
    const id = fake.ids()[0];
    // The provider changes the email; the organization then changes the name (its push arrives later).
    fake.modify(id, { email: 'remote@example.com' });
    const res = await pushAndWait(ctx, base, admin, sync.id, [{ externalId: id, data: { name: 'Local name' } }]);
    const [write] = await writesOf(ctx, base, admin, res.json().runId);
    const run = (await ctx.app.inject({ url: `${base}/runs/${res.json().runId}`, headers: admin })).json();
    t.equal(run.stats.conflicts, 1, `${strategy}: counted as a conflict`);
    const now = fake.record(id)!.data;
    if (strategy === 'source') {
      t.match(write, { status: 'skipped' });
      t.match(now, { name: 'Customer 0', email: 'remote@example.com' }, 'source: the provider version stays');
    } else if (strategy === 'latest') {
      // Stripe has no modification time: the provider's change is dated when it was seen, after the push.
      t.match(write, { status: 'skipped' });
    } else if (strategy === 'merge') {
      t.match(write, { status: 'applied' });
      t.match(now, { name: 'Local name', email: 'remote@example.com' }, 'merge: disjoint fields combined');
    } else {
      t.match(write, { status: 'conflict' });
      t.match(now, { name: 'Customer 0' }, 'manual: nothing written');
    }
  }
});

t.test('an update the provider already holds (sent before a crash, not recorded) is applied, not a conflict', async (t) => {
  // A push run records its writes a slice at a time, so a worker killed mid-slice sends the slice's answered writes
  // again. Stripe replays a repeated POST by its idempotency key; a provider without keys (PATCH, PUT) applied it,
  // and the re-read then finds exactly the pushed values: no conflict, nothing sent again.
  const fake = await startFakeProvider('stripe', { records: 2 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, sync } = await setup(t, fake, { direction: 'bidirectional', conflictResolution: 'manual' });
  await pull(ctx, base, admin, sync.id);
  const [id, other] = fake.ids();
  fake.modify(id, { name: 'Pushed name' });
  fake.modify(other, { name: 'Their name' });
  fake.resetRequests();
  const res = await pushAndWait(ctx, base, admin, sync.id, [
    { externalId: id, data: { name: 'Pushed name' } },
    { externalId: other, data: { name: 'Our name' } },
  ]);
  t.match(await writesOf(ctx, base, admin, res.json().runId), [
    { externalId: id, status: 'applied' },
    { externalId: other, status: 'conflict' },
  ]);
  const run = (await ctx.app.inject({ url: `${base}/runs/${res.json().runId}`, headers: admin })).json();
  t.match(run.stats, { pushed: 1, conflicts: 1 });
  t.equal(fake.requests.filter((r) => r.method === 'POST').length, 0, 'nothing sent: one was there, the other is a conflict');
  t.equal((await ctx.app.inject({ url: `${base}/conflicts?syncId=${sync.id}`, headers: admin })).json().items.length, 1);
});

t.test('writes of one record in one push go out in order, each checked against the one before', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 3 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, sync } = await setup(t, fake, { direction: 'bidirectional', conflictResolution: 'manual' });
  await pull(ctx, base, admin, sync.id);
  const [a, b, c] = fake.ids();
  const res = await pushAndWait(ctx, base, admin, sync.id, [
    { externalId: a, data: { name: 'A1' } },
    { externalId: b, data: { name: 'B1' } },
    { externalId: a, data: { email: 'a2@example.com' } },
    { externalId: c, data: { name: 'C1' } },
    { externalId: a, data: { name: 'A3' } },
  ]);
  const writes = await writesOf(ctx, base, admin, res.json().runId);
  t.same(
    writes.map((w: { status: string }) => w.status),
    ['applied', 'applied', 'applied', 'applied', 'applied'],
    'no write of a is a conflict with the write of a before it',
  );
  t.match(fake.record(a)!.data, { name: 'A3', email: 'a2@example.com' });
  t.match(fake.record(b)!.data, { name: 'B1' });
  t.match(fake.record(c)!.data, { name: 'C1' });
});

t.test('slices overlap, and a write of a record the slice before sent waits until that one is recorded', async (t) => {
  // A slice is 250 writes; the next one is read and sent while the one before is recorded. A write of a record that
  // may not be recorded yet ends the next slice there (or leaves it empty until the record is done), so it is
  // checked against the version the earlier write left, never the older base: no conflict with itself.
  const fake = await startFakeProvider('stripe', { records: 270 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, sync } = await setup(t, fake, { direction: 'bidirectional', conflictResolution: 'manual' });
  await pull(ctx, base, admin, sync.id);
  const ids = fake.ids();
  const records = [
    ...ids.slice(0, 250).map((id) => ({ externalId: id, data: { name: `First ${id}` } })),
    { externalId: ids[0], data: { email: 'again0@example.com' } }, // first of its slice: waits for the first slice
    ...ids.slice(250, 260).map((id) => ({ externalId: id, data: { name: `First ${id}` } })),
    { externalId: ids[260], data: { name: 'Only once' } },
    { externalId: ids[250], data: { email: 'again250@example.com' } }, // ends the slice before it
  ];
  const res = await pushAndWait(ctx, base, admin, sync.id, records);
  const run = (await ctx.app.inject({ url: `${base}/runs/${res.json().runId}`, headers: admin })).json();
  t.match(run, { status: 'succeeded', stats: { pushed: records.length, conflicts: 0 } });
  t.match(fake.record(ids[0])!.data, { name: `First ${ids[0]}`, email: 'again0@example.com' });
  t.match(fake.record(ids[250])!.data, { name: `First ${ids[250]}`, email: 'again250@example.com' });
  t.match(fake.record(ids[260])!.data, { name: 'Only once' });
  t.match(fake.record(ids[249])!.data, { name: `First ${ids[249]}` });
});
