import t, { type Test } from 'tap';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';
import { createSync, hubspotApp, runAndWait, type ProviderApp } from '../../../helpers/provider-app.js';

/**
 * Each conflict strategy on a HubSpot contact changed on both sides (the fake HubSpot dates every change, so "the later
 * change" is decided by real modification times, in both directions), checked at the fake and in the stored records;
 * then a manual conflict's conflict.created event and its resolution field by field.
 */

const INBOUND = [
  { source: 'properties.firstname', target: 'firstName' },
  { source: 'properties.lastname', target: 'lastName' },
  { source: 'properties.email', target: 'email' },
];
const OUTBOUND = [
  { source: 'firstName', target: 'firstname' },
  { source: 'lastName', target: 'lastname' },
  { source: 'email', target: 'email' },
];

interface Setup extends ProviderApp {
  fake: FakeProvider;
  sync: { id: string };
}

/** `remoteLater`: the fake's clock runs a day ahead, so every change made at the provider is later than any push. */
async function setup(t: Test, remoteLater: boolean): Promise<Setup> {
  const fake = await startFakeProvider('hubspot', { records: 6, ...(remoteLater ? { baseTime: Date.now() + 86_400_000 } : {}) });
  t.teardown(() => fake.close());
  const app = await hubspotApp(t, fake);
  const sync = await createSync(app, {
    resource: 'contacts',
    mode: 'full',
    mappings: INBOUND,
    outboundMappings: OUTBOUND,
    direction: 'bidirectional',
  });
  const pulled = await runAndWait(app.ctx, app.base, app.admin, sync.id);
  if (pulled.status !== 'succeeded') throw new Error(`pull failed: ${JSON.stringify(pulled)}`);
  return { ...app, fake, sync };
}

/**
 * Under `strategy`, the provider changes the contact (`remote`, HubSpot property names), then the organization pushes
 * `local` for it; returns the write's outcome, the run and the contact as the fake now holds it.
 */
async function bothSides(s: Setup, strategy: string, index: number, remote: Record<string, unknown>, local: Record<string, unknown>) {
  const patched = await s.ctx.app.inject({
    method: 'PATCH',
    url: `${s.base}/syncs/${s.sync.id}`,
    headers: s.admin,
    payload: { conflictResolution: strategy },
  });
  if (patched.statusCode !== 200) throw new Error(`patch refused: ${patched.body}`);
  const id = s.fake.ids()[index];
  s.fake.modify(id, remote);
  const res = await s.ctx.app.inject({
    method: 'POST',
    url: `${s.base}/syncs/${s.sync.id}/records`,
    headers: s.admin,
    payload: { records: [{ externalId: id, data: local }] },
  });
  if (res.statusCode !== 202) throw new Error(`push refused: ${res.body}`);
  await s.ctx.app.services.executor!.drain();
  const runId = res.json().runId;
  const [write] = (await s.ctx.app.inject({ url: `${s.base}/runs/${runId}/writes`, headers: s.admin })).json().items;
  const run = (await s.ctx.app.inject({ url: `${s.base}/runs/${runId}`, headers: s.admin })).json();
  return { id, write, run, atFake: s.fake.record(id)!.data.properties as Record<string, unknown> };
}

async function stored(s: Setup, id: string): Promise<Record<string, unknown>> {
  const res = await s.ctx.app.inject({
    url: `${s.base}/integrations/${s.integration.id}/records?resource=contacts&limit=200`,
    headers: s.admin,
  });
  return res.json().items.find((r: { externalId: string }) => r.externalId === id).data;
}

t.test('the organization changed it later: source keeps the provider, latest and merge take the local change', async (t) => {
  const s = await setup(t, false);

  const source = await bothSides(s, 'source', 0, { email: 'remote0@example.com' }, { firstName: 'Local0' });
  t.match(source, { write: { status: 'skipped' }, run: { stats: { conflicts: 1, pushed: 0 } } });
  t.match(source.atFake, { firstname: 'Contact', email: 'remote0@example.com' }, 'source: nothing written');
  t.match(await stored(s, source.id), { firstName: 'Contact', email: 'remote0@example.com' }, "the provider's version is the new base");

  const latest = await bothSides(s, 'latest', 1, { email: 'remote1@example.com' }, { firstName: 'Local1' });
  t.match(latest, { write: { status: 'applied' }, run: { stats: { conflicts: 1, pushed: 1 } } });
  t.match(latest.atFake, { firstname: 'Local1', email: 'contact1@example.com' }, "latest: the organization's whole version");
  t.match(await stored(s, latest.id), { firstName: 'Local1', email: 'contact1@example.com' });

  const merge = await bothSides(s, 'merge', 2, { email: 'remote2@example.com' }, { firstName: 'Local2' });
  t.match(merge, { write: { status: 'applied' }, run: { stats: { conflicts: 1 } } });
  t.match(merge.atFake, { firstname: 'Local2', lastname: '2', email: 'remote2@example.com' }, 'merge: disjoint fields combined');
  t.match(await stored(s, merge.id), { firstName: 'Local2', lastName: '2', email: 'remote2@example.com' });

  // The first name changed on both sides: the later change (the organization's) takes it; the rest merges.
  const both = await bothSides(
    s,
    'merge',
    3,
    { firstname: 'Remote3', email: 'remote3@example.com' },
    { firstName: 'Local3', lastName: 'L3' },
  );
  t.match(both.write, { status: 'applied' });
  t.match(both.atFake, { firstname: 'Local3', lastname: 'L3', email: 'remote3@example.com' });
});

