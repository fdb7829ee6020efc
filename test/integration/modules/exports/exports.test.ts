/**
 * Exports (issue 6, docs/api.md "Exports"): every format and entity, inclusive UTC date ranges, bad input, CSV
 * formula injection, roles and tenancy, the audit event, the rate limit, and a client that disconnects.
 * The PDF report has its own file (exports-pdf.test.ts); secrets in exports are covered by the canary test.
 */
import { request as httpRequest } from 'node:http';
import { sql } from 'kysely';
import t from 'tap';
import { EXPORTERS } from '../../../../server/src/modules/exports/export-entities.js';
import { createTestApp, type TestContext } from '../../../helpers/app.js';
import { csvObjects, unzip } from '../../../helpers/export-files.js';
import { API_KEY, ENTITIES, FORMULAS, SECRET, seedExportData as seed } from '../../../helpers/export-data.js';
import { waitUntil } from '../../../helpers/wait-until.js';

const exportUrl = (ctx: TestContext, query: string, org: 'acme' | 'globex' = 'acme') => `/api/orgs/${ctx.orgs[org]}/export?${query}`;

async function get(ctx: TestContext, as: string, query: string, org: 'acme' | 'globex' = 'acme') {
  return ctx.app.inject({ url: exportUrl(ctx, query, org), headers: { authorization: await ctx.bearer(as) } });
}

async function exportEvents(ctx: TestContext) {
  return ctx.database.db.kysely
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', 'organization.exported')
    .orderBy('at')
    .orderBy('seq')
    .execute();
}

t.test("JSON: one document keyed by entity, in the API's public shapes, audited with row counts", async (t) => {
  const ctx = await createTestApp(t);
  const seeded = await seed(ctx);
  const res = await get(ctx, 'admin@acme.test', 'format=json');
  t.equal(res.statusCode, 200, 'an admin exports JSON');
  t.match(res.headers['content-type'], /^application\/json; charset=utf-8/);
  const today = new Date().toISOString().slice(0, 10);
  t.equal(res.headers['content-disposition'], `attachment; filename="linkyard-acme-beginning-${today}.json"`);
  t.equal(res.headers['cache-control'], 'no-store');
  const doc = JSON.parse(res.body);
  t.same(doc.entities, [...ENTITIES], 'an admin gets every entity by default');
  t.same(doc.organization, { id: ctx.orgs.acme, slug: 'acme', name: 'Acme' });
  t.same(doc.range, { startDate: null, endDate: null });
  t.equal(doc.integrations.length, 2);
  const hub = doc.integrations.find((i: { id: string }) => i.id === seeded.hubspot);
  t.match(hub, {
    provider: 'hubspot',
    authType: 'oauth2',
    hasClientSecret: true,
    hasApiKey: false,
    clientId: 'hub-client',
    secretHint: `••••${SECRET.slice(-4)}`,
  });
  const stripe = doc.integrations.find((i: { id: string }) => i.id === seeded.stripe);
  t.match(stripe, { hasApiKey: true, hasClientSecret: false });
  const apiShape = (
    await ctx.app.inject({
      url: `/api/orgs/${ctx.orgs.acme}/integrations/${seeded.hubspot}`,
      headers: { authorization: await ctx.bearer('admin@acme.test') },
    })
  ).json();
  t.same(Object.keys(hub).sort(), Object.keys(apiShape).sort(), "integrations have exactly the API's public fields");
  t.same(hub, apiShape, 'and the same values');
  t.equal(doc.syncs.length, 1);
  t.same(doc.syncs[0].mappings, [{ source: 'email', target: '-email' }]);
  t.equal(doc.runs.length, 5);
  t.same(
    doc.runs.map((r: { startedAt: string }) => r.startedAt),
    [...seeded.outside.slice(0, 1), ...seeded.inside, seeded.outside[1]],
    'oldest first',
  );
  t.match(
    doc.runs.find((r: { startedAt: string }) => r.startedAt === seeded.inside[1]),
    { status: 'failed', durationMs: 1500, stats: { fetched: 11, created: 1, failed: 1 }, error: '+1+1 provider said no' },
  );
  t.equal(doc.logs.length, 6);
  t.same(doc.logs[0].data, { status: 200, note: '@cmd' }, 'log data is JSON, not text');
  t.equal(doc.logs[5].data, null);
  t.equal(doc.records.length, 5);
  t.ok(
    doc.records.every((r: { data: { email: string } }) => typeof r.data.email === 'string'),
    'record data is JSON',
  );
  t.ok(doc.audit.length >= 3, 'the audit trail (organization created, members, integrations)');
  t.ok(doc.audit.some((a: { action: string }) => a.action === 'integration.created'));
  t.same(
    doc.rowCounts,
    { integrations: 2, syncs: 1, runs: 5, logs: 6, records: 5, audit: doc.audit.length },
    'the document ends with its row counts',
  );
  t.notOk(res.body.includes(SECRET) || res.body.includes(API_KEY), 'no secret in the file');

  const [event] = await exportEvents(ctx);
  t.ok(event, 'the export was audited');
  t.match(event, { organization_id: ctx.orgs.acme, actor_email: 'admin@acme.test', target_type: 'organization', target_id: ctx.orgs.acme });
  t.same(event.metadata, {
    outcome: 'completed',
    format: 'json',
    entities: [...ENTITIES],
    startDate: null,
    endDate: null,
    rowCounts: { integrations: 2, syncs: 1, runs: 5, logs: 6, records: 5, audit: doc.audit.length },
  });
});

