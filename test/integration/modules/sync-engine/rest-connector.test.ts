import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import { classifyRunError } from '../../../../server/src/modules/sync-engine/error-kinds.js';
import { normaliseTimestamp } from '../../../../server/src/modules/sync-engine/timestamps.js';
import { readJsonPointer } from '../../../../server/src/providers/json-pointer.js';
import type { ProviderDefinition, ResourceDefinition } from '../../../../server/src/providers/provider-definition.js';
import {
  listPages,
  PaginationError,
  ProviderRequestError,
  type ConnectorCursor,
  type ConnectorLogEntry,
  type Page,
  type RestConnectorContext,
} from '../../../../server/src/modules/sync-engine/rest-connector.js';
import {
  FAKE_PROVIDER_KINDS,
  startFakeProvider,
  type FakeProvider,
  type FakeProviderKind,
  type FakeProviderOptions,
} from '../../../fixtures/providers/index.js';

const httpClient = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
t.teardown(() => httpClient.close());

// ---------------------------------------------------------------------------------------------------------------
// helpers

interface Harness {
  ctx: RestConnectorContext;
  logs: ConnectorLogEntry[];
  sleeps: number[];
  unauthorized: { calls: number };
}

function harness(
  fake: { definition: ProviderDefinition; resource: ResourceDefinition; templateValues: Record<string, string> },
  headers: () => Record<string, string>,
  overrides: Partial<RestConnectorContext> & { onUnauthorized?: () => Promise<void> } = {},
): Harness {
  const logs: ConnectorLogEntry[] = [];
  const sleeps: number[] = [];
  const unauthorized = { calls: 0 };
  const { onUnauthorized, ...rest } = overrides;
  const ctx: RestConnectorContext = {
    definition: fake.definition,
    resource: fake.resource,
    templateValues: fake.templateValues,
    credentials: async () => headers(),
    onUnauthorized: async () => {
      unauthorized.calls += 1;
      await onUnauthorized?.();
    },
    http: httpClient,
    log: (entry) => logs.push(entry),
    allowHttp: true,
    retry: {
      maxAttempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    ...rest,
  };
  return { ctx, logs, sleeps, unauthorized };
}

function fakeHarness(
  fake: FakeProvider,
  overrides: Partial<RestConnectorContext> & { onUnauthorized?: () => Promise<void> } = {},
): Harness {
  return harness(fake, () => fake.authHeaders(), { pageSize: 50, ...overrides });
}

interface Listing {
  pages: Page[];
  ids: string[];
  last: Page;
}

async function collect(
  ctx: RestConnectorContext,
  mode: 'full' | 'incremental',
  cursor: ConnectorCursor | null,
  stopAfter?: number,
): Promise<Listing> {
  const pages: Page[] = [];
  for await (const page of listPages(ctx, { mode, cursor })) {
    pages.push(page);
    if (stopAfter !== undefined && pages.length >= stopAfter) break;
  }
  return { pages, ids: pages.flatMap((page) => page.externalIds), last: pages[pages.length - 1] };
}

/** Round-trips through JSON, as the sync engine stores cursors. */
function stored(cursor: ConnectorCursor): ConnectorCursor {
  return JSON.parse(JSON.stringify(cursor)) as ConnectorCursor;
}

function requestLogs(logs: ConnectorLogEntry[]): ConnectorLogEntry[] {
  return logs.filter((entry) => entry.data?.method !== undefined && 'attempt' in (entry.data ?? {}));
}

/** Options per fake: enough records for many pages, and Salesforce's server-side batch size lowered to match. */
const DATASET = 537;
function fakeOptions(kind: FakeProviderKind): FakeProviderOptions {
  return kind === 'salesforce' ? { records: DATASET, defaultPageSize: 50, maxPageSize: 2000 } : { records: DATASET };
}

/** How each definition carries the incremental bound, checked on the first request of an incremental run. */
const BOUND_CHECKS: Partial<Record<FakeProviderKind, (request: FakeProvider['requests'][number]) => boolean>> = {
  hubspot: (r) =>
    r.method === 'POST' && r.path.endsWith('/search') && typeof readJsonPointer(r.body, '/filterGroups/0/filters/0/value') === 'string',
  salesforce: (r) => /WHERE SystemModstamp >= \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z ORDER BY/.test(r.query.q ?? ''),
  stripe: (r) => /^\d+$/.test(r.query['created[gte]'] ?? ''),
  github: (r) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(r.query.since ?? ''),
  jira: (r) => /^updated >= -\d+m ORDER BY updated ASC$/.test(r.query.jql ?? ''),
  google_calendar: (r) => (r.query.syncToken ?? '').startsWith('sync_'),
};

// ---------------------------------------------------------------------------------------------------------------
// every fake provider, through its catalog definition

// The fakes added for two-way sync (Linear, Todoist, Notion) are exercised by provider-writes.test.ts; the listing
// conformance below covers the fakes with an incremental bound to check.
for (const kind of FAKE_PROVIDER_KINDS.filter((k) => BOUND_CHECKS[k])) {
  t.test(`${kind}: the catalog definition against the fake API`, async (t) => {
    const fake = await startFakeProvider(kind, fakeOptions(kind));
    t.teardown(() => fake.close());
    const expectedPages = Math.ceil(DATASET / 50);

    let baseline: ConnectorCursor;

    await t.test('a full listing returns every record once, with ids and updatedAt, across many pages', async (t) => {
      fake.resetRequests();
      const { ctx, logs } = fakeHarness(fake);
      const { pages, ids, last } = await collect(ctx, 'full', null);
      t.equal(pages.length, expectedPages, `${expectedPages} pages of 50`);
      t.equal(ids.length, DATASET, 'no record twice');
      t.same(new Set(ids), new Set(fake.ids()), 'every record');
      const byId = new Map(fake.records.map((record) => [record.id, record]));
      let mismatches = 0;
      for (const page of pages) {
        t.equal(page.records.length, page.externalIds.length);
        t.equal(page.updatedAt.length, page.externalIds.length);
        page.externalIds.forEach((id, i) => {
          const expected = byId.get(id);
          const rawId = readJsonPointer(page.records[i], fake.resource.idPath);
          if (!expected || page.updatedAt[i] !== expected.updatedAt || String(rawId) !== id) mismatches += 1;
        });
      }
      t.equal(mismatches, 0, 'each record carries its own id and normalised updatedAt');
      t.ok(
        pages.slice(0, -1).every((page) => !page.done && page.cursor.page),
        'earlier pages are not done and carry a position',
      );
      t.equal(last.done, true);
      t.equal(last.cursor.page, null, 'the final cursor has no position');
      if (fake.resource.updatedAtPath !== null) {
        const newest = fake.records
          .map((r) => r.updatedAt!)
          .sort()
          .at(-1);
        t.equal(last.cursor.since, newest, 'the high-water mark is the newest updatedAt');
        t.equal(last.cursor.highWater, newest);
      } else {
        t.ok(last.cursor.since && Date.parse(last.cursor.since) <= Date.now(), 'no updatedAt: the listing start is the mark');
      }
      if (fake.resource.incremental?.style === 'sync_token') t.match(last.cursor.syncToken, /^sync_/, 'the sync token is kept');
      t.equal(fake.counters.requests, expectedPages, 'one request per page');
      t.equal(requestLogs(logs).length, fake.counters.requests, 'every request is logged');
      for (const entry of requestLogs(logs)) {
        t.match(entry.data, { method: String, url: String, status: 200, durationMs: Number, attempt: 1 });
        t.ok(String(entry.data!.url).startsWith(fake.baseUrl));
        t.notMatch(JSON.stringify(entry), fake.token, 'no token in the log');
      }
      baseline = last.cursor;
    });

    await t.test('incremental: only records changed since the high-water mark, and the mark advances', async (t) => {
      const before = stored(baseline);
      const changed = kind === 'stripe' ? fake.add(5) : fake.touch(5);
      const changedIds = changed.map((record) => record.id);
      fake.resetRequests();
      const { ctx } = fakeHarness(fake);
      const { ids, last } = await collect(ctx, 'incremental', before);
      t.ok(BOUND_CHECKS[kind]!(fake.requests[0]), 'the first request carries the incremental bound');
      // `>=` bounds (and look-backs) also return the record sitting exactly on the previous mark; it is unchanged.
      const boundary =
        kind === 'stripe' || kind === 'google_calendar' ? [] : fake.records.filter((r) => r.updatedAt === before.since).map((r) => r.id);
      t.same(new Set(ids), new Set([...changedIds, ...boundary]), 'the changed records (plus the unchanged boundary record)');
      t.equal(ids.length, changedIds.length + boundary.length, 'each once');
      t.equal(last.done, true);
      if (kind === 'stripe') {
        t.ok(last.cursor.since! >= before.since!, 'the mark moves to the listing start');
      } else {
        t.equal(
          last.cursor.since,
          changed
            .map((r) => r.updatedAt!)
            .sort()
            .at(-1),
          'the mark moves to the newest change',
        );
        t.ok(last.cursor.since! > before.since!);
      }
      if (kind === 'google_calendar') t.not(last.cursor.syncToken, before.syncToken, 'a new sync token');

      if (kind !== 'stripe') {
        const again = await collect(fakeHarness(fake).ctx, 'incremental', stored(last.cursor));
        const onMark = fake.records.filter((r) => r.updatedAt === last.cursor.since).map((r) => r.id);
        t.same(again.ids, kind === 'google_calendar' ? [] : onMark, 'nothing changed: nothing but the boundary record');
        t.equal(again.last.cursor.since, last.cursor.since, 'the mark stays');
      }
      baseline = last.cursor;
    });

    await t.test('resuming from a mid-run cursor yields exactly the remaining records without refetching', async (t) => {
      const first = await collect(fakeHarness(fake).ctx, 'full', null, 3);
      t.equal(first.pages.length, 3);
      t.notOk(first.last.done);
      fake.resetRequests();
      const { ctx, logs } = fakeHarness(fake);
      const rest = await collect(ctx, 'full', stored(first.last.cursor));
      const all = [...first.ids, ...rest.ids];
      t.equal(all.length, fake.ids().length, 'nothing twice');
      t.same(new Set(all), new Set(fake.ids()), 'nothing missing');
      t.equal(fake.counters.requests, rest.pages.length, 'no page fetched again');
      t.equal(rest.pages.length, Math.ceil(fake.ids().length / 50) - 3);
      t.ok(logs.some((entry) => /Resuming the full listing after page 3/.test(entry.message)));
    });

    await t.test('429 with Retry-After: waits that long, then succeeds', async (t) => {
      fake.resetRequests();
      fake.failNext(429, { retryAfter: 7 });
      const { ctx, sleeps, logs } = fakeHarness(fake);
      const { ids } = await collect(ctx, 'full', null);
      t.same(sleeps, [7_000], 'slept exactly the Retry-After');
      t.equal(ids.length, fake.ids().length);
      t.equal(fake.counters.byStatus[429], 1);
      const retried = requestLogs(logs).filter((entry) => entry.data!.status === 429);
      t.equal(retried.length, 1);
      t.equal(retried[0].level, 'warn');
      t.ok(
        requestLogs(logs).some((entry) => entry.data!.attempt === 2 && entry.data!.status === 200),
        'the retry is logged as attempt 2',
      );
    });

    await t.test('5xx: backs off exponentially and succeeds', async (t) => {
      fake.failNext(503, { times: 2 });
      const { ctx, sleeps } = fakeHarness(fake);
      const { ids } = await collect(ctx, 'full', null);
      // Full jitter with random() = 0.5: half of base·2^(n-1).
      t.same(sleeps, [50, 100]);
      t.equal(ids.length, fake.ids().length);
    });

    await t.test('5xx: gives up after maxAttempts with a typed error', async (t) => {
      fake.resetRequests();
      fake.failNext(500, { times: 10 });
      const { ctx, sleeps } = fakeHarness(fake, {
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, random: () => 1, sleep: async (ms) => void sleeps.push(ms) },
      });
      const err = await collect(ctx, 'full', null).catch((e: unknown) => e);
      t.type(err, ProviderRequestError);
      const e = err as ProviderRequestError;
      t.equal(e.status, 500);
      t.equal(e.code, 'http_status');
      t.equal(e.retryable, true);
      t.equal(e.attempts, 3);
      t.match(e.message, new RegExp(`^${fake.definition.name} answered HTTP 500 to GET http://127\\.0\\.0\\.1:\\d+/`));
      t.notMatch(e.message, /\?/, 'no query string in the message');
      t.equal(fake.counters.requests, 3, 'bounded attempts');
      t.same(sleeps, [10, 20]);
      fake.resetRequests();
      // Drain the remaining injected failures so later tests start clean.
      await collect(
        fakeHarness(fake, { retry: { maxAttempts: 10, baseDelayMs: 0, maxDelayMs: 0, sleep: async () => {} } }).ctx,
        'full',
        null,
        1,
      );
    });

    await t.test('401: refreshes once through onUnauthorized, then retries', async (t) => {
      fake.resetRequests();
      let token = fake.token;
      fake.rotateToken();
      const { ctx, unauthorized, logs } = harness(fake, () => ({ authorization: `Bearer ${token}` }), {
        pageSize: 50,
        onUnauthorized: async () => {
          token = fake.token;
        },
      });
      const { ids } = await collect(ctx, 'full', null);
      t.equal(unauthorized.calls, 1, 'onUnauthorized called once');
      t.equal(ids.length, fake.ids().length);
      t.equal(fake.counters.unauthorized, 1);
      t.ok(logs.some((entry) => entry.level === 'warn' && /401/.test(entry.message)));
    });

    await t.test('401 that a refresh does not cure: a typed, non-retryable error', async (t) => {
      const { ctx, unauthorized } = harness(fake, () => ({ authorization: 'Bearer revoked-token-value' }), { pageSize: 50 });
      const err = (await collect(ctx, 'full', null).catch((e: unknown) => e)) as ProviderRequestError;
      t.type(err, ProviderRequestError);
      t.equal(err.status, 401);
      t.equal(err.retryable, false);
      t.equal(unauthorized.calls, 1);
      t.notMatch(err.message, 'revoked-token-value');
      t.match(err.message, /credentials were rejected/);
      t.equal(classifyRunError(err), 'auth', 'a 401 after the refresh is for a person to reconnect');
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// provider-specific behaviour

t.test('hubspot: incremental search resumes with the same bound and restarts past the search cap', async (t) => {
  const fake = await startFakeProvider('hubspot', { records: 300, searchLimit: 300 });
  t.teardown(() => fake.close());
  const full = await collect(fakeHarness(fake, { pageSize: 100 }).ctx, 'full', null);
  t.equal(full.pages.length, 3, 'list pages of 100 (the definition caps HubSpot lists at 100)');
  const touched = fake.touch(250);
  const { ctx, logs } = fakeHarness(fake, { pageSize: 100 });
  fake.resetRequests();
  // Stop after two pages (a crash), then resume.
  const part = await collect(ctx, 'incremental', stored(full.last.cursor), 2);
  t.equal(part.pages.length, 2);
  const rest = await collect(fakeHarness(fake, { pageSize: 100 }).ctx, 'incremental', stored(part.last.cursor));
  const bounds = fake.requests.map((r) => readJsonPointer(r.body, '/filterGroups/0/filters/0/value'));
  t.equal(new Set(bounds).size, 1, 'every search request of the resumed run uses the same bound');
  const ids = [...part.ids, ...rest.ids];
  t.same(new Set(ids), new Set([...touched.map((r) => r.id), fake.records.find((r) => r.updatedAt === full.last.cursor.since)!.id]));
  t.equal(rest.last.cursor.since, touched.at(-1)!.updatedAt);
  t.ok(
    fake.requests.every((r) => r.method === 'POST' && typeof readJsonPointer(r.body, '/limit') === 'number'),
    'POST body with a numeric limit',
  );
  t.notOk(logs.some((e) => /querying again/.test(e.message)));

  // 250 changes more, 100 per page, but one query can reach only 150: the listing re-queries from its high-water mark.
  const fake2 = await startFakeProvider('hubspot', { records: 50, searchLimit: 150 });
  t.teardown(() => fake2.close());
  const base = await collect(fakeHarness(fake2).ctx, 'full', null);
  const changed = fake2.touch(50).concat(fake2.add(200));
  const h = fakeHarness(fake2, { pageSize: 100 });
  const inc = await collect(h.ctx, 'incremental', stored(base.last.cursor));
  t.ok(
    h.logs.some((e) => e.level === 'info' && /querying again from/.test(e.message)),
    'the re-query is logged',
  );
  t.ok(
    changed.every((r) => inc.ids.includes(r.id)),
    'every change is listed despite the cap',
  );
  t.equal(inc.last.cursor.since, changed.at(-1)!.updatedAt);
});

t.test('google_calendar: an expired sync token falls back to a full listing', async (t) => {
  const fake = await startFakeProvider('google_calendar', { records: 120 });
  t.teardown(() => fake.close());
  const full = await collect(fakeHarness(fake).ctx, 'full', null);
  fake.touch(3);
  fake.expireSyncTokens();
  const { ctx, logs } = fakeHarness(fake);
  const inc = await collect(ctx, 'incremental', stored(full.last.cursor));
  t.equal(inc.ids.length, 120, 'everything, once');
  t.ok(logs.some((e) => e.level === 'warn' && /no longer accepts the sync token/.test(e.message)));
  t.match(inc.last.cursor.syncToken, /^sync_/);
  t.not(inc.last.cursor.syncToken, full.last.cursor.syncToken, 'with a fresh token');
  const next = await collect(fakeHarness(fake).ctx, 'incremental', stored(inc.last.cursor));
  t.same(next.ids, [], 'the fresh token works');
});

t.test('jira: projects page by startAt/maxResults/total; pageSize is clamped to the definition maximum', async (t) => {
  const fake = await startFakeProvider('jira', { records: 10, projects: 23 });
  t.teardown(() => fake.close());
  const projects = fake.definition.resources.find((r) => r.key === 'projects')!;
  const { ctx } = harness({ ...fake, resource: projects }, () => fake.authHeaders(), { pageSize: 5 });
  fake.resetRequests();
  const listing = await collect(ctx, 'full', null);
  t.equal(listing.ids.length, 23);
  t.equal(new Set(listing.ids).size, 23);
  t.equal(listing.pages.length, 5, 'stops when startAt reaches total, without an empty page');
  t.same(
    fake.requests.map((r) => r.query.startAt),
    ['0', '5', '10', '15', '20'],
  );
  t.equal(listing.last.cursor.page, null);

  const noIncremental = harness({ ...fake, resource: projects }, () => fake.authHeaders(), { pageSize: 5 });
  const inc = await collect(noIncremental.ctx, 'incremental', stored(listing.last.cursor));
  t.equal(inc.ids.length, 23, 'a resource without an incremental listing is listed in full');
  t.ok(noIncremental.logs.some((e) => e.level === 'warn' && /has no incremental listing/.test(e.message)));

  fake.resetRequests();
  await collect(fakeHarness(fake, { pageSize: 10_000 }).ctx, 'full', null);
  t.equal(fake.requests[0].query.maxResults, '100', 'the definition max (100), not the asked 10,000');
});

t.test('github: 429 without Retry-After waits for the rate-limit reset header', async (t) => {
  const fake = await startFakeProvider('github', { records: 20 });
  t.teardown(() => fake.close());
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  fake.failNext(429, { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) } });
  const { ctx, sleeps } = fakeHarness(fake, { now: () => now });
  const listing = await collect(ctx, 'full', null);
  t.same(sleeps, [30_000]);
  t.equal(listing.ids.length, 20);
});

t.test('stripe: Retry-After as an HTTP date, and one longer than the connector waits', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 20 });
  t.teardown(() => fake.close());
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  fake.failNext(429, { retryAfter: new Date(now + 5_000).toUTCString() });
  const h = fakeHarness(fake, { now: () => now });
  await collect(h.ctx, 'full', null);
  t.same(h.sleeps, [5_000]);

  fake.failNext(429, { retryAfter: 3_600 });
  const err = (await collect(fakeHarness(fake).ctx, 'full', null).catch((e: unknown) => e)) as ProviderRequestError;
  t.type(err, ProviderRequestError);
  t.equal(err.status, 429);
  t.equal(err.retryable, true, 'the run can be rescheduled');
  t.equal(err.retryAfterMs, 3_600_000);
});

