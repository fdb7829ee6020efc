import t from 'tap';
import { waitUntil } from '../helpers/wait-until.js';
import { clickAndWait, STRIPE_KEY, startE2e, textOf, visit } from './harness.js';

// Two-way sync end to end: an Admin makes a Stripe customers sync bidirectional with the "Ask me" strategy in the UI,
// a record is changed on both sides (in Linkyard through the records browser's edit and push, at the fake Stripe
// directly), the push opens a conflict, and the Admin resolves it field by field on the Conflicts page; the fake's
// record then has our name and the provider's email.
const e2e = await startE2e(t);
const { base, ctx, stripe } = e2e;
const acme = ctx.orgs.acme;

t.test('a record changed on both sides becomes a conflict, resolved field by field in the UI', async (t) => {
  const auth = { authorization: await ctx.bearer('admin@acme.test') };
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await ctx.app.inject({ method: method as 'GET', url, headers: auth, ...(body ? { payload: body as object } : {}) });
    return res.json();
  };
  const integration = await api('POST', `/api/orgs/${acme}/integrations`, {
    provider: 'stripe',
    name: 'Stripe two-way',
    apiKey: STRIPE_KEY,
    settings: { apiBaseUrl: stripe.templateValues.apiBaseUrl },
  });
  const sync = await api('POST', `/api/orgs/${acme}/integrations/${integration.id}/syncs`, { resource: 'customers', mode: 'full' });
  const integrationBase = `${base}/orgs/${acme}/integrations/${integration.id}`;

  // The Admin makes the sync two-way and asks to be asked about conflicts.
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, `${integrationBase}/syncs`);
  const direction = `#sync-${sync.id}-twoway-direction`;
  await page.select(direction, 'bidirectional');
  t.match(await textOf(page, '[data-two-way-editor]'), /Unsaved changes/, 'the unsaved choice is flagged');
  await page.locator('[data-two-way-editor] input[name=conflictResolution][value=manual]').click();
  await page.locator('button::-p-text(Save two-way settings)').click();
  await page.waitForSelector('[data-two-way-editor] [data-toast=success]');
  t.match(await api('GET', `/api/orgs/${acme}/syncs/${sync.id}`), { direction: 'bidirectional', conflictResolution: 'manual' });

  // The first pull, run from the UI, gives Linkyard its base version of every customer.
  await page.locator('button::-p-text(Run now)').click();
  await page.waitForSelector('[data-toast=success]');
  await waitUntil(
    async () => (await api('GET', `/api/orgs/${acme}/runs?syncId=${sync.id}&status=succeeded`)).items.length === 1,
    'the first pull succeeds',
    60_000,
  );

  // One customer changes at the provider: its name and email.
  await visit(page, `${integrationBase}/records`);
  const id = await page.$eval('[data-record]', (row) => row.getAttribute('data-record')!);
  stripe.modify(id, { name: 'Name at Stripe', email: 'stripe-side@example.com' });

  // And in Linkyard: the Admin edits its name and pushes the change.
  await page.locator(`[data-record="${id}"] button::-p-text(Edit)`).click();
  const editor = `[data-record-editor="${id}"]`;
  await page.locator(`${editor} input[data-field=name]`).fill('Name in Linkyard');
  t.match(await textOf(page, editor), /1 field changed/);
  await page.locator(`${editor} button::-p-text(Push to the provider)`).click();
  await page.waitForSelector('[data-pushed-run]');
  await clickAndWait(page, '[data-pushed-run]');

  // The push run's page shows the write as a conflict and counts it.
  await page.waitForFunction(() => document.querySelector('[data-run-summary]')?.getAttribute('data-run-summary') === 'succeeded', {
    timeout: 60_000, // the run page refreshes itself while the run is active
  });
  await page.waitForSelector('[data-write=conflict]');
  t.match(await textOf(page, '[data-write=conflict]'), new RegExp(`Update conflict ${id}`));
  t.match(await textOf(page, '[data-count=conflicts]'), /^1 conflicts$/);
  t.match(stripe.record(id)?.data, { name: 'Name at Stripe' }, 'nothing was written to the provider');

  // The Conflicts page lists it (with the open count in the navigation); the Admin reviews it.
  await visit(page, `${base}/orgs/${acme}/conflicts`);
  await page.waitForSelector('[data-open-conflicts="1"]');
  await clickAndWait(page, `[data-conflict="${id}"] a`);
  await page.waitForSelector('[data-conflict-diff]');
  t.match(
    await textOf(page, '[data-field=name]'),
    /name changed on both sides Customer \d+ Name in Linkyard \(changed\) Name at Stripe \(changed\)/,
  );
  t.equal(await page.$eval('[data-field=email] td[data-label=Theirs]', (cell) => cell.hasAttribute('data-changed')), true);
  t.equal(await page.$eval('[data-field=email] td[data-label=Ours]', (cell) => cell.hasAttribute('data-changed')), false);
  t.match(await textOf(page, '[data-resolve-summary]'), /Choose what to keep for name/, 'a field changed on both sides needs a choice');
  t.equal(await page.$eval('button::-p-text(Resolve)', (b) => (b as HTMLButtonElement).disabled), true);

  // Field by field: our name, the provider's email (already chosen: only the provider changed it).
  await page.locator('input[name="keep-name"][value=local]').click();
  t.match(await textOf(page, '[data-resolve-summary]'), /writes the chosen fields/);
  await page.locator('button::-p-text(Resolve)').click();
  await page.waitForSelector('[data-resolved]');
  t.match(await textOf(page, '[data-resolved]'), /by admin@acme\.test: the fields chosen one by one were written to the provider/);

  // The provider's record now has both changes.
  t.match(stripe.record(id)?.data, { name: 'Name in Linkyard', email: 'stripe-side@example.com' });

  // Resolving it again (a second tab that still shows it open) is refused with a sentence.
  const again = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${acme}/conflicts/${page.url().split('/').pop()}/resolve`,
    headers: auth,
    payload: { resolution: 'local' },
  });
  t.equal(again.statusCode, 409);
});