t.test("date range: inclusive UTC days on each entity's own time column; an empty range is a valid empty export", async (t) => {
  const ctx = await createTestApp(t);
  const seeded = await seed(ctx);
  const doc = JSON.parse((await get(ctx, 'admin@acme.test', 'entities=runs,logs,records&startDate=2026-03-01&endDate=2026-03-03')).body);
  t.same(doc.entities, ['runs', 'logs', 'records']);
  t.same(doc.range, { startDate: '2026-03-01', endDate: '2026-03-03' });
  t.same(
    doc.runs.map((r: { startedAt: string }) => r.startedAt),
    seeded.inside,
    'first millisecond of the first day and last of the last day are in; the neighbours are out',
  );
  t.same(
    doc.logs.map((l: { at: string }) => l.at),
    seeded.inside,
  );
  t.same(doc.records.map((r: { updatedAt: string }) => r.updatedAt).sort(), seeded.inside);

  const oneDay = JSON.parse((await get(ctx, 'admin@acme.test', 'entities=runs&startDate=2026-03-03&endDate=2026-03-03')).body);
  t.same(
    oneDay.runs.map((r: { startedAt: string }) => r.startedAt),
    [seeded.inside[2]],
    'startDate = endDate is one day',
  );
  const from = JSON.parse((await get(ctx, 'admin@acme.test', 'entities=runs&startDate=2026-03-04')).body);
  t.same(
    from.runs.map((r: { startedAt: string }) => r.startedAt),
    [seeded.outside[1]],
    'an open end',
  );
  const until = JSON.parse((await get(ctx, 'admin@acme.test', 'entities=runs&endDate=2026-02-28')).body);
  t.same(
    until.runs.map((r: { startedAt: string }) => r.startedAt),
    [seeded.outside[0]],
    'an open start',
  );

  const empty = await get(ctx, 'admin@acme.test', 'startDate=2020-01-01&endDate=2020-01-31');
  t.equal(empty.statusCode, 200);
  t.equal(empty.headers['content-disposition'], 'attachment; filename="linkyard-acme-2020-01-01-2020-01-31.json"');
  const emptyDoc = JSON.parse(empty.body);
  for (const e of ENTITIES) t.same(emptyDoc[e], [], `${e}: empty`);
  const emptyCsv = await get(ctx, 'admin@acme.test', 'format=csv&entities=runs&startDate=2020-01-01&endDate=2020-01-31');
  t.equal(emptyCsv.statusCode, 200);
  const parsed = csvObjects(emptyCsv.rawPayload);
  t.same(parsed.rows, [], 'an empty CSV still has its header row');
  t.equal(parsed.header[0], 'id');
  const emptyZip = unzip((await get(ctx, 'admin@acme.test', 'format=csv&startDate=2020-01-01&endDate=2020-01-31')).rawPayload);
  t.same(
    [...emptyZip.keys()],
    ENTITIES.map((e) => `${e}.csv`),
    'an empty ZIP has a header-only CSV per entity',
  );
  const [lastEvent] = (await exportEvents(ctx)).slice(-1);
  t.same(lastEvent.metadata, {
    outcome: 'completed',
    format: 'csv',
    entities: [...ENTITIES],
    startDate: '2020-01-01',
    endDate: '2020-01-31',
    rowCounts: Object.fromEntries(ENTITIES.map((e) => [e, 0])),
  });
});

