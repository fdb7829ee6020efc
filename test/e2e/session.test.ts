import t from 'tap';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { signIn, startE2e, textOf, visit } from './harness.js';

const e2e = await startE2e(t);
const { base, ctx } = e2e;

t.test('each demo role signs in and sees its role', async (t) => {
  const cases = [
    { email: 'owner@linkyard.test', path: /\/platform$/, role: 'Platform Owner' },
    { email: 'super@acme.test', path: /\/orgs\/[\w-]+\/integrations$/, role: 'Super Admin' },
    { email: 'admin@acme.test', path: /\/orgs\/[\w-]+\/integrations$/, role: 'Admin' },
    { email: 'viewer@acme.test', path: /\/orgs\/[\w-]+\/integrations$/, role: 'Viewer' },
  ];
  for (const c of cases) {
    const page = await e2e.signedIn(c.email);
    t.match(new URL(page.url()).pathname, c.path, `${c.email} lands on their start page`);
    t.equal(await textOf(page, '[data-testid=user-email]'), c.email, `${c.email}: the header names the user`);
    t.equal(await textOf(page, '[data-testid=user-role]'), c.role, `${c.email}: the header shows the role`);
    t.ok((await page.title()).endsWith('· Linkyard'), `${c.email}: the page has a title`);
  }
});

t.test('a wrong password gets one uniform message and no session', async (t) => {
  const page = await e2e.newPage();
  await visit(page, `${base}/login`);
  await signIn(page, 'admin@acme.test', 'not-the-password');
  t.equal(new URL(page.url()).pathname, '/login');
  t.match(await textOf(page, '[role=alert]'), /Invalid email or password|incorrect|wrong/i);
  await visit(page, `${base}/orgs/${ctx.orgs.acme}/integrations`);
  t.equal(new URL(page.url()).pathname, '/login', 'still signed out');
});

t.test('a signed-out visitor is sent to sign in and comes back to the page asked for', async (t) => {
  const page = await e2e.newPage();
  const wanted = `/orgs/${ctx.orgs.acme}/integrations?status=ERROR`;
  await visit(page, base + wanted);
  const url = new URL(page.url());
  t.equal(url.pathname, '/login');
  t.equal(url.searchParams.get('returnTo'), wanted);
  await signIn(page, 'admin@acme.test');
  t.equal(new URL(page.url()).pathname + new URL(page.url()).search, wanted, 'returned to the page asked for');
});

t.test('sign out ends the session', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/logout"] button').click()]);
  t.equal(new URL(page.url()).pathname, '/login');
  await visit(page, `${base}/orgs/${ctx.orgs.acme}/integrations`);
  t.equal(new URL(page.url()).pathname, '/login', 'the old cookies no longer open pages');
});

t.test('the organization switcher only lists the user’s organizations, and another org is not found', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  const options = await page.$$eval('#org-switcher option', (os) => os.map((o) => o.textContent));
  t.same(options, ['Acme'], 'admin@acme.test belongs to Acme only');
  await visit(page, `${base}/orgs/${ctx.orgs.globex}/integrations`);
  t.match(await textOf(page, 'main'), /Not found/, 'Globex does not exist for an Acme admin');
});

t.test('a form posted from another site is refused', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  const cookies = (await page.browserContext().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await fetch(`${base}/orgs/${ctx.orgs.acme}/sync-status`, {
    method: 'POST',
    headers: { cookie: cookies, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  t.equal(res.status, 403);
  const runs = await ctx.database.db.kysely.selectFrom('sync_runs').select('id').execute();
  t.equal(runs.length, 0, 'nothing was queued');
});

t.test('the sign-in page only returns to pages of this site, whatever the returnTo text', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  const cookies = (await page.browserContext().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  // %09 (tab) is dropped by browsers, turning "/\t/evil.example/x" into "//evil.example/x"; %0a/%0d cannot go into a header.
  for (const returnTo of [
    '/%09/evil.example/x',
    '/%0a/evil.example',
    '/%0d%0a/evil.example',
    '/.//evil.example/x',
    '/%2e%2e//evil.example',
  ]) {
    const res = await fetch(`${base}/login?returnTo=${returnTo}`, { headers: { cookie: cookies }, redirect: 'manual' });
    t.equal(res.status, 302, `${returnTo}: a redirect, not an error page`);
    t.equal(res.headers.get('location'), '/', `${returnTo}: to the start page of this site`);
  }
  // And a real browser, signed in, lands on this site.
  await visit(page, `${base}/login?returnTo=/%09/evil.example/x`);
  t.equal(new URL(page.url()).origin, base);
});

t.test('a cross-site text/plain form cannot act through the API with the session cookies', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  const cookies = (await page.browserContext().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const before = await ctx.database.db.kysely.selectFrom('sync_runs').select('id').execute();
  // What <form enctype="text/plain" method="post" action=".../sync-all"> on a sibling host sends.
  const res = await fetch(`${base}/api/orgs/${ctx.orgs.acme}/sync-all`, {
    method: 'POST',
    headers: { cookie: cookies, origin: 'https://sibling.example', 'content-type': 'text/plain', 'sec-fetch-site': 'same-site' },
    body: 'x=1',
  });
  t.equal(res.status, 403);
  const after = await ctx.database.db.kysely.selectFrom('sync_runs').select('id').execute();
  t.equal(after.length, before.length, 'nothing was queued');
});

t.test('outside production the sign-in page offers the demo logins, and one click fills the form', async (t) => {
  const page = await e2e.newPage();
  await visit(page, `${base}/login`);
  await page.locator('button::-p-text(viewer@acme.test)').click();
  t.equal(await page.$eval('#email', (el) => (el as HTMLInputElement).value), 'viewer@acme.test');
  // The test app seeds its users with a password of its own (test/helpers/app.ts), not the default the
  // page shows, so the password field is completed with that one.
  await page.locator('#password').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
  t.equal(await textOf(page, '[data-testid=user-role]'), 'Viewer');
});

t.test('pages send a nonce-based Content-Security-Policy, and every script they render carries the nonce', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  const res = await page.goto(`${base}/orgs/${ctx.orgs.acme}/integrations`);
  const csp = res!.headers()['content-security-policy'] ?? '';
  const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  t.ok(nonce, `a script nonce in the policy: ${csp}`);
  t.match(csp, /frame-ancestors 'none'/);
  t.match(csp, /object-src 'none'/);
  t.notMatch(/script-src[^;]*/.exec(csp)?.[0] ?? '', /unsafe-inline|unsafe-eval/, 'no inline scripts without the nonce, no eval');
  const html = await (await fetch(`${base}/login`)).text();
  const loginNonce = /'nonce-([^']+)'/.exec((await fetch(`${base}/login`)).headers.get('content-security-policy') ?? '')?.[1];
  t.not(loginNonce, nonce, 'a new nonce for every response');
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
  t.ok(inline.length > 0, 'the page has inline scripts (hydration data)');
  t.ok(
    inline.every((attrs) => /\bnonce="[^"]+"/.test(attrs)),
    'each inline script carries a nonce',
  );
  // The page hydrated under that policy: a client-side interaction works.
  t.ok(await page.$('[data-testid=user-email]'), 'the page rendered and hydrated');
});
