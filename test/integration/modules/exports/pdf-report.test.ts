/**
 * The PDF report (issue 6): rendered by the real Chromium, read back with pdftotext. Its figures match the
 * data, its tables are capped with a note, text is escaped, and the page can neither run scripts nor
 * reach the network.
 */
import { createServer, type Server } from 'node:http';
import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { createPdfRenderer } from '../../../../server/src/modules/exports/pdf-browser.js';
import { createTestApp } from '../../../helpers/app.js';
import { seedExportData } from '../../../helpers/export-data.js';
import { pdfText } from '../../../helpers/export-files.js';

/** A local server that counts every request it gets: the report page must send it none. */
async function beacon(t: Test): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('x');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits };
}

t.test('a PDF report with the organization, range, figures, chart, health, failures and capped tables', async (t) => {
  const ctx = await createTestApp(t);
  const seeded = await seedExportData(ctx);
  const spy = await beacon(t);
  const db = ctx.database.db.kysely;
  // 520 log lines on 2026-03-02 (more than a table shows), one of them trying to load an image.
  await sql`
    INSERT INTO sync_logs (id, organization_id, run_id, integration_id, sync_id, at, level, message)
    SELECT gen_random_uuid(), ${ctx.orgs.acme}::uuid, (SELECT id FROM sync_runs WHERE organization_id = ${ctx.orgs.acme}::uuid ORDER BY created_at LIMIT 1),
           ${seeded.hubspot}::uuid, ${seeded.syncId}::uuid, '2026-03-02T08:00:00Z'::timestamptz + g * interval '1 second', 'info',
           CASE WHEN g = 520 THEN ${`<img src="${spy.url}/leak">`} ELSE 'page ' || g || ' fetched' END
      FROM generate_series(1, 520) AS g`.execute(db);

  const res = await ctx.app.inject({
    url: `/api/orgs/${ctx.orgs.acme}/export?format=pdf&startDate=2026-03-01&endDate=2026-03-03`,
    headers: { authorization: await ctx.bearer('admin@acme.test') },
  });
  t.equal(res.statusCode, 200, 'an admin gets a PDF');
  t.equal(res.headers['content-type'], 'application/pdf');
  t.equal(res.headers['content-disposition'], 'attachment; filename="linkyard-acme-2026-03-01-2026-03-03.pdf"');
  t.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
  const text = await pdfText(res.rawPayload);
  const flat = text.replace(/\s+/g, ' ');

  t.ok(/Acme/.test(flat), 'the organization');
  t.ok(/Range: 2026-03-01 to 2026-03-03 \(UTC days, inclusive\)/.test(flat), 'the range');
  t.ok(/Generated \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC by admin@acme\.test/.test(flat), 'when and by whom');
  // The summary figures: one table row per line, as laid out on the page.
  const lines = (await pdfText(res.rawPayload, { layout: true })).split('\n').map((l) => l.trim().replace(/\s+/g, ' '));
  const figure = (line: string, what: string) => t.ok(lines.includes(line), `${what}: "${line}"`);
  figure('Runs 3 2 succeeded · 1 failed', 'run counts of the range (boundary runs included, neighbours not)');
  figure('Success rate 67% of finished runs', 'success rate');
  figure('Failed runs 1', 'failed runs');
  figure('Records changed 3', 'records changed in the range');
  figure('Log entries 523 1 errors · 0 warnings', 'log entries by level');
  figure('Integrations 2 0 active · 0 in error', 'integrations by health');
  t.ok(/Runs per day by status/.test(flat), 'the chart');
  for (const day of ['03-01', '03-02', '03-03']) t.ok(flat.includes(day), `the chart has a bar label for ${day}`);
  t.ok(/Integrations and their health/.test(flat), 'the health section');
  t.ok(/Stripe <b>Payments<\/b>/.test(flat), 'names are escaped text, not markup');
  t.ok(/=HYPERLINK\("http:\/\/evil\.example","click"\)/.test(flat), 'a formula-looking name as it is (PDFs are not spreadsheets)');
  t.ok(/Recent failures .*\+1\+1 provider said no/.test(flat), 'a failure with its reason');
  t.ok(/Showing the newest 500 of 523 rows; export as CSV to get all of them\./.test(flat), 'the logs table is capped with a note');
  t.ok(/<img src="http:\/\/127\.0\.0\.1:\d+\/leak">/.test(flat), 'markup in a log message is shown as text');
  t.ok(
    text
      .replace(/\s+/g, '')
      .includes(
        `GET/api/orgs/${ctx.orgs.acme}/export?format=csv&entities=integrations,syncs,runs,logs,records,audit&startDate=2026-03-01&endDate=2026-03-03`,
      ),
    'how to get everything as CSV',
  );
  const pages = text.split('\f').filter((p) => p.trim());
  t.ok(pages.length > 2, `${pages.length} pages`);
  t.match(pages[0], /Linkyard · Acme \(acme\)/, 'a header on the first page');
  t.match(pages[pages.length - 1], new RegExp(`Page ${pages.length} of ${pages.length}`), 'page numbers in the footer');
  t.match(pages[1], new RegExp(`Page 2 of ${pages.length}`));
  t.same(spy.hits, [], 'the report made no network request');

  const events = await db.selectFrom('audit_events').selectAll().where('action', '=', 'organization.exported').execute();
  t.equal(events.length, 1);
  t.same(
    events[0].metadata,
    {
      outcome: 'completed',
      format: 'pdf',
      entities: ['integrations', 'syncs', 'runs', 'logs', 'records', 'audit'],
      startDate: '2026-03-01',
      endDate: '2026-03-03',
      rowCounts: { integrations: 0, syncs: 0, runs: 3, logs: 523, records: 3, audit: 0 },
      truncated: ['logs'],
    },
    'audited with the rows the report covers and which tables were capped',
  );

  const empty = await ctx.app.inject({
    url: `/api/orgs/${ctx.orgs.acme}/export?format=pdf&entities=runs&startDate=2020-01-01&endDate=2020-01-01`,
    headers: { authorization: await ctx.bearer('owner@linkyard.test') },
  });
  t.equal(empty.statusCode, 200, 'the platform owner gets a report of an empty range');
  const emptyText = (await pdfText(empty.rawPayload)).replace(/\s+/g, ' ');
  t.ok(/No runs in this range/.test(emptyText), 'an empty chart says so');
  t.ok(/Runs 0 rows .*Nothing in this range\./.test(emptyText), 'an empty table says so');
  t.ok(/by owner@linkyard\.test/.test(emptyText), 'generated by the platform owner');
});

