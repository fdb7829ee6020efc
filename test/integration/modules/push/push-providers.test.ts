import { isDeepStrictEqual } from 'node:util';
import t from 'tap';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { createSync, oauthApp, runAndWait, type ProviderApp } from '../../../helpers/provider-app.js';
import {
  FAKE_CLOUD_ID,
  startFakeProvider,
  type FakeProvider,
  type FakeProviderKind,
  type FakeRequestRecord,
} from '../../../fixtures/providers/index.js';

/**
 * Push through the API for the providers whose write endpoints are declared beyond Stripe, HubSpot and CalDAV: each
 * sync is pulled, then `POST …/syncs/:syncId/records` creates one record, updates one and deletes one, and a run writes
 * them to the provider's fake. What must hold for each: the run succeeds with every write applied, the fake holds the
 * created record and the update (only the changed fields sent), the deleted record is gone, creates carry the
 * provider's idempotency header where it has one, and the next pull sees the pushed records as unchanged.
 */

type Data = Record<string, unknown>;

interface Case {
  kind: FakeProviderKind;
  provider: string;
  resource?: string;
  settings?: Record<string, string>;
  connectionValues?: Record<string, string>;
  /** Inbound mappings (provider → organization); outbound ones are their reverse unless given. */
  mappings: { source: string; target: string }[];
  outboundMappings?: { source: string; target: string }[];
  create: Data;
  /** The created record at the fake, as it must look. */
  created: Data;
  update: Data;
  updated: Data;
  /** Where the provider fields are in the update's request body, and what they must be (nothing else). */
  updateSent: (body: unknown) => unknown;
  updateFields: Data;
  /** Null: the provider cannot delete (a push of a delete is refused with this 400 message). */
  deleteRefused?: RegExp;
  gone?: (fake: FakeProvider, id: string) => boolean;
  /** The external ids Linkyard sees, in the fake's order (default the fake's ids). */
  externalIds?: (fake: FakeProvider) => string[];
  /** The record at the fake by external id (default the fake's record by id). */
  find?: (fake: FakeProvider, id: string) => Data | undefined;
  /** Which requests are writes (default: not GET). */
  isWrite?: (r: FakeRequestRecord) => boolean;
}

const reverse = (mappings: { source: string; target: string }[]) => mappings.map((m) => ({ source: m.target, target: m.source }));
const absent = (fake: FakeProvider, id: string) => fake.record(id) === undefined;