t.test('bad input: 400 with a message a person can act on, and nothing audited', async (t) => {
  const ctx = await createTestApp(t);
  const cases: [string, RegExp][] = [
    ['format=xml', /format must be one of: json, csv, pdf/],
    ['entities=runs,payments', /"payments" is not an entity; choose from: integrations, syncs, runs, logs, records, audit/],
    ['entities=', /entities must name at least one of/],
    ['entities=,,', /entities must name at least one of/],
    ['startDate=2026-02-30', /startDate 2026-02-30 is not a day of the calendar/],
    ['endDate=2026-13-01', /endDate 2026-13-01 is not a day of the calendar/],
    ['startDate=2025-02-29', /not a day of the calendar/],
    ['startDate=yesterday', /startDate must match pattern|startDate must be a date/],
    ['startDate=2026-3-1', /startDate must match pattern|startDate must be a date/],
    ['startDate=2026-03-05&endDate=2026-03-04', /endDate 2026-03-04 is before startDate 2026-03-05/],
    ['startDate=1969-12-31', /startDate must be 1970-01-01 or later/],
    ['limit=5', /unknown property "limit"/],
  ];
  for (const [query, message] of cases) {
    const res = await get(ctx, 'admin@acme.test', query);
    t.equal(res.statusCode, 400, `${query} → 400`);
    t.match(res.json().message, message, `${query}: ${res.json().message}`);
  }
  t.equal((await get(ctx, 'admin@acme.test', 'startDate=2024-02-29&endDate=2024-02-29')).statusCode, 200, 'a leap day is a day');
  const events = await exportEvents(ctx);
  t.same(
    events.map((e) => (e.metadata as { startDate: string }).startDate),
    ['2024-02-29'],
    'refused exports write no audit event; the one that ran does',
  );
});