t.test(
  'a full run given an unfinished incremental position lists everything; mode incremental without a mark lists everything',
  async (t) => {
    const fake = await startFakeProvider('github', { records: 120 });
    t.teardown(() => fake.close());
    const full = await collect(fakeHarness(fake).ctx, 'full', null);
    fake.touch(80);
    const partial = await collect(fakeHarness(fake).ctx, 'incremental', stored(full.last.cursor), 1);
    t.notOk(partial.last.done);
    const h = fakeHarness(fake);
    const again = await collect(h.ctx, 'full', stored(partial.last.cursor));
    t.equal(again.ids.length, 120);
    t.ok(h.logs.some((e) => e.level === 'warn' && /Discarding the stored position/.test(e.message)));
    const first = await collect(fakeHarness(fake).ctx, 'incremental', null);
    t.equal(first.ids.length, 120, 'the first incremental run establishes the mark');
  },
);

t.test('an aborted signal stops the listing', async (t) => {
  const fake = await startFakeProvider('stripe', { records: 200 });
  t.teardown(() => fake.close());
  const controller = new AbortController();
  const pages: Page[] = [];
  const err = await (async () => {
    for await (const page of listPages(fakeHarness(fake, { signal: controller.signal }).ctx, { mode: 'full', cursor: null })) {
      pages.push(page);
      controller.abort(new Error('run cancelled'));
    }
  })().catch((e: unknown) => e);
  t.equal(pages.length, 1);
  t.match(err, { message: 'run cancelled' });
});