const CASES: Case[] = [
  {
    kind: 'github',
    provider: 'github',
    resource: 'repo_issues',
    settings: { owner: 'octo-org', repo: 'octo-repo' },
    mappings: [
      { source: 'title', target: 'title' },
      { source: 'state', target: 'state' },
    ],
    create: { title: 'Crash on save', state: 'open' },
    created: { title: 'Crash on save', state: 'open' },
    // The first issue is closed (the fake closes every third): reopened.
    update: { state: 'open' },
    updated: { state: 'open' },
    updateSent: (body) => body,
    updateFields: { state: 'open' },
    deleteRefused: /GitHub cannot delete issues/,
    // Repository issues are keyed by their number.
    externalIds: (fake) => fake.records.map((r) => String(r.data.number)),
    find: (fake, id) => fake.records.find((r) => String(r.data.number) === id)?.data,
    isWrite: (r) => r.method !== 'GET',
  },
  {
    kind: 'jira',
    provider: 'jira',
    connectionValues: { cloudId: FAKE_CLOUD_ID },
    mappings: [
      { source: 'fields.summary', target: 'summary' },
      { source: 'fields.project.key', target: 'project' },
    ],
    outboundMappings: [
      { source: 'summary', target: 'summary' },
      { source: 'project', target: 'project.key' },
      { source: 'type', target: 'issuetype.name' },
    ],
    create: { summary: 'Login broken', project: 'PROJ', type: 'Bug' },
    created: { fields: { summary: 'Login broken', project: { key: 'PROJ' } } },
    update: { summary: 'Login broken on Safari' },
    updated: { fields: { summary: 'Login broken on Safari' } },
    updateSent: (body) => (body as { fields: unknown }).fields,
    updateFields: { summary: 'Login broken on Safari' },
    gone: absent,
  },
  {
    kind: 'linear',
    provider: 'linear',
    mappings: [
      { source: 'title', target: 'title' },
      { source: 'team.id', target: 'teamId' },
    ],
    outboundMappings: [
      { source: 'title', target: 'title' },
      { source: 'teamId', target: 'teamId' },
    ],
    // Listing is a POST too: the mutations are the writes.
    isWrite: (r) => /^\s*mutation/.test(String((r.body as { query?: unknown } | undefined)?.query)),
    create: { title: 'Onboarding', teamId: '72b2a2dc-6f4f-4423-9d34-24b5bd10634a' },
    created: { title: 'Onboarding', team: { id: '72b2a2dc-6f4f-4423-9d34-24b5bd10634a' } },
    update: { title: 'Onboarding v2' },
    updated: { title: 'Onboarding v2' },
    updateSent: (body) => (body as { variables: { input: unknown } }).variables.input,
    updateFields: { title: 'Onboarding v2' },
    gone: absent,
  },
  {
    kind: 'todoist',
    provider: 'todoist',
    mappings: [
      { source: 'content', target: 'content' },
      { source: 'priority', target: 'priority' },
    ],
    create: { content: 'Buy milk', priority: 4 },
    created: { content: 'Buy milk', priority: 4 },
    update: { content: 'Buy oat milk' },
    updated: { content: 'Buy oat milk' },
    updateSent: (body) => body,
    updateFields: { content: 'Buy oat milk' },
    gone: absent,
  },
  {
    kind: 'notion',
    provider: 'notion',
    mappings: [
      { source: 'parent.database_id', target: 'database' },
      { source: 'properties.Name', target: 'name' },
    ],
    outboundMappings: [
      { source: 'database', target: 'parent.database_id' },
      { source: 'name', target: 'properties.Name' },
    ],
    create: { database: 'a1d8501e-1ac1-43e9-a6bd-ea9fe6c8822b', name: { title: [{ text: { content: 'Roadmap' } }] } },
    created: { properties: { Name: { title: [{ text: { content: 'Roadmap' } }] } } },
    update: { name: { title: [{ text: { content: 'Roadmap 2027' } }] } },
    updated: { properties: { Name: { title: [{ text: { content: 'Roadmap 2027' } }] } } },
    updateSent: (body) => body,
    updateFields: { properties: { Name: { title: [{ text: { content: 'Roadmap 2027' } }] } } },
    // Listing is a POST to the search endpoint.
    isWrite: (r) => r.method !== 'GET' && !r.path.endsWith('/search'),
    // Notion's delete is an archive: the page stays, archived.
    gone: (fake, id) => fake.record(id)?.data.archived === true,
  },
];

