import t, { type Test } from 'tap';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';
import { createSync, runAndWait, stripeApp, type ProviderApp } from '../../../helpers/provider-app.js';

/**
 * Conflicts through the API (manual strategy, fake Stripe): listing for Viewers, resolving for Admins, each way, with the
 * provider's record checked at the fake; bad input refused with nothing written; a provider that moved again is a 409.
 */

const MAPPINGS = [
  { source: 'name', target: 'name' },
  { source: 'email', target: 'email' },
];

interface Setup extends ProviderApp {
  fake: FakeProvider;
  sync: { id: string };
}

async function setup(t: Test, records = 4): Promise<Setup> {
  const fake = await startFakeProvider('stripe', { records });
  t.teardown(() => fake.close());
  const app = await stripeApp(t, fake);
  const sync = await createSync(app, {
    resource: 'customers',
    mode: 'full',
    mappings: MAPPINGS,
    outboundMappings: MAPPINGS,
    direction: 'bidirectional',
    conflictResolution: 'manual',
  });
  await runAndWait(app.ctx, app.base, app.admin, sync.id);
  return { ...app, fake, sync };
}

/** The provider changes each record's email, then the organization pushes `local(i)` for it: one open conflict each. */
async function openConflicts(s: Setup, ids: string[], local: (i: number) => object = (i) => ({ name: `Local ${i}` })) {
  ids.forEach((id, i) => s.fake.modify(id, { email: `remote${i}@example.com` }));
  const res = await s.ctx.app.inject({
    method: 'POST',
    url: `${s.base}/syncs/${s.sync.id}/records`,
    headers: s.admin,
    payload: { records: ids.map((externalId, i) => ({ externalId, data: local(i) })) },
  });
  if (res.statusCode !== 202) throw new Error(`push refused: ${res.body}`);
  await s.ctx.app.services.executor!.drain();
  const items: { id: string; externalId: string }[] = (await get(s, `/conflicts?syncId=${s.sync.id}&status=open&limit=200`)).json().items;
  // By record, in the order asked.
  return ids.map((id) => items.find((c) => c.externalId === id)!);
}

function get(s: Setup, path: string, headers = s.admin) {
  return s.ctx.app.inject({ url: `${s.base}${path}`, headers });
}

function resolve(s: Setup, conflictId: string, payload: object, headers = s.admin) {
  return s.ctx.app.inject({ method: 'POST', url: `${s.base}/conflicts/${conflictId}/resolve`, headers, payload });
}

t.test('conflicts are listed (Viewer), filtered and paged; the status widget counts the open ones; other organizations 404', async (t) => {
  const s = await setup(t);
  const ids = s.fake.ids().slice(0, 3);
  const originalEmail = s.fake.record(ids[0])!.data.email;
  const [first] = await openConflicts(s, ids);
  const viewer = { authorization: await s.ctx.bearer('viewer@acme.test') };

  const all = await get(s, '/conflicts', viewer);
  t.equal(all.statusCode, 200);
  t.equal(all.json().items.length, 3);
  t.equal(all.json().nextCursor, null);
  const one = await get(s, `/conflicts/${first.id}`, viewer);
  t.match(one.json(), {
    id: first.id,
    syncId: s.sync.id,
    integrationId: s.integration.id,
    resource: 'customers',
    externalId: ids[0],
    status: 'open',
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
  });
  t.same(one.json().fields, [
    { path: 'email', base: originalEmail, local: originalEmail, remote: 'remote0@example.com' },
    { path: 'name', base: 'Customer 0', local: 'Local 0', remote: 'Customer 0' },
  ]);

  const page1 = (await get(s, '/conflicts?limit=2', viewer)).json();
  t.equal(page1.items.length, 2);
  const page2 = (await get(s, `/conflicts?limit=2&cursor=${page1.nextCursor}`, viewer)).json();
  t.equal(page2.items.length, 1);
  t.equal(page2.nextCursor, null);
  t.equal(new Set([...page1.items, ...page2.items].map((c: { id: string }) => c.id)).size, 3, 'each conflict once');
  t.equal((await get(s, `/conflicts?integrationId=${s.integration.id}`)).json().items.length, 3);
  t.equal((await get(s, '/conflicts?integrationId=00000000-0000-4000-8000-000000000000')).json().items.length, 0);
  t.equal((await get(s, '/conflicts?status=resolved')).json().items.length, 0);
  t.match((await get(s, '/conflicts?cursor=bm9wZQ')).json(), { statusCode: 400, field: 'query.cursor' });
  t.match((await get(s, '/conflicts?status=closed')).json(), { statusCode: 400, field: 'query.status' });
  t.match((await get(s, '/sync-status', viewer)).json(), { openConflicts: 3 });

  t.equal((await resolve(s, first.id, { resolution: 'remote' }, viewer)).statusCode, 403, 'Viewers cannot resolve');
  const globex = { authorization: await s.ctx.bearer('admin@globex.test') };
  t.equal((await get(s, '/conflicts', globex)).statusCode, 404, "another organization's list");
  const globexBase = `/api/orgs/${s.ctx.orgs.globex}`;
  t.equal((await s.ctx.app.inject({ url: `${globexBase}/conflicts/${first.id}`, headers: globex })).statusCode, 404);
  const foreign = await s.ctx.app.inject({
    method: 'POST',
    url: `${globexBase}/conflicts/${first.id}/resolve`,
    headers: globex,
    payload: { resolution: 'local' },
  });
  t.equal(foreign.statusCode, 404, "another organization's conflict");
  t.equal((await get(s, `/conflicts/${first.id}`)).json().status, 'open', 'still open');
});