// ---------------------------------------------------------------------------------------------------------------
// generic behaviour against a programmable server and hand-written definitions

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}
interface Seen {
  method: string;
  url: URL;
  body: unknown;
}

async function programmable(
  handler: (req: Seen, n: number, base: string) => Reply,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const request: Seen = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://x'),
        body: raw ? JSON.parse(raw) : undefined,
      };
      seen.push(request);
      const reply = handler(request, seen.length, base);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function definitionWith(
  resource: Partial<ResourceDefinition> & Pick<ResourceDefinition, 'pagination'>,
  extra: Partial<ProviderDefinition> = {},
) {
  const full: ResourceDefinition = {
    key: 'items',
    name: 'Items',
    method: 'GET',
    listPath: '/items',
    recordsPath: '/items',
    idPath: '/id',
    updatedAtPath: '/updated',
    ...resource,
  };
  const definition = {
    key: 'custom',
    name: 'Example API',
    category: 'custom',
    authType: 'api_key',
    connector: 'rest',
    apiBaseUrl: 'https://api.example.invalid',
    settings: [],
    test: { method: 'GET', path: '/' },
    resources: [full],
    ...extra,
  } as ProviderDefinition;
  return { definition, resource: full };
}

function programmableHarness(
  server: { url: string },
  spec: ReturnType<typeof definitionWith>,
  overrides: Partial<RestConnectorContext> = {},
) {
  return harness(
    { ...spec, templateValues: { apiBaseUrl: server.url } },
    () => ({ authorization: 'Bearer s3cr3t-token-value' }),
    overrides,
  );
}