t.test('the report page runs no script and reaches no network, whatever the HTML asks for', async (t) => {
  const spy = await beacon(t);
  const renderer = createPdfRenderer();
  t.teardown(() => renderer.close());
  const pdf = await renderer.render({
    html: `<!doctype html><html><head><link rel="stylesheet" href="${spy.url}/style.css"><style>@import url("${spy.url}/import.css");</style></head>
      <body><p>static text</p><img src="${spy.url}/img.png"><iframe src="${spy.url}/frame"></iframe>
      <script>document.body.insertAdjacentText('beforeend', 'SCRIPT RAN'); fetch('${spy.url}/fetch');</script>
      <object data="${spy.url}/object"></object><video src="${spy.url}/video"></video></body></html>`,
    headerTemplate: '<span></span>',
    footerTemplate: '<span style="font-size:8px">Page <span class="pageNumber"></span></span>',
  });
  const text = await pdfText(pdf);
  t.match(text, /static text/);
  t.notMatch(text, /SCRIPT RAN/, 'JavaScript is off');
  t.same(spy.hits, [], 'no request reached the network');

  // The browser stays warm: a second report reuses it.
  const again = await renderer.render({ html: '<p>second</p>', headerTemplate: '<span></span>', footerTemplate: '<span></span>' });
  t.match(await pdfText(again), /second/);

  const aborted = new AbortController();
  const rendering = renderer.render(
    { html: '<p>never</p>', headerTemplate: '<span></span>', footerTemplate: '<span></span>' },
    aborted.signal,
  );
  aborted.abort();
  await t.rejects(rendering, { name: 'RenderAborted' }, 'a report whose client went away stops rendering');
});
