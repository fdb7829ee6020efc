import t from 'tap';
import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD } from '../helpers/app.js';
import type { Page } from 'puppeteer-core';
import { startE2e, textOf, visit } from './harness.js';

const e2e = await startE2e(t);
const { base } = e2e;

/** The password step of a sign-in that asks for a second step: no navigation, the code field appears. */
async function passwordStep(page: Page, email: string) {
  await visit(page, `${base}/login`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('button[type=submit]').click();
  await page.waitForSelector('#code');
}

const codeFor = (secret: string, offset = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offset * 30_000 });

t.test('two-factor sign-in: enrolment on the profile page, then sign-in with a code and with a recovery code', async (t) => {
  const page = await e2e.signedIn('admin@globex.test');
  await visit(page, `${base}/profile`);
  await page.locator('button ::-p-text(Set up two-factor sign-in)').click();
  const secret = await textOf(page, 'code[aria-labelledby]');
  t.match(secret, /^[A-Z2-7]{32}$/, 'the secret shows, to type into an app');
  await page.locator('#mfa-code').fill('000000');
  await page.locator('button ::-p-text(Turn on two-factor sign-in)').click();
  t.match(await textOf(page, '#mfa-code-error'), /not right/, 'a wrong code is refused next to the field');
  await page.locator('#mfa-code').fill(codeFor(secret));
  await page.locator('button ::-p-text(Turn on two-factor sign-in)').click();
  const codes = (await textOf(page, '[data-testid=recovery-codes]')).split(' ');
  t.equal(codes.length, 10, 'ten recovery codes are shown once');

  const second = await e2e.newPage();
  await passwordStep(second, 'admin@globex.test');
  t.equal(new URL(second.url()).pathname, '/login', 'the password alone does not sign in');
  await second.locator('#code').fill(codeFor(secret, 1));
  await Promise.all([second.waitForNavigation(), second.locator('button[type=submit]').click()]);
  await second.waitForSelector('[data-testid=user-email]');
  t.equal(await textOf(second, '[data-testid=user-email]'), 'admin@globex.test', 'signed in with a code');

  const third = await e2e.newPage();
  await passwordStep(third, 'admin@globex.test');
  await third.locator('button ::-p-text(Use a recovery code instead)').click();
  await third.locator('#code').fill(codes[0]);
  await Promise.all([third.waitForNavigation(), third.locator('button[type=submit]').click()]);
  await third.waitForSelector('[data-testid=user-email]');
  t.pass('signed in with a recovery code');

  const fourth = await e2e.newPage();
  await passwordStep(fourth, 'admin@globex.test');
  await fourth.locator('button ::-p-text(Use a recovery code instead)').click();
  await fourth.locator('#code').fill(codes[0]);
  await fourth.locator('button[type=submit]').click();
  await fourth.waitForSelector('#code-error');
  t.match(await textOf(fourth, '#code-error'), /not right/, 'a spent recovery code is refused');
});

t.test('an invitation link accepted by a new person', async (t) => {
  const admin = await e2e.signedIn('super@acme.test');
  await visit(admin, `${base}/orgs/${e2e.ctx.orgs.acme}/members`);
  await admin.locator('#member-email').fill('invitee@example.test');
  await admin.locator('button ::-p-text(Add member)').click();
  const link = await textOf(admin, '[data-testid=invitation] code');
  t.match(link, new RegExp(`^${base}/invite/[A-Za-z0-9_%-]+$`), 'the members page shows the invitation link');
  await visit(admin, `${base}/orgs/${e2e.ctx.orgs.acme}/members`);
  t.match(await textOf(admin, '[data-testid=pending-invitations]'), /invitee@example\.test/, 'listed as pending');

  const invitee = await e2e.newPage();
  await visit(invitee, link);
  t.match(await textOf(invitee, 'h1'), /Join Acme/);
  await invitee.locator('#name').fill('Ivy Invitee');
  await invitee.locator('#password').fill('ivy-invitee-password');
  await invitee.locator('#confirm').fill('ivy-invitee-password');
  await Promise.all([invitee.waitForNavigation(), invitee.locator('button[type=submit]').click()]);
  await invitee.waitForSelector('[data-testid=user-email]');
  t.equal(await textOf(invitee, '[data-testid=user-email]'), 'invitee@example.test', 'signed in as the new member');
  t.match(new URL(invitee.url()).pathname, new RegExp(`/orgs/${e2e.ctx.orgs.acme}/integrations$`), 'in the organization');

  const again = await e2e.newPage();
  await visit(again, link);
  t.match(await textOf(again, 'main'), /not valid or has expired/, 'the link works once');
});
