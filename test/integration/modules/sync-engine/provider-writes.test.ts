/**
 * The write endpoints declared in the provider definitions, beyond Stripe and HubSpot (rest-writer.test.ts): each
 * provider's create, update and delete through the writer against its fake, version preconditions, gone records,
 * and a provider refusing one record.
 */
import t from 'tap';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import { ProviderRequestError, type RestConnectorContext } from '../../../../server/src/modules/sync-engine/rest-connector.js';
import { createRestWriter } from '../../../../server/src/modules/sync-engine/rest-writer.js';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';

const httpClient = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
t.teardown(() => httpClient.close());

function writerFor(fake: FakeProvider) {
  const ctx: RestConnectorContext = {
    definition: fake.definition,
    resource: fake.resource,
    templateValues: fake.templateValues,
    credentials: async () => fake.authHeaders(),
    onUnauthorized: async () => {},
    http: httpClient,
    log: () => {},
    allowHttp: true,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, sleep: async () => {} },
  };
  return createRestWriter(ctx);
}

t.test('Google Calendar events: insert, patch with If-Match, 412 as a conflict, delete, gone', async (t) => {
  const fake = await startFakeProvider('google_calendar', { records: 2 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);

  const created = await writer.write({
    op: 'create',
    fields: { summary: 'Planning', start: { dateTime: '2024-05-21T09:00:00Z' }, end: { dateTime: '2024-05-21T10:00:00Z' } },
  });
  t.equal(created.outcome, 'applied');
  if (created.outcome !== 'applied') return;
  const id = created.externalId!;
  t.equal(fake.requests.at(-1)!.path, '/calendar/v3/calendars/primary/events');
  t.match(created.version, { externalId: id, etag: /^"\d+"$/, record: { summary: 'Planning' } });
  t.match(fake.record(id)?.data, { summary: 'Planning', start: { dateTime: '2024-05-21T09:00:00Z' } });

  // Update over the version last read: If-Match carries its etag, the answer the new one.
  const base = created.version!.etag!;
  const updated = await writer.write({ op: 'update', externalId: id, etag: base, fields: { summary: 'Planning (moved)' } });
  t.equal(fake.requests.at(-1)!.headers['if-match'], base);
  t.equal(fake.requests.at(-1)!.method, 'PATCH');
  t.same(fake.requests.at(-1)!.body, { summary: 'Planning (moved)' }, 'only the written fields are sent');
  t.ok(updated.outcome === 'applied' && updated.version!.etag !== base, 'a new etag');
  t.match(fake.record(id)?.data, { summary: 'Planning (moved)', start: { dateTime: '2024-05-21T09:00:00Z' } }, 'patch keeps the rest');

  // The stale etag now: Google answers 412, which is a conflict, and nothing is written.
  const stale = await writer.write({ op: 'update', externalId: id, etag: base, fields: { summary: 'Ours' } });
  t.match(stale, { outcome: 'conflict', status: 412 });
  t.equal(fake.record(id)?.data.summary, 'Planning (moved)');
  t.match(await writer.write({ op: 'delete', externalId: id, etag: base }), { outcome: 'conflict', status: 412 });
  t.ok(fake.record(id), 'not deleted over a newer version');

  const current = await writer.read(id);
  t.match(current, {
    externalId: id,
    etag: updated.outcome === 'applied' ? updated.version!.etag : '',
    record: { summary: 'Planning (moved)' },
  });
  t.same(await writer.write({ op: 'delete', externalId: id, etag: current!.etag }), {
    outcome: 'applied',
    externalId: id,
    version: { externalId: id, record: null, updatedAt: null, etag: null },
  });
  t.equal(fake.record(id), undefined);
  t.same(await writer.write({ op: 'delete', externalId: id }), { outcome: 'gone' }, '410 once deleted');
  t.same(await writer.write({ op: 'delete', externalId: 'evunknown' }), { outcome: 'gone' }, '404: never there');
  t.equal(await writer.read(id), null);
});

t.test('Google Calendar: a refused event fails with Google’s message, never the token', async (t) => {
  const fake = await startFakeProvider('google_calendar', { records: 1 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);
  const err = await writer.write({ op: 'create', fields: { summary: 'No times' } }).catch((e: unknown) => e);
  t.ok(err instanceof ProviderRequestError);
  t.match((err as ProviderRequestError).message, /HTTP 400.*Missing start time/);
  t.notOk((err as Error).message.includes(fake.token));
  t.equal(fake.ids().length, 1, 'nothing created');
});

t.test('Salesforce contacts: 201 SaveResult and 204 updates are read back; deleted records are gone', async (t) => {
  const fake = await startFakeProvider('salesforce', { records: 2 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);

  const created = await writer.write({ op: 'create', fields: { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' } });
  t.equal(created.outcome, 'applied');
  if (created.outcome !== 'applied') return;
  const id = created.externalId!;
  t.match(id, /^003/);
  t.equal(fake.requests.at(-2)!.path, '/services/data/v60.0/sobjects/Contact');
  t.equal(fake.requests.at(-1)!.method, 'GET', 'the SaveResult is not the record: read back');
  t.match(created.version, { externalId: id, record: { Id: id, LastName: 'Lovelace' }, updatedAt: /^\d{4}-/ });

  const updated = await writer.write({ op: 'update', externalId: id, fields: { Title: 'Countess' } });
  t.same(fake.requests.at(-2)!.body, { Title: 'Countess' });
  t.equal(fake.requests.at(-2)!.status, 204);
  t.match(updated, { outcome: 'applied', externalId: id, version: { record: { Id: id, Title: 'Countess', LastName: 'Lovelace' } } });

  t.match(await writer.write({ op: 'delete', externalId: id }), { outcome: 'applied', externalId: id });
  t.same(await writer.write({ op: 'delete', externalId: id }), { outcome: 'gone' }, '404 ENTITY_IS_DELETED');
  t.equal(await writer.read(id), null);

  const err = await writer.write({ op: 'create', fields: { FirstName: 'No last name' } }).catch((e: unknown) => e);
  t.ok(err instanceof ProviderRequestError);
  t.match((err as Error).message, /HTTP 400.*Required fields are missing: \[LastName\]/);
  t.notOk((err as Error).message.includes(fake.token));
  const unknown = await writer.write({ op: 'update', externalId: fake.ids()[0], fields: { Colour: 'red' } }).catch((e: unknown) => e);
  t.match(unknown, { status: 400, message: /No such column 'Colour'/ });
});
