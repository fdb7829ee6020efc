import t from 'tap';
import { startE2e, textOf, visit } from './harness.js';

const e2e = await startE2e(t);
const { base, ctx } = e2e;
const settingsOf = (slug: string) =>
  ctx.database.db.kysely
    .selectFrom('organizations')
    .select(['name', 'default_timezone', 'retention_logs_days', 'retention_runs_days'])
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow();

t.test('a Super Admin renames the organization and changes its retention; it is saved and shown again', async (t) => {
  const page = await e2e.signedIn('super@acme.test');
  const url = `${base}/orgs/${ctx.orgs.acme}/settings`;
  await visit(page, url);
  t.match(await textOf(page, 'h1'), /Organization settings/);

  // Out of bounds: the field says why, Save waits, and fixing the value clears the message.
  await page.locator('#retention-logsDays').fill('0');
  await page.locator('#org-name').fill('Acme Industries');
  await page.waitForSelector('#retention-logsDays-error');
  t.match(await textOf(page, '#retention-logsDays-error'), /Logs must be kept from 1 to 3650 days/);
  t.equal(await page.$eval('#retention-logsDays', (el) => el.getAttribute('aria-invalid')), 'true', 'the input is marked invalid');
  t.ok(
    await page.$eval('[data-testid=org-settings] button[type=submit]', (el) => (el as HTMLButtonElement).disabled),
    'Save is disabled while a field is wrong',
  );
  await page.locator('#retention-logsDays').fill('14');
  await page.waitForFunction(() => !document.querySelector('#retention-logsDays-error'));
  t.equal(await page.$eval('#retention-logsDays', (el) => el.getAttribute('aria-invalid')), null, 'fixed, the mark goes');
  t.match(await textOf(page, '[data-testid=name-counter]'), /15 \/ 120/, 'the name counts its characters against the limit');

  await page.locator('#retention-runsDays').fill('400');
  await page.select('#org-timezone', 'Europe/Berlin');
  await page.locator('button ::-p-text(Save settings)').click();
  await page.waitForSelector('[data-toast=success]');
  t.match(await textOf(page, '[data-toast=success]'), /saved/);
  t.same(
    await settingsOf('acme'),
    { name: 'Acme Industries', default_timezone: 'Europe/Berlin', retention_logs_days: 14, retention_runs_days: 400 },
    'the database has the new settings',
  );
  // The toast comes with the action's answer; the layouts' loaders revalidate after it, so the header follows a moment later.
  await page
    .waitForFunction(() => document.querySelector('h2')?.textContent?.includes('Acme Industries'))
    .catch(() => t.fail("the organization's header never showed the new name"));
  t.match(await textOf(page, 'h2'), /Acme Industries/, "the organization's header shows the new name");

  await visit(page, url);
  t.equal(await page.$eval('#org-name', (el) => (el as HTMLInputElement).value), 'Acme Industries', 'a reload shows the new name');
  t.equal(await page.$eval('#retention-logsDays', (el) => (el as HTMLInputElement).value), '14');
  t.equal(await page.$eval('#retention-runsDays', (el) => (el as HTMLInputElement).value), '400');
  t.equal(await page.$eval('#org-timezone', (el) => (el as HTMLSelectElement).value), 'Europe/Berlin');

  const audit = await ctx.database.db.kysely
    .selectFrom('audit_events')
    .select('action')
    .where('organization_id', '=', ctx.orgs.acme)
    .where('action', 'in', ['organization.renamed', 'organization.settings_changed'])
    .execute();
  t.same(audit.map((a) => a.action).sort(), ['organization.renamed', 'organization.settings_changed'], 'both changes are audited');
});

t.test('a Viewer sees the settings read-only, with no form', async (t) => {
  const page = await e2e.signedIn('viewer@acme.test');
  await visit(page, `${base}/orgs/${ctx.orgs.acme}/settings`);
  t.match(await textOf(page, '[data-testid=org-settings-readonly]'), /Logs kept/);
  t.equal(await page.$('[data-testid=org-settings]'), null, 'no form to change them');
});

t.test('the Platform Owner may rename but not change the settings', async (t) => {
  const page = await e2e.signedIn('owner@linkyard.test');
  await visit(page, `${base}/orgs/${ctx.orgs.globex}/settings`);
  t.ok(await page.$eval('#retention-logsDays', (el) => (el as HTMLInputElement).disabled), 'retention is shown, not editable');
  t.ok(await page.$eval('#org-timezone', (el) => (el as HTMLSelectElement).disabled), 'the time zone too');
  await page.locator('#org-name').fill('Globex Corporation');
  await page.locator('button ::-p-text(Save name)').click();
  await page.waitForSelector('[data-toast=success]');
  t.equal((await settingsOf('globex')).name, 'Globex Corporation', 'renamed');
});
