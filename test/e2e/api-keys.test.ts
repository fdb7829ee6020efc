import t from 'tap';
import { startE2e, textOf, visit } from './harness.js';

const e2e = await startE2e(t);
const { base, ctx } = e2e;

t.test('a Super Admin creates an API key, copies its secret, and a system calls the API with it; revoked, it is refused', async (t) => {
  const page = await e2e.signedIn('super@acme.test');
  // The copy button writes to the clipboard; the test reads it back as the person would paste it.
  await page.browserContext().overridePermissions(base, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
  await visit(page, `${base}/orgs/${ctx.orgs.acme}/integrations`);
  await page.locator('nav[aria-label=Organization] ::-p-text(API keys)').click();
  await page.waitForSelector('#key-name');

  await page.locator('#key-name').fill('Warehouse loader');
  await page.select('#key-role', 'viewer');
  await page.locator('::-p-text(Create key)').click();
  const notice = await textOf(page, '[data-testid=api-key-secret]');
  t.match(notice, /you won’t see it again/i, 'the secret is shown once, and says so');
  await page.locator('[data-testid=api-key-secret] ::-p-aria([name="Copy"][role="button"])').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=api-key-secret]')?.textContent?.includes('Copied'));
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  t.match(secret, /^lyk_[A-Za-z0-9_-]{43}$/, 'the copied secret is the key');

  const url = `${base}/api/orgs/${ctx.orgs.acme}/integrations`;
  const used = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
  t.equal(used.status, 200, 'a system reads the organization with the key');
  t.ok(Array.isArray((await used.json()).items));

  await page.locator('[data-testid=api-key-secret] ::-p-aria([name="I have copied it"][role="button"])').click();
  await visit(page, `${base}/orgs/${ctx.orgs.acme}/api-keys`);
  const row = await textOf(page, '[data-api-key="Warehouse loader"]');
  t.match(row, /Viewer/);
  t.match(row, /Active/);
  t.notOk((await textOf(page, 'main')).includes(secret.slice(12)), 'the list never shows the secret');

  await page.locator('::-p-aria(Revoke Warehouse loader)').click();
  await page.locator('dialog[open] ::-p-text(Revoke key)').click();
  await page.waitForSelector('[data-api-key="Warehouse loader"][data-status=revoked]');
  const refused = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
  t.equal(refused.status, 401, 'revoked: refused at once');
  t.equal((await refused.json()).message, 'This API key was revoked');
});

t.test('the create form names the field at fault', async (t) => {
  const page = await e2e.signedIn('super@acme.test');
  await visit(page, `${base}/orgs/${ctx.orgs.acme}/api-keys`);
  await page.locator('::-p-text(Create key)').click();
  t.match(await textOf(page, '#key-name-error'), /name/i, 'an empty name is refused next to its input');
  t.equal(await page.$eval('#key-name', (el) => el.getAttribute('aria-invalid')), 'true');
});

t.test('only Super Admins see the API keys page', async (t) => {
  const admin = await e2e.signedIn('admin@acme.test');
  await visit(admin, `${base}/orgs/${ctx.orgs.acme}/integrations`);
  t.notMatch(await textOf(admin, 'nav[aria-label=Organization]'), /API keys/, 'no nav entry for an Admin');
  await visit(admin, `${base}/orgs/${ctx.orgs.acme}/api-keys`);
  t.match(await textOf(admin, 'main'), /Super Admin/, 'the page itself says who may use it');
});