for (const c of CASES) {
  t.test(
    `${c.provider}${c.resource ? ` ${c.resource}` : ''}: push creates, updates and ${c.deleteRefused ? 'refuses deletes' : 'deletes'}`,
    async (t) => {
      const fake = await startFakeProvider(c.kind, { records: 2, ...(c.resource ? { resource: c.resource } : {}) });
      t.teardown(() => fake.close());
      const app: ProviderApp = await oauthApp(t, fake, {
        provider: c.provider,
        name: c.provider,
        settings: c.settings,
        connectionValues: c.connectionValues,
      });
      const { ctx, admin, base } = app;
      const sync = await createSync(app, {
        resource: c.resource ?? fake.resource.key,
        mode: 'full',
        direction: 'bidirectional',
        mappings: c.mappings,
        outboundMappings: c.outboundMappings ?? reverse(c.mappings),
      });
      t.match(await runAndWait(ctx, base, admin, sync.id), { status: 'succeeded', stats: { created: 2 } }, 'pulled first');
      const [first, second] = c.externalIds ? c.externalIds(fake) : fake.ids();
      const pulled = new Set(fake.ids());
      const find = (id: string) => (c.find ? c.find(fake, id) : fake.record(id)?.data);
      const isWrite = c.isWrite ?? ((r: FakeRequestRecord) => r.method !== 'GET');
      const push = (records: object[]) =>
        ctx.app.inject({ method: 'POST', url: `${base}/syncs/${sync.id}/records`, headers: admin, payload: { records } });

      if (c.deleteRefused) {
        const refused = await push([{ data: c.create }, { externalId: second, op: 'delete' }]);
        t.match(refused.json(), { statusCode: 400, field: '/records/1/op', message: c.deleteRefused });
        t.equal(fake.requests.filter(isWrite).length, 0, 'nothing written');
      }
      const records: object[] = [{ data: c.create }, { externalId: first, data: c.update }];
      if (!c.deleteRefused) records.push({ externalId: second, op: 'delete' });
      const accepted = await push(records);
      t.equal(accepted.statusCode, 202, accepted.body);
      await ctx.app.services.executor!.drain();
      const runId = accepted.json().runId;
      const run = (await ctx.app.inject({ url: `${base}/runs/${runId}`, headers: admin })).json();
      t.match(run, { trigger: 'push', status: 'succeeded', stats: { pushed: records.length, failed: 0, conflicts: 0 } });
      const writes = (await ctx.app.inject({ url: `${base}/runs/${runId}/writes`, headers: admin })).json().items;
      t.match(writes, [
        { op: 'create', status: 'applied', externalId: String },
        { op: 'update', status: 'applied', externalId: first },
        ...(c.deleteRefused ? [] : [{ op: 'delete', status: 'applied', externalId: second }]),
      ]);
      t.equal(writes.length, records.length);

      const createdId = writes[0].externalId as string;
      t.equal(fake.ids().filter((id) => !pulled.has(id)).length, 1, 'one record created');
      t.match(find(createdId), c.created, 'the created record at the provider');
      t.match(find(first), c.updated, 'the update applied');
      const writesSent = fake.requests.filter(isWrite);
      const header = fake.resource.write?.create?.idempotencyHeader;
      // A push run sends writes of different records concurrently: the create and the update may arrive in either order.
      const sent = (r: (typeof writesSent)[number]) => {
        try {
          return c.updateSent(r.body);
        } catch {
          return undefined;
        }
      };
      const update = writesSent.find((r) => isDeepStrictEqual(sent(r), c.updateFields));
      const create = writesSent.find((r) => r !== update && r.method === fake.resource.write?.create?.method && r.body !== undefined);
      if (header) t.match(create?.headers[header.toLowerCase()], /^linkyard-/, `the create carries ${header}`);
      t.ok(update, 'the update sends only the changed field');
      if (c.gone) t.ok(c.gone(fake, second), 'the deleted record is gone');

      // The next pull sees the pushed records as they are.
      t.match((await runAndWait(ctx, base, admin, sync.id)).stats, { created: 0, updated: 0 }, 'nothing new on the next pull');
    },
  );
}

