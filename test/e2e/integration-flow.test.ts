import t from 'tap';
import type { Page } from 'puppeteer-core';
import { waitUntil } from '../helpers/wait-until.js';
import { OAUTH_CLIENT, STRIPE_KEY, startE2e, textOf, visit } from './harness.js';

// Five flows through the UI one after another: the longest end-to-end file, so it relies on the harness's
// time limit (E2E_FILE_TIMEOUT_MS, set by startE2e) rather than .taprc's 120 s.
const e2e = await startE2e(t, { oidc: true });
const { base, ctx, oidc, stripe } = e2e;
const db = ctx.database.db.kysely;
const acme = ctx.orgs.acme;

async function fill(page: Page, selector: string, value: string) {
  await page.locator(selector).fill(value);
}

/**
 * The admin's tab, signed in through the form once for the file (session.test.ts tests the sign-in itself);
 * each admin test starts by navigating it, so none depends on where the previous one left it.
 */
let adminPage: Page | undefined;
const asAdmin = async () => (adminPage ??= await e2e.signedIn('admin@acme.test'));

/** Waits for the success toast of a mutation and returns its text. */
async function toast(page: Page) {
  const el = await page.waitForSelector('[data-toast]');
  return await el!.evaluate((n) => `${n.getAttribute('data-toast')}: ${(n as HTMLElement).innerText}`);
}

t.test('an admin creates a Custom API integration and connects it through the OAuth server', async (t) => {
  const page = await asAdmin();
  await visit(page, `${base}/orgs/${acme}/integrations/new`);
  await Promise.all([page.waitForNavigation(), page.locator(`a[href$="/integrations/new/custom"]`).click()]);
  t.match(await textOf(page, 'main'), new RegExp(`${base}/api/oauth/callback`), 'the callback URL to register is shown');

  await fill(page, '#field-name', 'CRM via OAuth');
  await fill(page, '#field-clientId', OAUTH_CLIENT.clientId);
  await fill(page, '#field-clientSecret', OAUTH_CLIENT.clientSecret);
  await fill(page, '#field-scopes', 'openid email');
  await fill(page, '#field-settings-authorizationUrl', oidc.url('/auth'));
  await fill(page, '#field-settings-tokenUrl', oidc.url('/token'));
  await fill(page, '#field-settings-apiBaseUrl', oidc.issuer);
  await fill(page, '#field-settings-listPath', '/me');
  await Promise.all([page.waitForNavigation(), page.locator('::-p-text(Create, then connect)').click()]);

  const created = await db
    .selectFrom('integrations')
    .select(['id', 'status'])
    .where('name', '=', 'CRM via OAuth')
    .executeTakeFirstOrThrow();
  t.equal(new URL(page.url()).pathname, `/orgs/${acme}/integrations/${created.id}`, 'lands on the new integration');
  t.equal(created.status, 'INACTIVE');
  t.notOk((await page.content()).includes(OAUTH_CLIENT.clientSecret), 'the client secret is not in the page');

  // Connect: the browser goes to the authorization server, signs in there and comes back through the callback.
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.locator('button::-p-text(Connect)').click()]);
  await page.waitForFunction(() => location.search.includes('connected=1'));
  t.equal(new URL(page.url()).pathname, `/orgs/${acme}/integrations/${created.id}`, 'back on the integration page');
  const after = await db.selectFrom('integrations').select('status').where('id', '=', created.id).executeTakeFirstOrThrow();
  t.equal(after.status, 'ACTIVE', 'the integration is connected');
  t.equal(oidc.tokenRequests.authorization_code, 1, 'one code exchange with the authorization server');
  t.match(await textOf(page, 'main'), /ACTIVE/);
  t.notOk((await page.content()).includes(OAUTH_CLIENT.clientSecret), 'still no secret in the page');
});

