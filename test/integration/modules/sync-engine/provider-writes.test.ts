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

t.test('GitHub repository issues: create, update and close by number; 422 fails the record; no delete', async (t) => {
  const fake = await startFakeProvider('github', { records: 2, resource: 'repo_issues' });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);
  const created = await writer.write({ op: 'create', fields: { title: 'Crash on save', body: 'Steps…', labels: ['bug'] } });
  t.match(created, { outcome: 'applied', externalId: '3', version: { record: { number: 3, title: 'Crash on save', state: 'open' } } });
  t.match(fake.requests.at(-1), { method: 'POST', path: '/repos/octo-org/octo-repo/issues', status: 201 });
  const updated = await writer.write({ op: 'update', externalId: '3', fields: { state: 'closed', state_reason: 'completed' } });
  t.match(fake.requests.at(-1), { method: 'PATCH', path: '/repos/octo-org/octo-repo/issues/3', body: { state: 'closed' } });
  t.match(updated, { outcome: 'applied', version: { record: { title: 'Crash on save', state: 'closed', closed_at: String } } });
  t.match(await writer.read('3'), { externalId: '3', record: { state: 'closed' } });
  t.equal(await writer.read('99'), null, '404: no such issue');

  const err = await writer.write({ op: 'create', fields: { body: 'No title' } }).catch((e: unknown) => e);
  t.ok(err instanceof ProviderRequestError);
  t.match((err as Error).message, /HTTP 422.*Validation Failed/);
  t.equal(fake.ids().length, 3, 'nothing created');
  t.notOk(fake.resource.write?.delete, 'GitHub cannot delete issues');
  t.match(fake.resource.write?.deleteRefusal, /cannot delete issues.*"closed"/);
});