t.test('resolved each way: ours, theirs, per field with an edited value; the provider holds the chosen version', async (t) => {
  const s = await setup(t);
  const ids = s.fake.ids().slice(0, 3);
  const originalEmail = s.fake.record(ids[0])!.data.email;
  const [ours, theirs, merged] = await openConflicts(s, ids);

  s.fake.resetRequests();
  const a = await resolve(s, ours.id, { resolution: 'local' });
  t.equal(a.statusCode, 200);
  t.match(a.json(), {
    status: 'resolved',
    resolution: 'local',
    resolvedBy: { type: 'user', email: 'admin@acme.test' },
    resolvedAt: /^\d{4}-/,
  });
  t.match(s.fake.record(ids[0])!.data, { name: 'Local 0', email: originalEmail }, "ours: the organization's whole version");

  const writesBefore = s.fake.requests.filter((r) => r.method === 'POST').length;
  t.match((await resolve(s, theirs.id, { resolution: 'remote' })).json(), { status: 'resolved', resolution: 'remote' });
  t.equal(s.fake.requests.filter((r) => r.method === 'POST').length, writesBefore, 'theirs: nothing written');
  t.match(s.fake.record(ids[1])!.data, { name: 'Customer 1', email: 'remote1@example.com' });

  // Per field: the name edited by hand; the email, changed at the provider only, left out: the provider's stays.
  t.match((await resolve(s, merged.id, { resolution: 'merged', data: { name: 'Edited 2' } })).json(), { resolution: 'merged' });
  t.match(s.fake.record(ids[2])!.data, { name: 'Edited 2', email: 'remote2@example.com' });
  const update = s.fake.requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${ids[2]}`).at(-1);
  t.same(update?.body, { name: 'Edited 2' }, 'only what differs from the provider is sent');

  const again = await resolve(s, ours.id, { resolution: 'remote' });
  t.equal(again.statusCode, 409);
  t.match(again.json().message, /already resolved/);
  t.match((await get(s, '/sync-status')).json(), { openConflicts: 0 });
  t.equal((await get(s, '/conflicts?status=resolved')).json().items.length, 3);
  const audit = (await get(s, '/audit?action=conflict.resolved')).json().items;
  t.equal(audit.length, 3, 'each resolution audited');
  t.match(audit[0], { target: { type: 'conflict' }, metadata: { resolution: /local|remote|merged/ } });

  // The chosen versions are the new base: the next pull sees nothing new.
  const pulled = await runAndWait(s.ctx, s.base, s.admin, s.sync.id);
  t.match(pulled.stats, { created: 0, updated: 0, unchanged: 4 });
});

t.test('bad input: 400 naming the field, nothing written', async (t) => {
  const s = await setup(t, 2);
  const [conflict] = await openConflicts(s, [s.fake.ids()[0]], () => ({ name: 'Local', email: 'local@example.com' }));
  s.fake.resetRequests();
  const cases: [object, string, RegExp][] = [
    [{ resolution: 'local', data: { name: 'x' } }, '/data', /merged/],
    [{ resolution: 'merged' }, '/data', /needs data/],
    [{ resolution: 'merged', data: { name: 'x', nope: 1 } }, '/data/nope', /"nope" is not a field of this conflict/],
    [{ resolution: 'merged', data: { name: 'x' } }, '/data/email', /"email" changed on both sides/],
    [{ resolution: 'both' }, '/resolution', /./],
  ];
  for (const [payload, field, message] of cases) {
    const res = await resolve(s, conflict.id, payload);
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.match(res.json(), { field, message });
  }
  t.equal(s.fake.requests.filter((r) => r.method !== 'GET').length, 0, 'nothing written');
  t.equal((await get(s, `/conflicts/${conflict.id}`)).json().status, 'open');
  t.equal((await resolve(s, '00000000-0000-4000-8000-000000000000', { resolution: 'local' })).statusCode, 404);
});

t.test('a record changed at the provider again: 409, nothing written, the conflict shows the newest version', async (t) => {
  const s = await setup(t, 2);
  const id = s.fake.ids()[0];
  const originalEmail = s.fake.record(id)!.data.email;
  const [conflict] = await openConflicts(s, [id]);
  s.fake.modify(id, { email: 'again@example.com' });
  s.fake.resetRequests();
  const res = await resolve(s, conflict.id, { resolution: 'local' });
  t.equal(res.statusCode, 409);
  t.match(res.json().message, /changed at the provider again/);
  t.equal(s.fake.requests.filter((r) => r.method !== 'GET').length, 0, 'nothing written');
  t.match(s.fake.record(id)!.data, { name: 'Customer 0', email: 'again@example.com' });
  const now = (await get(s, `/conflicts/${conflict.id}`)).json();
  t.equal(now.status, 'open');
  t.match(
    now.fields.find((f: { path: string }) => f.path === 'email'),
    { base: originalEmail, remote: 'again@example.com' },
  );
  // Looked at again, the person keeps the provider's email and the organization's name.
  const ok = await resolve(s, conflict.id, { resolution: 'merged', data: { name: 'Local 0', email: 'again@example.com' } });
  t.equal(ok.statusCode, 200);
  t.match(s.fake.record(id)!.data, { name: 'Local 0', email: 'again@example.com' });
});