t.test('CSV: one file per entity, spreadsheet-ready, every formula neutralised', async (t) => {
  const ctx = await createTestApp(t);
  const seeded = await seed(ctx);
  const files: Record<string, ReturnType<typeof csvObjects>> = {};
  for (const entity of ENTITIES) {
    const res = await get(ctx, entity === 'audit' ? 'super@acme.test' : 'admin@acme.test', `format=csv&entities=${entity}`);
    t.equal(res.statusCode, 200, `${entity}: ${res.statusCode}`);
    t.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    t.match(res.headers['content-disposition'], /^attachment; filename="linkyard-acme-beginning-\d{4}-\d{2}-\d{2}\.csv"$/);
    t.ok(res.body.includes('\r\n'), `${entity}: CRLF line ends`);
    files[entity] = csvObjects(res.rawPayload);
  }
  t.same(files.integrations.rows.length, 2);
  t.same(files.syncs.rows.length, 1);
  t.same(files.runs.rows.length, 5);
  t.same(files.logs.rows.length, 6);
  t.same(files.records.rows.length, 5);
  t.ok(files.audit.rows.length >= 3);
  t.same(
    files.runs.header,
    [
      'id',
      'integrationId',
      'syncId',
      'trigger',
      'status',
      'scheduledFor',
      'startedAt',
      'finishedAt',
      'durationMs',
      'fetched',
      'created',
      'updated',
      'unchanged',
      'deleted',
      'failed',
      'error',
    ],
    'stats are columns of their own',
  );
  t.match(
    files.runs.rows.find((r) => r.startedAt === seeded.inside[1]),
    { status: 'failed', durationMs: '1500', fetched: '11', failed: '1', unchanged: '2' },
  );

  const hub = files.integrations.rows.find((r) => r.id === seeded.hubspot)!;
  t.equal(hub.name, '\'=HYPERLINK("http://evil.example","click")', 'a formula in a name is neutralised');
  t.equal(hub.hasClientSecret, 'true');
  t.notOk(
    files.integrations.header.some((h) =>
      /secret(?!Hint)|token|password|apiKey$/i.test(h.replace('hasClientSecret', '').replace('hasApiKey', '').replace('hasPassword', '')),
    ),
    'no secret column',
  );
  t.same(
    files.logs.rows.map((r) => r.message).sort(),
    FORMULAS.map((f) => `'${f}`).sort(),
    'log messages starting with = + - @ tab CR are neutralised',
  );
  t.same(JSON.parse(files.logs.rows[0].data), { status: 200, note: '@cmd' }, 'nested values are JSON text');
  t.same(files.syncs.rows[0].mappings, '[{"source":"email","target":"-email"}]', 'JSON text that starts with [ is left alone');
  const record = files.records.rows.find((r) => r.externalId === "'=1+1#0")!;
  t.ok(record, 'a formula in an external id is neutralised');
  t.same(
    JSON.parse(record.data),
    { email: 'p0@example.com', formula: "=cmd|' /C calc'!A0", i: 0 },
    'record data is the JSON of the record (its inner values stay as they are, inside one text cell)',
  );
  const failed = files.runs.rows.find((r) => r.error.includes('provider said no'))!;
  t.match(failed.error, /^'/, 'a run error starting with a formula character is neutralised');

  for (const [entity, file] of Object.entries(files)) {
    for (const row of file.rows) {
      for (const [column, cell] of Object.entries(row)) {
        if (/^[=+\-@\t\r]/.test(cell)) t.fail(`${entity}.${column} starts with a formula character: ${JSON.stringify(cell)}`);
      }
    }
  }
  t.pass('no cell of any file starts with = + - @ tab or CR');
});

t.test('CSV of several entities: a ZIP with one CSV per entity', async (t) => {
  const ctx = await createTestApp(t);
  await seed(ctx);
  const res = await get(ctx, 'admin@acme.test', 'format=csv&entities=records,runs,logs&startDate=2026-03-01&endDate=2026-03-03');
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/zip');
  t.equal(res.headers['content-disposition'], 'attachment; filename="linkyard-acme-2026-03-01-2026-03-03.zip"');
  const files = unzip(res.rawPayload);
  t.same([...files.keys()], ['runs.csv', 'logs.csv', 'records.csv'], 'one CSV per entity, in the canonical order');
  t.equal(csvObjects(files.get('runs.csv')!).rows.length, 3);
  t.equal(csvObjects(files.get('logs.csv')!).rows.length, 3);
  t.same(
    csvObjects(files.get('records.csv')!)
      .rows.map((r) => r.updatedAt)
      .sort(),
    ['2026-03-01T00:00:00.000Z', '2026-03-02T12:30:00.000Z', '2026-03-03T23:59:59.999Z'],
  );
  const [event] = await exportEvents(ctx);
  t.same(event.metadata, {
    outcome: 'completed',
    format: 'csv',
    entities: ['runs', 'logs', 'records'],
    startDate: '2026-03-01',
    endDate: '2026-03-03',
    rowCounts: { runs: 3, logs: 3, records: 3 },
  });
});

t.test('who may export: admins and the platform owner; viewers 403; other tenants 404', async (t) => {
  const ctx = await createTestApp(t);
  await seed(ctx);
  t.equal((await get(ctx, 'viewer@acme.test', 'format=json')).statusCode, 403, 'a viewer may not export');
  t.equal((await get(ctx, 'viewer@acme.test', 'format=xml')).statusCode, 400, 'bad input is a 400 whoever asks');
  t.equal((await get(ctx, 'admin@acme.test', 'format=csv&entities=runs')).statusCode, 200, 'an admin may');
  t.equal((await get(ctx, 'super@acme.test', 'format=csv&entities=runs')).statusCode, 200, 'a super admin may');
  const owner = await get(ctx, 'owner@linkyard.test', 'format=json');
  t.equal(owner.statusCode, 200, 'the platform owner may, for any organization');
  t.same(JSON.parse(owner.body).entities, [...ENTITIES]);
  t.equal((await get(ctx, 'owner@linkyard.test', 'format=json', 'globex')).statusCode, 200);
  t.equal((await get(ctx, 'admin@globex.test', 'format=json')).statusCode, 404, "another organization's admin: not found");
  t.equal((await get(ctx, 'admin@acme.test', 'format=json', 'globex')).statusCode, 404);
  t.equal((await ctx.app.inject({ url: exportUrl(ctx, 'format=json') })).statusCode, 401, 'anonymous: 401');
  t.equal(
    (
      await ctx.app.inject({
        method: 'HEAD',
        url: exportUrl(ctx, 'format=json'),
        headers: { authorization: await ctx.bearer('admin@acme.test') },
      })
    ).statusCode,
    404,
    'no HEAD route that would run an export for nothing',
  );
  const events = await exportEvents(ctx);
  t.same(
    events.map((e) => [e.actor_email, e.organization_id]),
    [
      ['admin@acme.test', ctx.orgs.acme],
      ['super@acme.test', ctx.orgs.acme],
      ['owner@linkyard.test', ctx.orgs.acme],
      ['owner@linkyard.test', ctx.orgs.globex],
    ],
    "each export is audited in the exported organization's trail, with who did it",
  );

  const suspended = await ctx.app.inject({
    method: 'PATCH',
    url: `/api/orgs/${ctx.orgs.globex}`,
    headers: { authorization: await ctx.bearer('owner@linkyard.test') },
    payload: { status: 'suspended' },
  });
  t.equal(suspended.statusCode, 200, 'globex suspended');
  t.equal(
    (await get(ctx, 'admin@globex.test', 'format=json', 'globex')).statusCode,
    403,
    'members of a suspended organization cannot export',
  );
  t.equal(
    (await get(ctx, 'owner@linkyard.test', 'format=json', 'globex')).statusCode,
    200,
    'the platform owner still can (read-only audit)',
  );
});

t.test('rate limit: a few exports a minute per user, then 429 with Retry-After', async (t) => {
  const ctx = await createTestApp(t);
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) statuses.push((await get(ctx, 'admin@acme.test', 'entities=integrations')).statusCode);
  t.same(statuses.slice(0, 10), Array(10).fill(200), 'ten exports in a minute');
  const limited = await get(ctx, 'admin@acme.test', 'entities=integrations');
  t.equal(limited.statusCode, 429);
  t.ok(Number(limited.headers['retry-after']) > 0, `Retry-After: ${limited.headers['retry-after']}`);
  t.equal((await get(ctx, 'super@acme.test', 'entities=integrations')).statusCode, 200, 'the limit is per user');
  t.equal((await exportEvents(ctx)).length, 11, 'refused exports are not audited as exports');
});