const items = (from: number, to: number, at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()) =>
  Array.from({ length: Math.max(0, to - from) }, (_, k) => ({ id: from + k, updated: at(from + k) }));

t.test('POST GraphQL-style cursor paging: pointer parameters, hasMore, numeric page size; errorPath in a 2xx', async (t) => {
  const server = await programmable((req) => {
    const after = readJsonPointer(req.body, '/variables/after') as string | null | undefined;
    const start = after ? Number(after) : 0;
    return {
      body: {
        data: {
          things: { nodes: items(start, Math.min(start + 4, 10)), pageInfo: { hasNextPage: start + 4 < 10, endCursor: String(start + 4) } },
        },
      },
    };
  });
  t.teardown(() => server.close());
  const spec = definitionWith(
    {
      method: 'POST',
      listPath: '/graphql',
      defaultParams: { query: 'query List($first: Int!, $after: String) { things { nodes { id } } }' },
      pagination: {
        style: 'cursor_body',
        param: '/variables/after',
        cursorFrom: 'response',
        cursorPath: '/data/things/pageInfo/endCursor',
        hasMorePath: '/data/things/pageInfo/hasNextPage',
      },
      pageSize: { param: '/variables/first', default: 4, max: 50 },
      recordsPath: '/data/things/nodes',
      updatedAtPath: '/updated',
    },
    { errorPath: '/errors' },
  );
  const { ctx } = programmableHarness(server, spec);
  const listing = await collect(ctx, 'full', null);
  t.same(listing.ids, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 'numeric ids as strings, in order');
  t.same(
    server.seen.map((r) => readJsonPointer(r.body, '/variables/first')),
    [4, 4, 4],
  );
  t.same(
    server.seen.map((r) => readJsonPointer(r.body, '/variables/after') ?? null),
    [null, '4', '8'],
  );
  t.equal(listing.last.cursor.since, '2024-01-01T00:09:00.000Z');

  const failing = await programmable(() => ({
    body: { data: null, errors: [{ message: 'Field "things" is not accessible', extensions: { code: 'FORBIDDEN' } }] },
  }));
  t.teardown(() => failing.close());
  const err = (await collect(programmableHarness(failing, spec).ctx, 'full', null).catch((e: unknown) => e)) as ProviderRequestError;
  t.type(err, ProviderRequestError);
  t.equal(err.code, 'provider_error');
  t.match(err.message, /reported an error: Field "things" is not accessible \(FORBIDDEN\)/);
});

