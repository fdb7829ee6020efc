import t from 'tap';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import { ProviderRequestError, type RestConnectorContext } from '../../../../server/src/modules/sync-engine/rest-connector.js';
import type { ConnectorLogEntry } from '../../../../server/src/modules/sync-engine/rest-connector-types.js';
import { createRestWriter, formEncode } from '../../../../server/src/modules/sync-engine/rest-writer.js';
import { startFakeProvider, type FakeProvider } from '../../../fixtures/providers/index.js';

const httpClient = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
t.teardown(() => httpClient.close());

function context(fake: FakeProvider, overrides: Partial<RestConnectorContext> = {}) {
  const sleeps: number[] = [];
  const refreshes = { count: 0 };
  const ctx: RestConnectorContext = {
    definition: fake.definition,
    resource: fake.resource,
    templateValues: fake.templateValues,
    credentials: async () => fake.authHeaders(),
    onUnauthorized: async () => {
      refreshes.count += 1;
    },
    http: httpClient,
    log: () => {},
    allowHttp: true,
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) },
    ...overrides,
  };
  return { ctx, sleeps, refreshes };
}

t.test('form encoding nests with brackets, as Stripe reads it', async (t) => {
  t.equal(
    formEncode({ name: 'Ada L', metadata: { plan: 'pro', seats: 3 }, preferred_locales: ['en', 'fr'], phone: null }),
    'name=Ada+L&metadata%5Bplan%5D=pro&metadata%5Bseats%5D=3&preferred_locales%5B0%5D=en&preferred_locales%5B1%5D=fr&phone=',
  );
});

t.test('Stripe customers: create, update, read and delete, form-encoded with idempotency keys', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 3 });
  t.teardown(() => fake.close());
  const writer = createRestWriter(context(fake).ctx);

  const created = await writer.write({
    op: 'create',
    fields: { name: 'Ada', email: 'ada@example.com', metadata: { plan: 'pro' } },
    idempotencyKey: 'push-1-0',
  });
  t.equal(created.outcome, 'applied');
  const id = created.outcome === 'applied' ? created.externalId! : '';
  t.match(id, /^cus_/);
  t.match(fake.record(id)?.data, { name: 'Ada', email: 'ada@example.com', metadata: { plan: 'pro' } });
  const post = fake.requests.at(-1)!;
  t.equal(post.headers['content-type'], 'application/x-www-form-urlencoded');
  t.equal(post.headers['idempotency-key'], 'push-1-0');

  // The same key again (a retried write) is replayed by Stripe: still one customer.
  const again = await writer.write({
    op: 'create',
    fields: { name: 'Ada', email: 'ada@example.com', metadata: { plan: 'pro' } },
    idempotencyKey: 'push-1-0',
  });
  t.same(again.outcome === 'applied' && again.externalId, id);
  t.equal(fake.ids().length, 4, 'nothing created twice');

  const updated = await writer.write({ op: 'update', externalId: id, fields: { name: 'Ada Lovelace' }, idempotencyKey: 'push-2-0' });
  t.match(updated, { outcome: 'applied', externalId: id, version: { record: { name: 'Ada Lovelace', email: 'ada@example.com' } } });
  t.match(await writer.read(id), { externalId: id, record: { name: 'Ada Lovelace' }, updatedAt: null, etag: null });

  t.same(await writer.write({ op: 'delete', externalId: id }), {
    outcome: 'applied',
    externalId: id,
    version: { externalId: id, record: null, updatedAt: null, etag: null },
  });
  t.equal(fake.requests.at(-1)!.headers['idempotency-key'], undefined, 'no idempotency key on DELETE');
  t.equal(await writer.read(id), null, 'a deleted customer reads as gone');
  t.same(await writer.write({ op: 'delete', externalId: id }), { outcome: 'gone' });
});

t.test('a provider rejecting a write is a ProviderRequestError with its message', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 1 });
  t.teardown(() => fake.close());
  const writer = createRestWriter(context(fake).ctx);
  const err = await writer.write({ op: 'create', fields: { email: 'not-an-email' }, idempotencyKey: 'k' }).catch((e: unknown) => e);
  t.ok(err instanceof ProviderRequestError);
  t.match((err as ProviderRequestError).message, /HTTP 400.*Invalid email address/);
  t.equal((err as ProviderRequestError).status, 400);
});

