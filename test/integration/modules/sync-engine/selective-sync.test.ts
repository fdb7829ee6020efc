import t, { type Test } from 'tap';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import {
  listPages,
  type ConnectorCursor,
  type Page,
  type RestConnectorContext,
} from '../../../../server/src/modules/sync-engine/rest-connector.js';
import type { Selection } from '../../../../server/src/modules/syncs/selective.js';
import { startFakeProvider, type FakeProvider, type FakeProviderKind } from '../../../fixtures/providers/index.js';

/**
 * Selective sync against the fake provider APIs, which honour the documented field selections and filters: each
 * test checks what was sent, that the provider's answer holds only what was asked, and what was filtered locally.
 */

const httpClient = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
t.teardown(() => httpClient.close());

const RECORDS = 120;

async function fakeOf(t: Test, kind: FakeProviderKind): Promise<FakeProvider> {
  const fake = await startFakeProvider(kind, { records: RECORDS });
  t.teardown(() => fake.close());
  return fake;
}

function context(fake: FakeProvider, selection: Selection): RestConnectorContext {
  return {
    definition: fake.definition,
    resource: fake.resource,
    templateValues: fake.templateValues,
    credentials: async () => fake.authHeaders(),
    onUnauthorized: async () => {},
    http: httpClient,
    log: () => {},
    allowHttp: true,
    pageSize: 25,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    selection,
  };
}

async function list(
  fake: FakeProvider,
  selection: Selection,
  mode: 'full' | 'incremental' = 'full',
  cursor: ConnectorCursor | null = null,
) {
  fake.resetRequests();
  const pages: Page[] = [];
  for await (const page of listPages(context(fake, selection), { mode, cursor })) pages.push(page);
  return {
    pages,
    ids: pages.flatMap((p) => p.externalIds),
    records: pages.flatMap((p) => p.records) as Record<string, unknown>[],
    filtered: pages.reduce((n, p) => n + p.filtered, 0),
    last: pages.at(-1)!,
  };
}

const expectedIds = (fake: FakeProvider, keep: (data: Record<string, unknown>) => boolean) =>
  fake.records.filter((r) => keep(r.data)).map((r) => r.id);

t.test('Salesforce: fields become the SOQL select list, filters its WHERE clause, values escaped', async (t) => {
  const fake = await fakeOf(t, 'salesforce');
  const result = await list(fake, {
    fields: ['Email', 'LastName'],
    filters: [
      { field: 'LastName', op: 'in', value: ['3', '4', '5', '77'] },
      { field: 'Email', op: 'contains', value: '7' },
    ],
  });
  const q = fake.requests[0].query.q;
  t.equal(
    q,
    "SELECT Id, SystemModstamp, Email, LastName FROM Contact WHERE LastName IN ('3', '4', '5', '77') AND Email LIKE '%7%' ORDER BY SystemModstamp ASC",
  );
  t.same(
    result.ids,
    expectedIds(fake, (d) => d.LastName === '77'),
    'the provider applied both filters',
  );
  t.equal(result.filtered, 0, 'nothing was left to filter locally');
  t.same(Object.keys(result.records[0]).sort(), ['Email', 'Id', 'LastName', 'SystemModstamp', 'attributes'], 'only the selected fields');

  const incremental = await list(
    fake,
    { fields: [], filters: [{ field: 'FirstName', op: 'eq', value: 'Contact' }] },
    'incremental',
    result.last.cursor,
  );
  t.match(fake.requests[0].query.q, /WHERE SystemModstamp >= \S+ AND FirstName = 'Contact' ORDER BY/, 'ANDed to the incremental bound');
  const since = Date.parse(String(result.last.cursor.since));
  t.same(
    incremental.ids,
    fake.records.filter((r) => Date.parse(r.updatedAt!) >= since).map((r) => r.id),
    'records changed since the mark of the filtered listing',
  );

  for (const attempt of ["' OR Name != '", "3' OR LastName != '", "\\' OR LastName != \\'", '3%']) {
    const injected = await list(fake, { fields: [], filters: [{ field: 'LastName', op: 'eq', value: attempt }] });
    t.equal(fake.requests[0].status, 200, `the query still parses with ${JSON.stringify(attempt)}`);
    t.same(injected.ids, [], `${JSON.stringify(attempt)} is compared as text and matches nothing`);
  }
});

