import t from 'tap';
import { startFakeProvider } from '../../../fixtures/providers/index.js';
import { runAndWait, stripeApp } from '../../../helpers/provider-app.js';

/** Selective sync through the API: refusals that save nothing, and a run whose filters are pushed down or applied locally. */

t.test('bad selections are refused with the entry at fault, and nothing is saved', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 5 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration } = await stripeApp(t, fake);
  const create = (payload: object) =>
    ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations/${integration.id}/syncs`,
      headers: admin,
      payload: { resource: 'customers', ...payload },
    });

  const cases: [string, object, string, RegExp][] = [
    ['fields where Stripe has none', { fields: ['email'] }, '/fields', /Stripe cannot select fields/],
    [
      'an unknown operator',
      {
        filters: [
          { field: 'email', op: 'eq', value: 'a' },
          { field: 'name', op: 'eq', value: 'b' },
          { field: 'x', op: 'like', value: 1 },
        ],
      },
      '/filters/2/op',
      /"like" is not a filter operator/,
    ],
    ['a list where a scalar goes', { filters: [{ field: 'email', op: 'eq', value: ['a'] }] }, '/filters/0/value', /not a list/],
    ['an object value', { filters: [{ field: 'email', op: 'eq', value: { $gt: '' } }] }, '/filters/0/value', /not an object/],
    ['in without a list', { filters: [{ field: 'email', op: 'in', value: 'a' }] }, '/filters/0/value', /non-empty list/],
    ['exists with text', { filters: [{ field: 'email', op: 'exists', value: 'yes' }] }, '/filters/0/value', /true or false/],
    ['a NUL character', { filters: [{ field: 'email', op: 'eq', value: 'a\u0000b' }] }, '/filters/0/value', /./],
    ['an unpaired surrogate', { filters: [{ field: 'email', op: 'eq', value: 'a\ud800b' }] }, '/filters/0/value', /./],
    ['a field that is not a path', { filters: [{ field: "email' OR 1=1", op: 'eq', value: 'a' }] }, '/filters/0/field', /not a field path/],
    [
      'a creation bound that is not Unix seconds',
      { filters: [{ field: 'created', op: 'gte', value: '2024-01-01' }] },
      '/filters/0/value',
      /Stripe filters created \(gte\) by a whole number/,
    ],
  ];
  for (const [what, payload, field, message] of cases) {
    const res = await create(payload);
    t.equal(res.statusCode, 400, what);
    t.match(res.json(), { error: 'Bad Request', field, message }, what);
  }
  const syncs = (await ctx.app.inject({ url: `${base}/integrations/${integration.id}/syncs`, headers: admin })).json();
  t.equal(syncs.items.length, 0, 'no sync was created');

  const sync = (await create({ filters: [{ field: 'email', op: 'exists' }] })).json();
  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/syncs/${sync.id}`,
    headers: admin,
    payload: { fields: ['id'], filters: [] },
  });
  t.match(patched.json(), { statusCode: 400, field: '/fields' });
  const after = (await ctx.app.inject({ url: `${base}/syncs/${sync.id}`, headers: admin })).json();
  t.same(after.filters, [{ field: 'email', op: 'exists' }], 'a refused update changes nothing');
});

t.test('a run pushes what Stripe filters, filters the rest before storing, and counts it as skipped', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 60 });
  t.teardown(() => fake.close());
  const { ctx, admin, base, integration } = await stripeApp(t, fake);
  const created = Number(fake.records[30].data.created);
  const filters = [
    { field: 'created', op: 'gte', value: created },
    { field: 'name', op: 'contains', value: 'customer 4' },
  ];
  const res = await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: { resource: 'customers', filters, mappings: [{ source: 'name', target: 'name' }] },
  });
  t.equal(res.statusCode, 201, res.body);
  const sync = res.json();
  t.same(sync.fields, []);
  t.same(sync.filters, filters);

  const run = await runAndWait(ctx, base, admin, sync.id);
  t.equal(fake.requests[0].query['created[gte]'], String(created), 'the creation bound went to Stripe');
  t.notOk('name' in fake.requests[0].query, 'Stripe has no name filter: applied locally');
  const fromStripe = fake.records.filter((r) => Number(r.data.created) >= created);
  const kept = fromStripe.filter((r) => String(r.data.name).toLowerCase().includes('customer 4'));
  t.ok(kept.length > 0 && kept.length < fromStripe.length);
  t.match(run, {
    status: 'succeeded',
    stats: { fetched: fromStripe.length, created: kept.length, skipped: fromStripe.length - kept.length, failed: 0 },
  });
  const records = (await ctx.app.inject({ url: `${base}/integrations/${integration.id}/records?limit=100`, headers: admin })).json();
  t.same(
    records.items.map((r: { externalId: string }) => r.externalId).sort(),
    kept.map((r) => r.id).sort(),
    'only kept records are stored',
  );
  const logs = (await ctx.app.inject({ url: `${base}/runs/${run.id}/logs?limit=100`, headers: admin })).json();
  t.ok(
    logs.items.some((l: { message: string }) => new RegExp(`${fromStripe.length - kept.length} skipped by filters`).test(l.message)),
    'the run log says how many were skipped',
  );

  // A changed selection starts the next incremental run over (a record it now takes in may not have changed).
  await ctx.app.inject({ method: 'PATCH', url: `${base}/syncs/${sync.id}`, headers: admin, payload: { mode: 'incremental' } });
  await runAndWait(ctx, base, admin, sync.id);
  const patched = await ctx.app.inject({ method: 'PATCH', url: `${base}/syncs/${sync.id}`, headers: admin, payload: { filters: [] } });
  t.same(patched.json().filters, []);
  const widened = await runAndWait(ctx, base, admin, sync.id);
  t.match(widened.stats, { fetched: 60, skipped: 0 }, 'the next run lists everything');
});