t.test('linear: an update is re-read first (a change made at Linear is a conflict); creates name their issue by a UUID', async (t) => {
  const fake = await startFakeProvider('linear', { records: 2 });
  t.teardown(() => fake.close());
  const app = await oauthApp(t, fake, { provider: 'linear', name: 'Linear' });
  const { ctx, admin, base } = app;
  const mappings = [
    { source: 'title', target: 'title' },
    { source: 'team.id', target: 'teamId' },
  ];
  const sync = await createSync(app, {
    resource: 'issues',
    mode: 'full',
    direction: 'bidirectional',
    mappings,
    outboundMappings: reverse(mappings).map((m) => (m.source === 'teamId' ? { source: 'teamId', target: 'teamId' } : m)),
  });
  await runAndWait(ctx, base, admin, sync.id);
  const [first] = fake.ids();
  fake.modify(first, { title: 'Renamed at Linear' });
  const accepted = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${sync.id}/records`,
    headers: admin,
    payload: {
      records: [
        { externalId: first, data: { title: 'Renamed by us' } },
        { data: { title: 'New', teamId: '72b2a2dc-6f4f-4423-9d34-24b5bd10634a' } },
      ],
    },
  });
  await ctx.app.services.executor!.drain();
  const writes = (await ctx.app.inject({ url: `${base}/runs/${accepted.json().runId}/writes`, headers: admin })).json().items;
  t.match(writes, [
    { op: 'update', status: 'conflict', error: /conflict was opened/ },
    { op: 'create', status: 'applied', externalId: /^[0-9a-f-]{36}$/ },
  ]);
  t.equal(fake.record(first)?.data.title, 'Renamed at Linear', 'nothing written over the change made at Linear');
  const create = fake.requests.find((r) => /^mutation IssueCreate/.test(String((r.body as { query?: unknown }).query)));
  t.equal((create!.body as { variables: { input: { id: string } } }).variables.input.id, writes[1].externalId, 'the id Linkyard chose');
});

t.test('google calendar: a pull stores the etag it read, so a push after it is not refused as stale', async (t) => {
  const fake = await startFakeProvider('google_calendar', { records: 2 });
  t.teardown(() => fake.close());
  const app = await oauthApp(t, fake, { provider: 'google_calendar', name: 'Google Calendar' });
  const { ctx, admin, base } = app;
  const mappings = [
    { source: 'summary', target: 'summary' },
    { source: 'location', target: 'location' },
  ];
  const sync = await createSync(app, {
    resource: 'events',
    mode: 'full',
    direction: 'bidirectional',
    mappings,
    outboundMappings: reverse(mappings),
  });
  t.match(await runAndWait(ctx, base, admin, sync.id), { status: 'succeeded', stats: { created: 2 } });
  const [first] = fake.ids();
  const etagAtGoogle = () => fake.record(first)!.data.etag as string;
  const storedEtag = async () =>
    inScope(ctx.database.db, { org: ctx.orgs.acme }, async (tx) => {
      const row = await tx
        .selectFrom('records')
        .select('etag')
        .where('integration_id', '=', app.integration.id)
        .where('external_id', '=', first)
        .executeTakeFirstOrThrow();
      return row.etag;
    });
  t.equal(await storedEtag(), etagAtGoogle(), 'the first pull stores the etag it read');
  const pushUpdate = async (summary: string) => {
    const accepted = await ctx.app.inject({
      method: 'POST',
      url: `${base}/syncs/${sync.id}/records`,
      headers: admin,
      payload: { records: [{ externalId: first, data: { summary } }] },
    });
    t.equal(accepted.statusCode, 202, accepted.body);
    await ctx.app.services.executor!.drain();
    return (await ctx.app.inject({ url: `${base}/runs/${accepted.json().runId}/writes`, headers: admin })).json().items;
  };

  t.match(await pushUpdate('Planning (ours)'), [{ op: 'update', status: 'applied' }]);
  t.equal(await storedEtag(), etagAtGoogle(), "the push stores the answer's etag");

  // Changed at Google (another field): the event's etag moves, and the next pull reads the new one.
  fake.modify(first, { location: 'Room 2' });
  t.match(await runAndWait(ctx, base, admin, sync.id), { status: 'succeeded', stats: { updated: 1 } });
  t.equal(await storedEtag(), etagAtGoogle(), 'the pull stores the etag it read, not the one the push stored');

  // A push now is over the version the pull read: sent with that etag and applied, no conflict.
  const current = etagAtGoogle();
  fake.resetRequests();
  t.match(await pushUpdate('Planning (ours, again)'), [{ op: 'update', status: 'applied', error: null }]);
  const patch = fake.requests.find((r) => r.method === 'PATCH');
  t.equal(patch?.headers['if-match'], current, 'If-Match names the version the pull read');
  t.same(
    fake.requests.filter((r) => r.status === 412),
    [],
    'no 412',
  );
  t.match(fake.record(first)!.data, { summary: 'Planning (ours, again)', location: 'Room 2' });
  const conflicts = (await ctx.app.inject({ url: `${base}/conflicts`, headers: admin })).json();
  t.equal(conflicts.items.length, 0, 'no conflict opened');
});

t.test('google calendar: a delete refused with 412 opens a conflict over the delete (manual)', async (t) => {
  const fake = await startFakeProvider('google_calendar', { records: 2 });
  t.teardown(() => fake.close());
  const app = await oauthApp(t, fake, { provider: 'google_calendar', name: 'Google Calendar' });
  const { ctx, admin, base } = app;
  const mappings = [{ source: 'summary', target: 'summary' }];
  const sync = await createSync(app, {
    resource: 'events',
    mode: 'full',
    direction: 'bidirectional',
    mappings,
    outboundMappings: reverse(mappings),
  });
  await runAndWait(ctx, base, admin, sync.id);
  const [first] = fake.ids();
  fake.modify(first, { summary: 'Renamed at Google' });
  const accepted = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${sync.id}/records`,
    headers: admin,
    payload: { records: [{ externalId: first, op: 'delete' }] },
  });
  await ctx.app.services.executor!.drain();
  const writes = (await ctx.app.inject({ url: `${base}/runs/${accepted.json().runId}/writes`, headers: admin })).json().items;
  t.match(writes, [{ op: 'delete', status: 'conflict', error: /conflict was opened/ }]);
  t.ok(
    fake.requests.some((r) => r.method === 'DELETE' && r.status === 412),
    'Google refused the If-Match',
  );
  t.ok(fake.record(first), 'not deleted');
  const [conflict] = (await ctx.app.inject({ url: `${base}/conflicts?status=open`, headers: admin })).json().items;
  t.match(conflict, {
    externalId: first,
    localDeleted: true,
    fields: [{ path: 'summary', base: 'Event 0', local: null, remote: 'Renamed at Google' }],
  });
  const resolved = await ctx.app.inject({
    method: 'POST',
    url: `${base}/conflicts/${conflict.id}/resolve`,
    headers: admin,
    payload: { resolution: 'remote' },
  });
  t.equal(resolved.statusCode, 200, resolved.body);
  t.ok(fake.record(first), 'theirs: the event stays');
});