/** A Stripe integration (API key) pointed at the fake Stripe API, with one manual sync of customers. */
async function stripeWithSync() {
  const auth = { authorization: await ctx.bearer('admin@acme.test') };
  const integration = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${acme}/integrations`,
    headers: auth,
    payload: {
      provider: 'stripe',
      name: 'Stripe payments',
      apiKey: STRIPE_KEY,
      settings: { apiBaseUrl: stripe.templateValues.apiBaseUrl },
    },
  });
  if (integration.statusCode !== 201) throw new Error(integration.body);
  const id = integration.json().id as string;
  const sync = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${acme}/integrations/${id}/syncs`,
    headers: auth,
    payload: { resource: 'customers', mode: 'full', schedule: null },
  });
  if (sync.statusCode !== 201) throw new Error(sync.body);
  return { id, syncId: sync.json().id as string, page: `${base}/orgs/${acme}/integrations/${id}` };
}

const stripeIntegration = await stripeWithSync();

t.test('an admin sets a schedule and sees it described with its next runs', async (t) => {
  const page = await asAdmin();
  await visit(page, `${stripeIntegration.page}/syncs`);
  const frequency = await page.waitForSelector('::-p-aria(Frequency)');
  const weekdays = await frequency!.$$eval('option', (os) => os.find((o) => /weekday/i.test(o.textContent ?? ''))?.value);
  await frequency!.select(weekdays!);
  // A time input's segments depend on the browser's locale; set its value the way the browser does after editing.
  await (await page.waitForSelector('::-p-aria(Time)'))!.evaluate((input) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, '09:30');
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const tz = await page.waitForSelector('::-p-aria(Timezone)');
  await tz!.select('Europe/Berlin');
  await page
    .waitForFunction(() => /weekday at 09:30/i.test(document.body.innerText) && /Europe\/Berlin/.test(document.body.innerText))
    .catch(async (err) => {
      await page.screenshot({ path: '/tmp/e2e-schedule.png', fullPage: true });
      console.error(await textOf(page, 'main'));
      throw err;
    });
  await page.waitForFunction(() => {
    const runs = [...document.querySelectorAll('[data-next-runs] li')].map((li) => li.textContent ?? '');
    return runs.length === 5 && runs.every((r) => r.includes('09:30'));
  });
  const nextRuns = await page.$$eval('[data-next-runs] li', (lis) => lis.map((li) => li.textContent ?? ''));
  t.equal(nextRuns.length, 5, 'the next 5 run times are listed');
  t.notOk(
    nextRuns.some((r) => /^(Sat|Sun)/.test(r)),
    'on weekdays only',
  );
  await page.locator('::-p-text(Save schedule)').click();
  t.match(await toast(page), /^success/);
  const sync = await db
    .selectFrom('syncs')
    .select(['cron', 'timezone'])
    .where('id', '=', stripeIntegration.syncId)
    .executeTakeFirstOrThrow();
  t.same(sync, { cron: '30 9 * * 1-5', timezone: 'Europe/Berlin' }, 'the schedule is saved');
});

t.test('an admin edits a mapping and sees the preview', async (t) => {
  const page = await asAdmin();
  await visit(page, `${stripeIntegration.page}/mappings`);
  await page.locator('::-p-text(Add the first field)').click();
  await fill(page, '::-p-aria(Source path (field 1))', 'email');
  await fill(page, '::-p-aria(Target field (field 1))', 'contactEmail');
  const transform = await page.waitForSelector('::-p-aria(Transform (field 1))');
  await transform!.select('uppercase');
  await fill(page, '#sample-record', JSON.stringify({ id: 'cus_1', email: 'ada@example.com' }));
  await page.waitForFunction(() => document.querySelector('[data-preview-output]')?.textContent?.includes('ADA@EXAMPLE.COM'));
  t.pass('the preview shows the transformed value');

  await page.locator('button::-p-text(Save mappings)').click();
  t.match(await toast(page), /^success/);
  const fromApi = await ctx.app.inject({
    method: 'GET',
    url: `/api/orgs/${acme}/syncs/${stripeIntegration.syncId}`,
    headers: { authorization: await ctx.bearer('admin@acme.test') },
  });
  t.match(fromApi.json().mappings[0], { source: 'email', target: 'contactEmail', transform: 'uppercase' }, 'the mapping is saved');
});