t.test('records without an id are skipped with a warning', async (t) => {
  const server = await programmable(() => ({
    body: {
      items: [{ id: 1, updated: '2024-01-01T00:00:00Z' }, { name: 'no id' }, { id: '', updated: null }, { id: 'x', updated: 'garbage' }],
    },
  }));
  t.teardown(() => server.close());
  const { ctx, logs } = programmableHarness(server, definitionWith({ pagination: { style: 'none' } }));
  const listing = await collect(ctx, 'full', null);
  t.same(listing.ids, ['1', 'x']);
  t.same(listing.last.updatedAt, ['2024-01-01T00:00:00.000Z', null]);
  t.ok(logs.some((e) => e.level === 'warn' && e.data?.skipped === 2));
});

t.test(
  'ids and modification times at nested, escaped pointers; UTC timestamps in any spelling read as normaliseTimestamp reads them',
  async (t) => {
    const stamps = [
      '2024-02-29T10:00:00.000+0000',
      '2024-02-29T10:00:00.000-00:00',
      '2024-02-29T10:00:00.000Z',
      '2024-02-29T10:00:00.000+0130',
      '1969-12-31T23:59:59.999Z', // before 1970: not a modification time
      '9999-12-31T00:00:00.001Z', // past the latest accepted
      '2023-02-29T00:00:00.000+0000', // no such day: whatever Date.parse makes of it, as before
      ' 2024-02-29T10:00:00.000Z',
    ];
    const server = await programmable(() => ({ body: { items: stamps.map((at, i) => ({ meta: { 'a/b': { id: i } }, 'x~y': at })) } }));
    t.teardown(() => server.close());
    const { ctx } = programmableHarness(
      server,
      definitionWith({ pagination: { style: 'none' }, idPath: '/meta/a~1b/id', updatedAtPath: '/x~0y' }),
    );
    const listing = await collect(ctx, 'full', null);
    t.same(
      listing.ids,
      stamps.map((_, i) => String(i)),
    );
    t.same(
      listing.last.updatedAt,
      stamps.map((at) => normaliseTimestamp(at)),
    );
    t.same(listing.last.updatedAt.slice(0, 5), [
      '2024-02-29T10:00:00.000Z',
      '2024-02-29T10:00:00.000Z',
      '2024-02-29T10:00:00.000Z',
      '2024-02-29T08:30:00.000Z',
      null,
    ]);
  },
);