t.test('OpenAPI: the route, its query parameters and their allowed values are documented', async (t) => {
  const ctx = await createTestApp(t, { seed: false });
  const doc = (await ctx.app.inject({ url: '/openapi.json' })).json();
  const op = doc.paths['/api/orgs/{orgId}/export']?.get;
  t.ok(op, 'GET /api/orgs/{orgId}/export is in the document');
  const params = Object.fromEntries(
    (op.parameters as { name: string; in: string; description?: string; schema: Record<string, unknown> }[]).map((p) => [p.name, p]),
  );
  t.same(params.format.schema.enum, ['json', 'csv', 'pdf']);
  t.match(params.entities.description ?? params.entities.schema.description, /integrations, syncs, runs, logs, records, audit/);
  t.ok(params.startDate && params.endDate);
  t.ok(op.responses['200'].content['application/pdf'] && op.responses['200'].content['text/csv'], 'the file media types');
  t.ok(op.responses['403'] && op.responses['429']);
});

for (const format of ['json', 'csv']) {
  t.test(
    `a client that disconnects stops the export (${format}): the database is no longer read, and the export is audited as aborted`,
    async (t) => {
      const ctx = await createTestApp(t, { env: { LOG_LEVEL: 'info' } });
      const { hubspot } = await seed(ctx);
      const total = 60_000;
      // The records table of one integration, filled by Postgres itself.
      await sql`
    INSERT INTO records (organization_id, integration_id, resource, external_id, data, content_hash, updated_at)
    SELECT ${ctx.orgs.acme}::uuid, ${hubspot}::uuid, 'bulk', lpad(g::text, 8, '0'),
           jsonb_build_object('email', 'person' || g || '@example.com', 'n', g, 'padding', repeat('x', 200)), 'h', now()
      FROM generate_series(1, ${total}) AS g`.execute(ctx.database.db.kysely);

      // Count the database reads of records, to see them stop (on Postgres the CSV reads them with binary COPYs).
      let reads = 0;
      const records = EXPORTERS.records;
      const { fetch: fetchRecords, binaryCsv } = records;
      records.fetch = (tx, q) => {
        reads++;
        return fetchRecords(tx, q);
      };
      records.binaryCsv = binaryCsv && {
        ...binaryCsv,
        query: (q, chunk) => {
          reads++;
          return binaryCsv.query(q, chunk);
        },
      };
      t.teardown(() => {
        records.fetch = fetchRecords;
        records.binaryCsv = binaryCsv;
      });

      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = ctx.app.server.address() as { port: number };
      const authorization = await ctx.bearer('admin@acme.test');
      const received = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: `/api/orgs/${ctx.orgs.acme}/export?format=${format}&entities=records`,
            headers: { authorization },
          },
          (res) => {
            if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
            let bytes = 0;
            res.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              // A client that reads a little and then goes away, mid-download.
              if (bytes > 100_000) {
                req.destroy();
                resolve(bytes);
              }
            });
            res.on('end', () => reject(new Error('the whole export arrived; it should have been cut off')));
          },
        );
        req.on('error', () => {});
        req.end();
      });
      t.ok(received > 100_000, `read ${received} bytes, then disconnected`);

      let event: Awaited<ReturnType<typeof exportEvents>>[number] | undefined;
      await waitUntil(async () => !!(event = (await exportEvents(ctx))[0]), 'the aborted export to be audited');
      t.ok(event, 'the aborted export was audited');
      const metadata = event!.metadata as { outcome: string; rowCounts: { records: number } };
      t.equal(metadata.outcome, 'aborted');
      t.ok(metadata.rowCounts.records < total + 5, `stopped after ${metadata.rowCounts.records} of ${total + 5} records`);
      t.ok(metadata.rowCounts.records <= 20_000, 'backpressure held the export back: it read only a few chunks ahead of the client');
      const readsAtAbort = reads;
      await new Promise((r) => setTimeout(r, 500));
      t.equal(reads, readsAtAbort, `no read of the database after the abort (${reads} chunk reads in all)`);
      t.ok(reads * EXPORTERS.records.chunkSize < total, 'far fewer reads than the whole table needs');
      t.equal((await exportEvents(ctx)).length, 1, 'one audit event, not a second one when the stream winds down');
      t.ok(
        ctx.logs.some((l) => l.includes('export aborted')),
        'the server logged that it stopped',
      );
    },
  );
}