t.test('an admin runs a sync and sees it in history and logs', async (t) => {
  const page = await asAdmin();
  await visit(page, `${stripeIntegration.page}/syncs`);
  await page.locator('button::-p-text(Run now)').click();
  t.match(await toast(page), /^success/);
  let run: { id: string; status: string } | undefined;
  await waitUntil(async () => {
    run = await db
      .selectFrom('sync_runs')
      .select(['id', 'status'])
      .where('sync_id', '=', stripeIntegration.syncId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return run?.status === 'succeeded' || run?.status === 'failed' || run?.status === 'cancelled';
  }, 'the run to finish');
  t.equal(run?.status, 'succeeded', 'the run succeeded');

  await visit(page, `${stripeIntegration.page}/history`);
  const history = await textOf(page, 'main');
  t.match(history, /succeeded/);
  t.match(history, /120/, 'fetched 120 records');
  t.ok(await page.$('[data-testid=runs-chart] svg'), 'the runs chart is drawn');

  await Promise.all([page.waitForNavigation(), page.locator(`a[href$="logs?runId=${run!.id}"]`).click()]);
  const logs = await textOf(page, 'main');
  t.match(logs, /GET/, 'provider requests are logged');
  t.notOk(logs.includes(STRIPE_KEY), 'the API key is not in the logs');

  const records = await db
    .selectFrom('records')
    .select('data')
    .where('integration_id', '=', stripeIntegration.id)
    .limit(1)
    .executeTakeFirstOrThrow();
  t.match(records.data, { contactEmail: /^[^a-z]*$/ }, 'records were stored through the mapping');

  await visit(page, `${stripeIntegration.page}/records`);
  const actions = await page.$$eval('main [data-action]', (els) => els.map((e) => e.getAttribute('data-action')));
  t.ok(
    actions.length > 0 && actions.every((a) => a === 'added'),
    "the records browser shows each record's latest change: added by the run",
  );
});

t.test('a viewer sees no edit controls, and a forged form post is refused', async (t) => {
  const page = await e2e.signedIn('viewer@acme.test');
  const controls = ['Add integration', 'Sync all', 'Save schedule', 'Run now', 'Save mappings', 'Delete', 'Pause', 'Connect'];
  for (const path of ['', '/syncs', '/mappings', '/settings']) {
    await visit(page, `${stripeIntegration.page}${path}`);
    const buttons = await page.$$eval('main button:not([disabled]), main a', (els) => els.map((e) => (e as HTMLElement).innerText.trim()));
    for (const c of controls)
      t.notOk(
        buttons.some((b) => b.startsWith(c)),
        `${path || 'overview'}: no "${c}" control`,
      );
  }
  await visit(page, `${base}/orgs/${acme}/integrations`);
  t.notOk(await page.$('::-p-text(Add integration)'), 'no "Add integration" on the list');

  // The viewer builds the form the admin would have and submits it: the API refuses it.
  await visit(page, `${stripeIntegration.page}/settings`);
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = `${location.pathname}`;
    const intent = document.createElement('input');
    intent.name = 'intent';
    intent.value = 'pause';
    form.append(intent);
    document.body.append(form);
    form.submit();
  });
  await page.waitForNavigation();
  t.match(await textOf(page, 'body'), /Not allowed/, 'the page says the action is not allowed');
  const status = await db.selectFrom('integrations').select('status').where('id', '=', stripeIntegration.id).executeTakeFirstOrThrow();
  t.not(status.status, 'PAUSED', 'the integration was not paused');
});