t.test('pagination safety: empty pages end, repeated cursors and runaway listings are stopped, off-origin links refused', async (t) => {
  const saysMore = await programmable((_req, n) => ({ body: { items: n === 1 ? items(0, 3) : [], next: `c${n}`, more: true } }));
  t.teardown(() => saysMore.close());
  const cursorSpec = definitionWith({
    pagination: { style: 'cursor_body', param: 'cursor', cursorFrom: 'response', cursorPath: '/next', hasMorePath: '/more' },
  });
  const ended = await collect(programmableHarness(saysMore, cursorSpec).ctx, 'full', null);
  t.equal(ended.pages.length, 2, 'an empty page ends the listing even when the provider says more');
  t.equal(ended.last.done, true);
  t.same(ended.last.externalIds, []);

  const repeats = await programmable(() => ({ body: { items: items(0, 2), next: 'same', more: true } }));
  t.teardown(() => repeats.close());
  const loop = await collect(programmableHarness(repeats, cursorSpec).ctx, 'full', null).catch((e: unknown) => e);
  t.type(loop, PaginationError);
  t.match(loop, { code: 'cursor_repeated' });
  t.equal(repeats.seen.length, 2, 'stopped at the first repeat');

  const endless = await programmable((_req, n) => ({ body: { items: items(n, n + 1), next: `c${n}`, more: true } }));
  t.teardown(() => endless.close());
  const capped = await collect(programmableHarness(endless, cursorSpec, { maxPages: 5 }).ctx, 'full', null).catch((e: unknown) => e);
  t.match(capped, { code: 'page_limit' });
  t.equal(endless.seen.length, 5);

  const offsite = await programmable(() => ({ body: { items: items(0, 1), next: 'http://169.254.169.254/latest/meta-data' } }));
  t.teardown(() => offsite.close());
  const refused = await collect(
    programmableHarness(offsite, definitionWith({ pagination: { style: 'next_url_body', nextUrlPath: '/next' } })).ctx,
    'full',
    null,
  ).catch((e: unknown) => e);
  t.match(refused, { code: 'unsafe_next_url' });
  t.equal(offsite.seen.length, 1);
});

t.test('4xx errors: typed, short, with the provider message and without echoed secrets', async (t) => {
  const long = 'x'.repeat(500);
  const server = await programmable(() => ({
    status: 403,
    body: {
      error: { message: `Token s3cr3t-token-value lacks scope read:items; Bearer s3cr3t-token-value ${long}`, type: 'permission_error' },
      debug: { internal: 'stack trace' },
    },
  }));
  t.teardown(() => server.close());
  const err = (await collect(programmableHarness(server, definitionWith({ pagination: { style: 'none' } })).ctx, 'full', null).catch(
    (e: unknown) => e,
  )) as ProviderRequestError;
  t.type(err, ProviderRequestError);
  t.equal(err.status, 403);
  t.equal(err.retryable, false);
  t.equal(server.seen.length, 1, '4xx other than 401/429 are not retried');
  t.notMatch(err.message, 's3cr3t-token-value');
  t.notMatch(err.message, 'stack trace');
  t.match(err.providerMessage, /^Token \[redacted\] lacks scope read:items/);
  t.ok(err.providerMessage!.length <= 200);

  const html = await programmable(() => ({ status: 200, body: '<html>oops</html>' }));
  t.teardown(() => html.close());
  const notJson = await collect(programmableHarness(html, definitionWith({ pagination: { style: 'none' } })).ctx, 'full', null).catch(
    (e: unknown) => e,
  );
  t.match(notJson, { code: 'invalid_response' });
});

