import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { waitUntil } from '../helpers/wait-until.js';
import { STRIPE_KEY, startE2e, textOf, visit } from './harness.js';

const e2e = await startE2e(t);
const { base, ctx, stripe } = e2e;
const acme = ctx.orgs.acme;

// An integration whose name a spreadsheet would run as a formula, and whose API key must never be exported.
const created = await ctx.app.inject({
  method: 'POST',
  url: `/api/orgs/${acme}/integrations`,
  headers: { authorization: await ctx.bearer('admin@acme.test') },
  payload: {
    provider: 'stripe',
    name: '=HYPERLINK("https://evil.example","Stripe")',
    apiKey: STRIPE_KEY,
    settings: { apiBaseUrl: stripe.templateValues.apiBaseUrl },
  },
});
if (created.statusCode !== 201) throw new Error(created.body);

async function waitForFile(dir: string): Promise<string> {
  let done: string[] = [];
  await waitUntil(() => (done = readdirSync(dir).filter((f) => !f.endsWith('.crdownload'))).length > 0, 'the download to complete');
  return path.join(dir, done[0]);
}

t.test('an admin downloads a CSV of the integrations from the Exports panel', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  const downloads = mkdtempSync(path.join(tmpdir(), 'linkyard-e2e-downloads-'));
  const cdp = await page.createCDPSession();
  // Each tab has a browser context of its own (its own cookies): downloads are allowed for that context.
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, browserContextId: page.browserContext().id });

  await visit(page, `${base}/orgs/${acme}/exports`);
  await page.locator('input[name=format][value=csv]').click();
  for (const entity of ['syncs', 'runs', 'logs', 'records', 'audit']) await page.locator(`input[name=entities][value=${entity}]`).click();
  await page.locator('button::-p-text(Download CSV)').click();

  const file = await waitForFile(downloads);
  t.match(path.basename(file), /^linkyard-acme-beginning-\d{4}-\d{2}-\d{2}\.csv$/, 'one entity gives one CSV file');
  const csv = readFileSync(file, 'utf8');
  t.ok(csv.startsWith('\uFEFF'), 'with a byte order mark for spreadsheets');
  t.match(csv, /"'=HYPERLINK\(""https:\/\/evil\.example""/, 'the formula is neutralised');
  t.notOk(csv.includes(STRIPE_KEY), 'the API key is not exported');

  const audit = await ctx.database.db.kysely
    .selectFrom('audit_events')
    .select(['action', 'metadata'])
    .where('organization_id', '=', acme)
    .where('action', '=', 'organization.exported')
    .execute();
  t.equal(audit.length, 1, 'the export is in the audit trail');
  t.match(audit[0].metadata, { format: 'csv', entities: ['integrations'] });
});

t.test('an empty selection is caught on the page, not sent', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, `${base}/orgs/${acme}/exports`);
  await page.locator('::-p-text(Clear)').click();
  await page.locator('button::-p-text(Download)').click();
  await page.waitForSelector('[role=alert]');
  t.match(await textOf(page, 'main'), /at least one/i);
});

t.test('a viewer has no Exports tab and the page says exports are not available', async (t) => {
  const page = await e2e.signedIn('viewer@acme.test');
  t.notOk(await page.$(`nav a[href="/orgs/${acme}/exports"]`), 'no tab');
  await visit(page, `${base}/orgs/${acme}/exports`);
  t.match(await textOf(page, 'main'), /not available for your role/i);
});