t.test('the provider changed it later: latest keeps the provider, merge gives it the field changed on both', async (t) => {
  const s = await setup(t, true);

  const latest = await bothSides(s, 'latest', 0, { email: 'remote0@example.com' }, { firstName: 'Local0' });
  t.match(latest, { write: { status: 'skipped' }, run: { stats: { conflicts: 1, pushed: 0 } } });
  t.match(latest.atFake, { firstname: 'Contact', email: 'remote0@example.com' });
  t.match(await stored(s, latest.id), { firstName: 'Contact', email: 'remote0@example.com' });

  const both = await bothSides(
    s,
    'merge',
    1,
    { firstname: 'Remote1', email: 'remote1@example.com' },
    { firstName: 'Local1', lastName: 'L1' },
  );
  t.match(both.write, { status: 'applied' });
  t.match(both.atFake, { firstname: 'Remote1', lastname: 'L1', email: 'remote1@example.com' }, 'the later change wins the shared field');
  t.match(await stored(s, both.id), { firstName: 'Remote1', lastName: 'L1', email: 'remote1@example.com' });
});

t.test('manual: a conflict row and conflict.created, nothing written; resolved field by field at the provider', async (t) => {
  const s = await setup(t, false);
  const endpoint = await s.ctx.app.inject({
    method: 'POST',
    url: `${s.base}/webhook-endpoints`,
    headers: s.admin,
    payload: { url: 'http://127.0.0.1:9/conflicts', events: ['conflict.created'] },
  });
  t.equal(endpoint.statusCode, 201);

  const manual = await bothSides(
    s,
    'manual',
    0,
    { firstname: 'Remote0', email: 'remote0@example.com' },
    { firstName: 'Local0', lastName: 'L0' },
  );
  t.match(manual, { write: { status: 'conflict' }, run: { stats: { conflicts: 1, pushed: 0 } } });
  t.match(manual.atFake, { firstname: 'Remote0', lastname: '0', email: 'remote0@example.com' }, 'nothing written');
  const [conflict] = (await s.ctx.app.inject({ url: `${s.base}/conflicts?status=open`, headers: s.admin })).json().items;
  t.match(conflict, { externalId: manual.id, resource: 'contacts', status: 'open' });
  t.same(conflict.fields, [
    { path: 'email', base: 'contact0@example.com', local: 'contact0@example.com', remote: 'remote0@example.com' },
    { path: 'firstName', base: 'Contact', local: 'Local0', remote: 'Remote0' },
    { path: 'lastName', base: '0', local: 'L0', remote: '0' },
  ]);
  const deliveries = await s.ctx.app.inject({
    url: `${s.base}/webhook-endpoints/${endpoint.json().id}/deliveries?event=conflict.created`,
    headers: s.admin,
  });
  t.equal(deliveries.json().items.length, 1, 'conflict.created sent to the subscribed endpoint');

  // Theirs for the first name, ours (changed on our side only) for the last name, theirs for the email.
  const resolved = await s.ctx.app.inject({
    method: 'POST',
    url: `${s.base}/conflicts/${conflict.id}/resolve`,
    headers: s.admin,
    payload: { resolution: 'merged', data: { firstName: 'Remote0' } },
  });
  t.equal(resolved.statusCode, 200);
  t.match(s.fake.record(manual.id)!.data.properties, { firstname: 'Remote0', lastname: 'L0', email: 'remote0@example.com' });
  t.same(s.fake.requests.filter((r) => r.method === 'PATCH').at(-1)?.body, { properties: { lastname: 'L0' } });
  t.match(await stored(s, manual.id), { firstName: 'Remote0', lastName: 'L0', email: 'remote0@example.com' });
});