t.test('query secrets are redacted in request logs; network errors are typed after retries', async (t) => {
  const server = await programmable(() => ({ body: { items: items(0, 2) } }));
  t.teardown(() => server.close());
  const spec = definitionWith({ listPath: '/items?api_key={{key}}&page=1', pagination: { style: 'none' } });
  const { ctx, logs } = harness({ ...spec, templateValues: { apiBaseUrl: server.url, key: 'QUERYSECRET' } }, () => ({}));
  await collect(ctx, 'full', null);
  const entry = requestLogs(logs)[0];
  t.match(entry.data, { method: 'GET', url: `${server.url}/items?api_key=[redacted]&page=1`, status: 200, attempt: 1 });
  t.notMatch(JSON.stringify(logs), 'QUERYSECRET');

  const closed = await programmable(() => ({ body: {} }));
  await closed.close();
  const { ctx: dead, sleeps } = programmableHarness(closed, definitionWith({ pagination: { style: 'none' } }));
  const err = (await collect(dead, 'full', null).catch((e: unknown) => e)) as ProviderRequestError;
  t.type(err, ProviderRequestError);
  t.equal(err.code, 'network');
  t.equal(err.status, null);
  t.equal(err.retryable, true);
  t.equal(sleeps.length, 3, 'connection refused is retried');
});

