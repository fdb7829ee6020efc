import t from 'tap';
import type { Page } from 'puppeteer-core';
import { startE2e, textOf, visit } from './harness.js';

const e2e = await startE2e(t);
const { base, ctx } = e2e;
const orgStatus = async (slug: string) =>
  (await ctx.database.db.kysely.selectFrom('organizations').select('status').where('slug', '=', slug).executeTakeFirstOrThrow()).status;

/** Clicks a row's Suspend/Reactivate button, confirms in the dialog and waits for the table to say so. */
async function toggle(page: Page, name: string, verb: 'Suspend' | 'Reactivate', expected: string) {
  await page.locator(`::-p-aria(${verb} ${name})`).click();
  await page.locator(`dialog[open] ::-p-text(${verb} organization)`).click();
  await page.waitForFunction(
    (slug, want) => document.querySelector(`[data-tenant="${slug}"]`)?.textContent?.includes(want),
    {},
    name.toLowerCase(),
    expected,
  );
}

t.test('the platform owner suspends and reactivates a tenant', async (t) => {
  const owner = await e2e.signedIn('owner@linkyard.test');
  t.equal(new URL(owner.url()).pathname, '/platform');
  t.match(await textOf(owner, '[data-tenant=globex]'), /Globex/);
  t.match(await textOf(owner, '[data-tenant=globex]'), /active/);

  await toggle(owner, 'Globex', 'Suspend', 'suspended');
  t.equal(await orgStatus('globex'), 'suspended', 'the organization is suspended in the database');
  t.equal(await orgStatus('acme'), 'active', 'other tenants are untouched');

  const member = await e2e.signedIn('admin@globex.test');
  await visit(member, `${base}/orgs/${ctx.orgs.globex}/integrations`);
  t.match(await textOf(member, 'main'), /suspended/i, "the tenant's own admin is told the organization is suspended");

  await toggle(owner, 'Globex', 'Reactivate', 'active');
  t.equal(await orgStatus('globex'), 'active', 'reactivated');
  await visit(member, `${base}/orgs/${ctx.orgs.globex}/integrations`);
  t.match(await textOf(member, 'h1'), /Integrations/, 'the admin works again');

  const audit = await ctx.database.db.kysely
    .selectFrom('audit_events')
    .select('action')
    .where('organization_id', '=', ctx.orgs.globex)
    .where('action', 'like', 'organization.%')
    .execute();
  t.ok(audit.length >= 2, 'both changes are in the audit trail');
});

t.test('the platform owner verifies the audit chain', async (t) => {
  const owner = await e2e.signedIn('owner@linkyard.test');
  await owner.locator('::-p-text(Verify audit chain)').click();
  await owner.waitForFunction(() => /intact|broken/i.test(document.body.innerText));
  t.match(await textOf(owner, 'main'), /intact/i);
});

t.test("a refused organization shows the API's message next to the input it names, then a valid one empties the form", async (t) => {
  const owner = await e2e.signedIn('owner@linkyard.test');
  await visit(owner, `${base}/platform`);
  await owner.locator('#org-name').fill('Acme Again');
  await owner.locator('#org-slug').fill('acme');
  await owner.locator('#org-superAdminEmail').fill('boss@acme-again.test');
  await owner.locator('::-p-text(Create organization)').click();
  // The API's 409 names the slug in its `field`; the form puts the message there, not above the form.
  t.match(await textOf(owner, '#org-slug-error'), /slug "acme" is already taken/);
  t.equal(await owner.$eval('#org-slug', (el) => el.getAttribute('aria-invalid')), 'true', 'the slug is marked invalid');
  t.equal(await owner.$eval('#org-slug', (el) => el.getAttribute('aria-describedby')), 'org-slug-error', 'and described by its error');
  t.equal(await owner.$('#org-name-error'), null, 'the other inputs are not');
  t.equal(await owner.$eval('#org-name', (el) => (el as HTMLInputElement).value), 'Acme Again', 'what was typed stays');

  await owner.locator('#org-slug').fill('acme-again');
  await owner.locator('::-p-text(Create organization)').click();
  await owner.waitForSelector('[data-toast=success]');
  t.match(await textOf(owner, '[data-toast=success]'), /Created Acme Again/);
  await owner.waitForFunction(() => (document.querySelector('#org-name') as HTMLInputElement | null)?.value === '');
  t.equal(await owner.$eval('#org-slug', (el) => (el as HTMLInputElement).value), '', 'a created organization empties the form');
  t.equal(await owner.$('#org-slug-error'), null, 'and its error is gone');
});

t.test('an organization admin cannot open the platform console', async (t) => {
  const admin = await e2e.signedIn('admin@acme.test');
  await visit(admin, `${base}/platform`);
  t.match(await textOf(admin, 'body'), /Not allowed|Not found/);
  t.notMatch(await textOf(admin, 'body'), /Globex/, 'no tenant is listed');
});

t.test('the platform owner deletes an organization after typing its slug', async (t) => {
  const headers = { authorization: await ctx.bearer('owner@linkyard.test') };
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/orgs',
    headers,
    payload: { name: 'Doomed Corp', slug: 'doomed', superAdminEmail: 'boss@doomed.test' },
  });
  t.equal(created.statusCode, 201);
  const owner = await e2e.signedIn('owner@linkyard.test');
  await visit(owner, `${base}/platform`);
  await owner.locator('::-p-aria(Delete Doomed Corp)').click();
  const dialog = 'dialog[open][data-delete-org=doomed]';
  await owner.waitForSelector(dialog);
  const confirmDisabled = () => owner.$eval(`${dialog} button.bg-red-600`, (el) => (el as HTMLButtonElement).disabled);
  t.ok(await confirmDisabled(), 'nothing typed: the delete button is disabled');
  await owner.locator(`${dialog} input[name=confirm]`).fill('Doomed Corp');
  t.ok(await confirmDisabled(), 'the name is not the slug');
  await owner.locator(`${dialog} input[name=confirm]`).fill('doomed');
  t.notOk(await confirmDisabled(), 'the slug typed: it may be pressed');
  await owner.locator(`${dialog} ::-p-text(Delete organization)`).click();
  await owner.waitForSelector('[data-toast=success]');
  t.match(await textOf(owner, '[data-toast=success]'), /Doomed Corp is deleted/);
  await owner.waitForFunction(() => !document.querySelector('[data-tenant=doomed]'));
  t.notOk(
    await ctx.database.db.kysely.selectFrom('organizations').select('id').where('slug', '=', 'doomed').executeTakeFirst(),
    'the organization is gone from the database',
  );
  t.match(await textOf(owner, '[data-tenant=globex]'), /Globex/, 'the others stay');
});