t.test('writes wait out 429s and refresh once on 401, like reads', async (t) => {
  const fake = await startFakeProvider('hubspot', { records: 2 });
  t.teardown(() => fake.close());
  const { ctx, sleeps, refreshes } = context(fake, {
    onUnauthorized: async () => {
      refreshes.count += 1;
    },
  });
  const writer = createRestWriter(ctx);
  fake.failNext(429, { retryAfter: 1 });
  fake.failNext(401);
  const created = await writer.write({ op: 'create', fields: { email: 'grace@example.com', firstname: 'Grace' } });
  t.equal(created.outcome, 'applied');
  t.same(sleeps, [1000]);
  t.equal(refreshes.count, 1);
  t.equal(fake.ids().length, 3);
});

t.test('a writer without a log (a push run records outcomes, not request lines) retries like one with a log', async (t) => {
  const fake = await startFakeProvider('hubspot', { records: 2 });
  t.teardown(() => fake.close());
  const silent = context(fake);
  delete silent.ctx.log;
  const writer = createRestWriter(silent.ctx);
  fake.failNext(429, { retryAfter: 1 });
  fake.failNext(401);
  const id = fake.ids()[0];
  t.match(await writer.write({ op: 'update', externalId: id, fields: { firstname: 'Ada' } }), { outcome: 'applied' });
  t.same(silent.sleeps, [1000]);
  t.equal(silent.refreshes.count, 1);
  t.match(await writer.read(id), { record: { properties: { firstname: 'Ada' } } });

  const entries: ConnectorLogEntry[] = [];
  const logged = createRestWriter(context(fake, { log: (entry) => entries.push(entry) }).ctx);
  fake.failNext(429, { retryAfter: 1 });
  t.match(await logged.write({ op: 'update', externalId: id, fields: { firstname: 'Grace' } }), { outcome: 'applied' });
  t.match(
    entries.map((e) => [e.level, e.message]),
    [
      ['warn', /^PATCH .* → 429/],
      ['warn', 'Retrying in 1000 ms after HTTP 429'],
      ['info', /^PATCH .* → 200/],
    ],
  );
});

t.test('a create without an idempotency key is not retried after a 5xx (it may have been applied)', async (t) => {
  const fake = await startFakeProvider('hubspot', { records: 2 });
  t.teardown(() => fake.close());
  const writer = createRestWriter(context(fake).ctx);
  fake.failNext(503);
  const err = await writer.write({ op: 'create', fields: { email: 'x@example.com' } }).catch((e: unknown) => e);
  t.match(err, { status: 503 });
  t.equal(fake.counters.requests, 1, 'sent once');
  // An update is idempotent: retried.
  fake.failNext(503);
  const id = fake.ids()[0];
  const updated = await writer.write({ op: 'update', externalId: id, fields: { firstname: 'Linus' } });
  t.equal(updated.outcome, 'applied');
  t.equal(fake.counters.requests, 3);
});

t.test('HubSpot contacts: JSON properties, new updatedAt, 204 delete, 404 read', async (t) => {
  const fake = await startFakeProvider('hubspot', { records: 2 });
  t.teardown(() => fake.close());
  const writer = createRestWriter(context(fake).ctx);
  const id = fake.ids()[1];
  const before = fake.record(id)!.updatedAt;
  const result = await writer.write({ op: 'update', externalId: id, fields: { firstname: 'Ada' } });
  t.same(fake.requests.at(-1)!.body, { properties: { firstname: 'Ada' } });
  t.equal(fake.requests.at(-1)!.method, 'PATCH');
  t.ok(result.outcome === 'applied' && result.version!.updatedAt! > before!, 'the new version has a later updatedAt');
  t.match(await writer.read(id), { externalId: id, record: { properties: { firstname: 'Ada' } } });
  t.match(await writer.write({ op: 'delete', externalId: id }), { outcome: 'applied', externalId: id });
  t.equal(await writer.read(id), null);
  t.same(await writer.write({ op: 'delete', externalId: id }), { outcome: 'gone' });
  const missing = await writer.write({ op: 'update', externalId: '999999', fields: { firstname: 'x' } }).catch((e: unknown) => e);
  t.match(missing, { status: 404 });
});