t.test('HubSpot: properties on the list, filters through the search endpoint, contains applied locally', async (t) => {
  const fake = await fakeOf(t, 'hubspot');
  const selected = await list(fake, { fields: ['email', 'phone'], filters: [] });
  t.equal(fake.requests[0].method, 'GET', 'no filters: the list endpoint');
  t.equal(fake.requests[0].query.properties, 'lastmodifieddate,email,phone');
  t.same(Object.keys(selected.records[1].properties as object).sort(), [
    'createdate',
    'email',
    'hs_object_id',
    'lastmodifieddate',
    'phone',
  ]);

  const result = await list(fake, {
    fields: ['email', 'lifecyclestage'],
    filters: [
      { field: 'lifecyclestage', op: 'eq', value: 'customer' },
      { field: 'phone', op: 'exists', value: true },
      { field: 'email', op: 'contains', value: '15@' },
    ],
  });
  const request = fake.requests[0];
  t.match(request, { method: 'POST', path: '/crm/v3/objects/contacts/search' }, 'a full listing searches from the epoch');
  t.same(request.body, {
    filterGroups: [
      {
        filters: [
          { propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' },
          { propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' },
          { propertyName: 'phone', operator: 'HAS_PROPERTY' },
        ],
      },
    ],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    limit: 25,
    properties: ['lastmodifieddate', 'email', 'lifecyclestage'],
  });
  const pushed = expectedIds(fake, (d) => {
    const p = d.properties as Record<string, unknown>;
    return p.lifecyclestage === 'customer' && p.phone !== null;
  });
  const kept = expectedIds(fake, (d) => {
    const p = d.properties as Record<string, unknown>;
    return p.lifecyclestage === 'customer' && p.phone !== null && String(p.email).includes('15@');
  });
  t.same(result.ids, kept);
  t.equal(result.filtered, pushed.length - kept.length, 'what HubSpot sent but contains left out counts as filtered');
  t.ok(result.filtered > 0 && kept.length > 0, 'both sides are non-empty');
});

t.test('Jira: fields and JQL clauses in front of the bound, strings escaped', async (t) => {
  const fake = await fakeOf(t, 'jira');
  const result = await list(fake, {
    fields: ['summary', 'status'],
    filters: [
      { field: 'status', op: 'eq', value: 'Done' },
      { field: 'priority', op: 'in', value: ['High'] },
    ],
  });
  t.equal(fake.requests[0].query.fields, 'updated,summary,status');
  t.equal(fake.requests[0].query.jql, '"status" = "Done" AND "priority" in ("High") AND updated >= "1970-01-01" ORDER BY updated ASC');
  t.same(
    result.ids,
    expectedIds(fake, (d) => {
      const f = d.fields as { status: { name: string }; priority: { name: string } };
      return f.status.name === 'Done' && f.priority.name === 'High';
    }),
  );
  t.ok(result.ids.length > 0);
  t.same(Object.keys(result.records[0].fields as object).sort(), ['status', 'summary', 'updated']);

  const injected = await list(fake, { fields: [], filters: [{ field: 'status', op: 'eq', value: 'Done" OR status != "x' }] });
  t.equal(fake.requests[0].status, 200, 'the JQL still parses');
  t.same(injected.ids, [], 'the attempt is one string value');
});

t.test('Google Calendar: fields as a partial-response mask that keeps the tokens; filters applied locally', async (t) => {
  const fake = await fakeOf(t, 'google_calendar');
  const result = await list(fake, { fields: ['summary'], filters: [{ field: 'summary', op: 'contains', value: 'Event 1' }] });
  t.equal(fake.requests[0].query.fields, 'nextPageToken,nextSyncToken,items(id,updated,summary)');
  t.equal(result.pages.length, Math.ceil(RECORDS / 25), 'pages still follow the page token');
  t.match(result.last.cursor.syncToken, /^sync_/, 'the sync token still arrives');
  t.same(Object.keys(result.records[0]).sort(), ['id', 'summary', 'updated']);
  const kept = expectedIds(fake, (d) => String(d.summary).includes('Event 1'));
  t.same(result.ids, kept);
  t.equal(result.filtered, RECORDS - kept.length, 'Calendar cannot filter by field: the rest is filtered locally');
});

t.test('GitHub: state and labels as query parameters, since only where the run does not use it', async (t) => {
  const fake = await fakeOf(t, 'github');
  const since = String(fake.records[60].data.updated_at);
  const result = await list(fake, {
    fields: [],
    filters: [
      { field: 'state', op: 'eq', value: 'open' },
      { field: 'labels', op: 'contains', value: 'bug' },
      { field: 'labels', op: 'contains', value: 'ui' },
      { field: 'updated_at', op: 'gte', value: since },
    ],
  });
  t.match(fake.requests[0].query, { state: 'open', labels: 'bug,ui', since });
  const matching = (d: Record<string, unknown>) =>
    d.state === 'open' &&
    ['bug', 'ui'].every((l) => (d.labels as { name: string }[]).some((x) => x.name === l)) &&
    String(d.updated_at) >= since;
  t.same(result.ids, expectedIds(fake, matching));
  t.ok(result.ids.length > 0);
  t.equal(result.filtered, 0);

  const incremental = await list(
    fake,
    { fields: [], filters: [{ field: 'updated_at', op: 'gte', value: '2100-01-01T00:00:00Z' }] },
    'incremental',
    result.last.cursor,
  );
  t.not(fake.requests[0].query.since, '2100-01-01T00:00:00Z', 'the run keeps its own bound');
  t.equal(incremental.ids.length, 0, 'and the filter is applied locally');
  t.equal(
    incremental.filtered,
    incremental.pages.reduce((n, p) => n + p.filtered, 0),
  );
});

t.test('Stripe: creation bounds and email as list parameters', async (t) => {
  const fake = await fakeOf(t, 'stripe');
  const created = Number(fake.records[40].data.created);
  const result = await list(fake, {
    fields: [],
    filters: [
      { field: 'created', op: 'lt', value: created },
      { field: 'email', op: 'eq', value: 'customer7@example.com' },
    ],
  });
  t.match(fake.requests[0].query, { 'created[lt]': String(created), email: 'customer7@example.com' });
  t.same(result.ids, [fake.records[7].id]);
  t.equal(result.filtered, 0);
});