t.test('offset styles: query_offset expressions, page_number with last-page flag, offset_total without a total', async (t) => {
  const server = await programmable((req) => {
    const path = req.url.pathname;
    if (path === '/query') {
      const m = /STARTPOSITION (\d+) MAXRESULTS (\d+)/.exec(req.url.searchParams.get('query') ?? '')!;
      const start = Number(m[1]);
      return { body: { QueryResponse: { Item: items(start, Math.min(start + Number(m[2]), 11)) } } };
    }
    if (path === '/pages') {
      const page = Number(req.url.searchParams.get('page'));
      return { body: { items: items(page * 3, page * 3 + 3), last_page: page === 2 } };
    }
    const offset = Number(req.url.searchParams.get('offset'));
    return { body: { items: items(offset, Math.min(offset + 4, 10)) } };
  });
  t.teardown(() => server.close());

  const quickbooksLike = definitionWith({
    listPath: '/query',
    defaultParams: { query: 'SELECT * FROM Item ORDERBY Id STARTPOSITION {{offset}} MAXRESULTS {{limit}}' },
    pagination: { style: 'query_offset', firstOffset: 1 },
    pageSize: { default: 4, max: 1000 },
    recordsPath: '/QueryResponse/Item',
  });
  const q = await collect(programmableHarness(server, quickbooksLike).ctx, 'full', null);
  t.same(q.ids, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  t.same(
    server.seen.map((r) => /STARTPOSITION (\d+)/.exec(r.url.searchParams.get('query')!)![1]),
    ['1', '5', '9'],
  );

  server.seen.length = 0;
  const clickupLike = definitionWith({
    listPath: '/pages',
    pagination: { style: 'page_number', param: 'page', firstPage: 0, lastPagePath: '/last_page' },
  });
  const p = await collect(programmableHarness(server, clickupLike).ctx, 'full', null);
  t.equal(p.ids.length, 9);
  t.same(
    server.seen.map((r) => r.url.searchParams.get('page')),
    ['0', '1', '2'],
  );

  server.seen.length = 0;
  const offsets = definitionWith({
    listPath: '/offset',
    pagination: { style: 'offset_total', offsetParam: 'offset' },
    pageSize: { param: 'count', default: 4, max: 4 },
  });
  const o = await collect(programmableHarness(server, offsets).ctx, 'full', null);
  t.equal(o.ids.length, 10);
  t.same(
    server.seen.map((r) => r.url.searchParams.get('offset')),
    ['0', '4', '8'],
    'a short page ends it',
  );
});

t.test('cursor-only continuation (Zendesk export) and continue paths with sync tokens (Dropbox)', async (t) => {
  const zendesk = await programmable((req) => {
    const cursor = req.url.searchParams.get('cursor');
    const start = cursor ? Number(cursor) : 0;
    return { body: { tickets: items(start, start + 3), after_cursor: String(start + 3), end_of_stream: start + 3 >= 9 } };
  });
  t.teardown(() => zendesk.close());
  const exportSpec = definitionWith({
    key: 'tickets',
    listPath: '/tickets.json',
    pagination: {
      style: 'cursor_body',
      param: 'page[after]',
      cursorFrom: 'response',
      cursorPath: '/meta/after_cursor',
      hasMorePath: '/meta/has_more',
    },
    recordsPath: '/tickets',
    incremental: {
      style: 'endpoint',
      method: 'GET',
      path: '/incremental/tickets/cursor.json',
      sinceParam: 'start_time',
      format: 'unix_seconds',
      pagination: {
        style: 'cursor_body',
        param: 'cursor',
        cursorFrom: 'response',
        cursorPath: '/after_cursor',
        endPath: '/end_of_stream',
        cursorOnly: true,
      },
      pageSize: { param: 'per_page', default: 1000, max: 1000 },
      lookbackSeconds: 120,
    },
  });
  const inc = await collect(programmableHarness(zendesk, exportSpec).ctx, 'incremental', { since: '2024-01-01T00:05:00.000Z' });
  t.equal(inc.ids.length, 9);
  t.same(
    zendesk.seen.map((r) => `${r.url.pathname}?${r.url.searchParams}`),
    [
      `/incremental/tickets/cursor.json?per_page=1000&start_time=${Date.UTC(2024, 0, 1, 0, 3) / 1000}`,
      '/incremental/tickets/cursor.json?cursor=3',
      '/incremental/tickets/cursor.json?cursor=6',
    ],
    'the first request carries the bound (minus the look-back); later ones only the cursor',
  );

  const dropbox = await programmable((req) => {
    const body = req.body as { cursor?: string; path?: string };
    if (req.url.pathname === '/2/files/list_folder') return { body: { entries: items(0, 2), cursor: 'c2', has_more: true } };
    if (body.cursor === 'c2') return { body: { entries: items(2, 3), cursor: 'c3', has_more: false } };
    if (body.cursor === 'c3') return { body: { entries: items(7, 8), cursor: 'c4', has_more: false } };
    return { status: 409, body: { error_summary: 'reset/..', error: { '.tag': 'reset' } } };
  });
  t.teardown(() => dropbox.close());
  const dropboxSpec = definitionWith({
    method: 'POST',
    listPath: '/2/files/list_folder',
    defaultParams: { path: '', recursive: true },
    pagination: {
      style: 'cursor_body',
      param: 'cursor',
      cursorFrom: 'response',
      cursorPath: '/cursor',
      hasMorePath: '/has_more',
      continuePath: '/2/files/list_folder/continue',
    },
    pageSize: { param: 'limit', default: 2000, max: 2000 },
    recordsPath: '/entries',
    updatedAtPath: '/updated',
    incremental: { style: 'sync_token', param: 'cursor', tokenPath: '/cursor', path: '/2/files/list_folder/continue' },
  });
  const full = await collect(programmableHarness(dropbox, dropboxSpec).ctx, 'full', null);
  t.same(full.ids, ['0', '1', '2']);
  t.equal(full.last.cursor.syncToken, 'c3', 'the last cursor is the sync token');
  t.same(
    dropbox.seen.map((r) => [r.url.pathname, r.body]),
    [
      ['/2/files/list_folder', { path: '', recursive: true, limit: 2000 }],
      ['/2/files/list_folder/continue', { cursor: 'c2' }],
    ],
  );
  const changes = await collect(programmableHarness(dropbox, dropboxSpec).ctx, 'incremental', stored(full.last.cursor));
  t.same(changes.ids, ['7']);
  t.same(dropbox.seen.at(-1)!.body, { cursor: 'c3' }, 'the changes request sends only the token');
  t.equal(changes.last.cursor.syncToken, 'c4');
});

t.test('stop_at_older: a newest-first listing stops at the first record not newer than the mark', async (t) => {
  const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + (100 - i) * 60_000).toISOString();
  const server = await programmable((req, _n, base) => {
    const page = Number(req.url.searchParams.get('page') ?? 1);
    return {
      headers: page < 10 ? { link: `<${base}/pulls?page=${page + 1}>; rel="next", <${base}/pulls?page=10>; rel="last"` } : undefined,
      body: items((page - 1) * 10, page * 10, at),
    };
  });
  t.teardown(() => server.close());
  const spec = definitionWith({
    listPath: '/pulls',
    pagination: { style: 'link_header' },
    recordsPath: '',
    incremental: { style: 'stop_at_older' },
  });
  const full = await collect(programmableHarness(server, spec).ctx, 'full', null);
  t.equal(full.ids.length, 100);
  t.equal(full.last.cursor.since, at(0), 'the newest record is the mark');
  server.seen.length = 0;
  const inc = await collect(programmableHarness(server, spec).ctx, 'incremental', { since: at(25) });
  t.same(
    inc.ids,
    items(0, 25).map((r) => String(r.id)),
    'only records newer than the mark',
  );
  t.equal(server.seen.length, 3, 'no page after the cut-off is fetched');
  t.equal(inc.last.done, true);
  t.equal(inc.last.cursor.since, at(0));
});

t.test('rate-limit headers: a spent budget waits for the reset before the next page', async (t) => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  const server = await programmable((req) => {
    const page = Number(req.url.searchParams.get('page') ?? 1);
    return {
      headers: { 'x-remaining': page === 1 ? '0' : '10', 'x-reset': '12' },
      body: { items: items(page * 2, page * 2 + 2), last: page === 2 },
    };
  });
  t.teardown(() => server.close());
  const spec = definitionWith(
    { listPath: '/items', pagination: { style: 'page_number', param: 'page', firstPage: 1, lastPagePath: '/last' } },
    { rateLimitHeaders: { remaining: 'x-remaining', reset: { header: 'x-reset', format: 'seconds_until' } } },
  );
  const h = programmableHarness(server, spec, { now: () => now });
  const listing = await collect(h.ctx, 'full', null);
  t.equal(listing.ids.length, 4);
  t.same(h.sleeps, [12_000]);
});