t.test('Jira issues: create is read back, edit answers 204, delete, gone; a refused field fails the record', async (t) => {
  const fake = await startFakeProvider('jira', { records: 2 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);
  const created = await writer.write({
    op: 'create',
    fields: { summary: 'Login broken', project: { key: 'PROJ' }, issuetype: { name: 'Bug' } },
  });
  t.equal(created.outcome, 'applied');
  if (created.outcome !== 'applied') return;
  const id = created.externalId!;
  t.match(fake.requests.at(-2), {
    method: 'POST',
    path: /\/rest\/api\/3\/issue$/,
    status: 201,
    body: { fields: { summary: 'Login broken' } },
  });
  t.match(
    fake.requests.at(-1),
    { method: 'GET', path: new RegExp(`/rest/api/3/issue/${id}$`) },
    'the { id, key, self } answer is read back',
  );
  t.match(created.version, { externalId: id, record: { key: /^PROJ-/, fields: { summary: 'Login broken' } }, updatedAt: /^\d{4}-/ });

  const updated = await writer.write({ op: 'update', externalId: id, fields: { summary: 'Login broken on Safari' } });
  t.match(fake.requests.at(-2), { method: 'PUT', status: 204, body: { fields: { summary: 'Login broken on Safari' } } });
  t.match(updated, {
    outcome: 'applied',
    version: { record: { fields: { summary: 'Login broken on Safari', project: { key: 'PROJ' } } } },
  });

  const refused = await writer.write({ op: 'update', externalId: id, fields: { colour: 'red' } }).catch((e: unknown) => e);
  t.match(refused, { status: 400, message: /Field 'colour' cannot be set/ });
  const missing = await writer.write({ op: 'create', fields: { description: 'no summary' } }).catch((e: unknown) => e);
  t.match(missing, { status: 400 });
  t.equal(fake.ids().length, 3, 'nothing else created');

  t.match(await writer.write({ op: 'delete', externalId: id }), { outcome: 'applied', externalId: id });
  t.same(await writer.write({ op: 'delete', externalId: id }), { outcome: 'gone' }, '404 once deleted');
  t.equal(await writer.read(id), null);
});

t.test('Linear issues: GraphQL mutations create, update and delete; GraphQL errors fail the record', async (t) => {
  const fake = await startFakeProvider('linear', { records: 2 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);
  const created = await writer.write({ op: 'create', fields: { title: 'Onboarding', teamId: 'team-eng', priority: 2 } });
  t.equal(created.outcome, 'applied');
  if (created.outcome !== 'applied') return;
  const id = created.externalId!;
  const sent = fake.requests.at(-1)!.body as { query: string; variables: Record<string, unknown> };
  t.match(sent.query, /^mutation IssueCreate\(\$input: IssueCreateInput!\)/);
  t.same(sent.variables, { input: { title: 'Onboarding', teamId: 'team-eng', priority: 2 } });
  t.match(created.version, { externalId: id, record: { title: 'Onboarding', identifier: 'ENG-3' }, updatedAt: /^\d{4}-/ });

  const updated = await writer.write({ op: 'update', externalId: id, fields: { title: 'Onboarding v2' } });
  t.same((fake.requests.at(-1)!.body as { variables: unknown }).variables, { input: { title: 'Onboarding v2' }, id });
  t.match(updated, { outcome: 'applied', version: { record: { title: 'Onboarding v2', priority: 2 } } });

  const refused = await writer.write({ op: 'create', fields: { title: 'No team' } }).catch((e: unknown) => e);
  t.ok(refused instanceof ProviderRequestError);
  t.match((refused as Error).message, /reported an error: .*Argument Validation Error/);
  t.equal(fake.ids().length, 3, 'nothing created');

  t.match(await writer.write({ op: 'delete', externalId: id }), { outcome: 'applied', externalId: id });
  t.same((fake.requests.at(-1)!.body as { variables: unknown }).variables, { id }, 'a delete sends only the id');
  t.equal(fake.record(id), undefined);
  const again = await writer.write({ op: 'delete', externalId: id }).catch((e: unknown) => e);
  t.match(again, { message: /Entity not found/ });
  t.equal(await writer.read(id), null, 'a deleted issue reads as gone');
});

t.test('Linear issues: read by id with a GraphQL query; a keyed create names its issue, so sending it again creates nothing', async (t) => {
  const fake = await startFakeProvider('linear', { records: 2 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);
  const [first] = fake.ids();
  t.match(await writer.read(first), { externalId: first, record: { id: first, title: 'Issue 1' }, updatedAt: /^\d{4}-/ });
  t.match((fake.requests.at(-1)!.body as { query: string; variables: unknown }).query, /^query IssueRead\(\$id: ID!\)/);
  t.same((fake.requests.at(-1)!.body as { variables: unknown }).variables, { id: first });
  t.equal(await writer.read('00000000-0000-4000-8000-000000000000'), null, 'an empty list: no such issue');

  const write = { op: 'create' as const, fields: { title: 'Billing export', teamId: 'team-eng' }, idempotencyKey: 'linkyard-r7-0' };
  const created = await writer.write(write);
  const sentId = (fake.requests.at(-1)!.body as { variables: { input: { id: string } } }).variables.input.id;
  t.match(sentId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'input.id is a UUID v4');
  t.match(created, { outcome: 'applied', externalId: sentId, version: { record: { title: 'Billing export' } } });

  // The same write again (its answer lost to a crash): Linear refuses the taken id; the issue is read back instead.
  const again = await writer.write(write);
  t.match(again, { outcome: 'applied', externalId: sentId, version: { record: { id: sentId, title: 'Billing export' } } });
  t.equal(fake.ids().length, 3, 'one issue created');
  t.equal((fake.requests.at(-2)!.body as { variables: { input: { id: string } } }).variables.input.id, sentId, 'the same id sent again');

  // A keyed create is safe to retry after a 5xx: retried, and still one issue per write.
  fake.failNext(503);
  const afterOutage = await writer.write({ ...write, idempotencyKey: 'linkyard-r7-1' });
  t.match(afterOutage, { outcome: 'applied', version: { record: { title: 'Billing export' } } });
  t.equal(fake.ids().length, 4);

  // A refusal that is not the id: nothing by that id exists, so the error stands.
  const refused = await writer
    .write({ op: 'create', fields: { title: 'No team' }, idempotencyKey: 'linkyard-r7-2' })
    .catch((e: unknown) => e);
  t.match(refused, { message: /Argument Validation Error/ });
  t.equal(fake.ids().length, 4, 'nothing created');
});

t.test('Todoist tasks: X-Request-Id per write makes a retried create one task; update is a POST; delete', async (t) => {
  const fake = await startFakeProvider('todoist', { records: 2 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);
  const created = await writer.write({ op: 'create', fields: { content: 'Buy milk', priority: 4 }, idempotencyKey: 'linkyard-r1-0' });
  t.equal(created.outcome, 'applied');
  if (created.outcome !== 'applied') return;
  const id = created.externalId!;
  t.equal(fake.requests.at(-1)!.headers['x-request-id'], 'linkyard-r1-0');
  // The same write again (a worker that died before storing the answer): Todoist answers the first task again.
  const retried = await writer.write({ op: 'create', fields: { content: 'Buy milk', priority: 4 }, idempotencyKey: 'linkyard-r1-0' });
  t.match(retried, { outcome: 'applied', externalId: id });
  t.equal(fake.ids().length, 3, 'one task created');

  // A 503 on a create with an idempotency key is retried (the key makes it safe).
  fake.failNext(503);
  const afterOutage = await writer.write({ op: 'create', fields: { content: 'Call Bob' }, idempotencyKey: 'linkyard-r1-1' });
  t.match(afterOutage, { outcome: 'applied', version: { record: { content: 'Call Bob' } } });
  t.equal(fake.ids().length, 4);

  const updated = await writer.write({
    op: 'update',
    externalId: id,
    fields: { content: 'Buy oat milk' },
    idempotencyKey: 'linkyard-r1-2',
  });
  t.match(fake.requests.at(-1), { method: 'POST', path: `/api/v1/tasks/${id}`, body: { content: 'Buy oat milk' } });
  t.match(updated, { outcome: 'applied', version: { record: { content: 'Buy oat milk', priority: 4 } } });

  const missing = await writer.write({ op: 'create', fields: { description: 'no content' } }).catch((e: unknown) => e);
  t.match(missing, { status: 400, message: /Required argument is missing/ });
  t.match(await writer.write({ op: 'delete', externalId: id }), { outcome: 'applied' });
  t.same(await writer.write({ op: 'delete', externalId: id }), { outcome: 'gone' });
  t.equal(await writer.read(id), null);
});

t.test('Notion pages: create, update properties, delete archives; an archived page reads as gone', async (t) => {
  const fake = await startFakeProvider('notion', { records: 2 });
  t.teardown(() => fake.close());
  const writer = writerFor(fake);
  const parent = { database_id: 'a1d8501e-1ac1-43e9-a6bd-ea9fe6c8822b' };
  const title = (text: string) => ({ Name: { title: [{ text: { content: text } }] } });
  const created = await writer.write({ op: 'create', fields: { parent, properties: title('Roadmap') } });
  t.equal(created.outcome, 'applied');
  if (created.outcome !== 'applied') return;
  const id = created.externalId!;
  t.equal(fake.requests.at(-1)!.headers['notion-version'], '2022-06-28');
  t.match(created.version, {
    externalId: id,
    record: { object: 'page', properties: { Name: { title: [{ text: { content: 'Roadmap' } }] } } },
  });

  const updated = await writer.write({ op: 'update', externalId: id, fields: { properties: { Status: { select: { name: 'Done' } } } } });
  t.match(fake.requests.at(-1), { method: 'PATCH', path: `/v1/pages/${id}` });
  t.match(updated, { outcome: 'applied', version: { record: { properties: { Name: Object, Status: { select: { name: 'Done' } } } } } });

  const refused = await writer.write({ op: 'create', fields: { properties: title('No parent') } }).catch((e: unknown) => e);
  t.match(refused, { status: 400, message: /body\.parent should be defined/ });
  t.equal(fake.ids().length, 3, 'nothing created');

  t.match(await writer.write({ op: 'delete', externalId: id }), { outcome: 'applied', externalId: id });
  t.match(fake.requests.at(-1), { method: 'PATCH', body: { archived: true } }, 'delete archives');
  t.equal(await writer.read(id), null, 'archived: gone');
  t.same(await writer.write({ op: 'delete', externalId: 'ffffffff-0000-4000-8000-000000000000' }), { outcome: 'gone' }, '404');
});