t.test('github: a create leaves out the mapped fields the record does not give (not null); an explicit null is sent', async (t) => {
  const fake = await startFakeProvider('github', { records: 2, resource: 'repo_issues' });
  t.teardown(() => fake.close());
  const app = await oauthApp(t, fake, { provider: 'github', name: 'GitHub', settings: { owner: 'octo-org', repo: 'octo-repo' } });
  const { ctx, admin, base } = app;
  const mappings = [
    { source: 'title', target: 'title' },
    { source: 'state', target: 'state' },
    { source: 'body', target: 'body' },
  ];
  const sync = await createSync(app, {
    resource: 'repo_issues',
    mode: 'full',
    direction: 'push',
    mappings,
    outboundMappings: reverse(mappings),
  });
  const accepted = await ctx.app.inject({
    method: 'POST',
    url: `${base}/syncs/${sync.id}/records`,
    headers: admin,
    payload: { records: [{ data: { title: 'Crash on save' } }, { data: { title: 'Typo', body: null, state: null } }] },
  });
  t.equal(accepted.statusCode, 202, accepted.body);
  await ctx.app.services.executor!.drain();
  const writes = (await ctx.app.inject({ url: `${base}/runs/${accepted.json().runId}/writes`, headers: admin })).json().items;
  t.match(writes, [
    { op: 'create', status: 'applied', externalId: String },
    { op: 'create', status: 'failed', error: String },
  ]);
  const creates = fake.requests.filter((r) => r.method === 'POST');
  const first = creates.find((r) => (r.body as { title?: string }).title === 'Crash on save');
  t.same(first?.body, { title: 'Crash on save' }, 'state and body are left out, not sent as null');
  const second = creates.find((r) => (r.body as { title?: string }).title === 'Typo');
  t.same(second?.body, { title: 'Typo', state: null, body: null }, 'explicit nulls are sent as given');
  const created = fake.records.find((r) => String(r.data.number) === writes[0].externalId)?.data;
  t.match(created, { title: 'Crash on save', state: 'open' }, "GitHub's default state");
});
