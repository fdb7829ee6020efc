import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import t, { type Test } from 'tap';
import type { Dialog, Page } from 'puppeteer-core';
import { createVault } from '../../server/src/lib/crypto/vault.js';
import { seedDemoIntegrations } from '../../server/src/seed/demo-integrations.js';
import { E2E_FILE_TIMEOUT_MS, startE2e } from './harness.js';
import { appPages, createNewOrganization, createPageFixtures, OWNER, SUPER_ADMIN, type ApiCall, type AppPage } from './pages.js';

// Every page of pages.ts at 390 px as the role it names: no sideways scroll, no console error, and axe-core finds no
// serious or critical violation in the light theme nor in the dark one. One tab per role, reused page after page.
const e2e = await startE2e(t);
const { base, ctx } = e2e;
await seedDemoIntegrations(ctx.database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }));
const integrationId = async (name: string) =>
  (await ctx.database.db.kysely.selectFrom('integrations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const conflict = await ctx.database.db.kysely
  .selectFrom('conflicts')
  .select('id')
  .where('organization_id', '=', ctx.orgs.acme)
  .executeTakeFirstOrThrow();
// axe-core's package exports only its main file; the minified build sits beside it.
const AXE_SOURCE = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Which axe-core rules a theme is checked with. The dark theme changes colours only (same markup, names, roles and
 * layout), so after the full light-theme run only the colour rules can find something new: half the axe time.
 */
const AXE_RULES = {
  light: null,
  dark: ['color-contrast', 'link-in-text-block'],
} as const satisfies Record<string, readonly string[] | null>;

/** axe-core's serious and critical violations on the page as it is now, one line each. */
async function axeViolations(page: Page, theme: keyof typeof AXE_RULES): Promise<string[]> {
  const rules = AXE_RULES[theme];
  // Injected through the DevTools protocol, which the pages' Content-Security-Policy does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (rules) => {
    // Colours that are still changing (a theme switch runs the buttons' colour transitions) would be measured half-way.
    await Promise.all(
      document
        .getAnimations()
        .filter((a) => a instanceof CSSTransition)
        .map((a) => a.finished),
    );
    type Axe = { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
    const options = rules ? { resultTypes: ['violations'], runOnly: { type: 'rule', values: rules } } : { resultTypes: ['violations'] };
    const result = await (window as unknown as { axe: Axe }).axe.run(document, options);
    return result.violations as AxeViolation[];
  }, rules);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** One failure per violation, each on its own line, so a report names them all. */
async function expectNoViolations(t: Test, page: Page, theme: keyof typeof AXE_RULES) {
  const violations = await axeViolations(page, theme);
  for (const violation of violations) t.fail(`axe (${theme}): ${violation}`);
  if (!violations.length) t.pass(`axe (${theme}): no serious or critical violation`);
}

/** The page background's mean channel value, 0–255 (the browser converts the theme's oklch colour through a canvas). */
const pageBrightness = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    canvas.fillStyle = getComputedStyle(document.documentElement).backgroundColor;
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
    return (r! + g! + b!) / 3;
  });

/** How far the document is wider than the window, in CSS pixels (0: no sideways scroll). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The elements that stick out past the window's right edge, innermost first (what a failure names). */
const widest = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      // Inside a box that scrolls (or clips) on its own, sticking out moves nothing else.
      .filter((el) => {
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
          if (getComputedStyle(up).overflowX !== 'visible') return false;
        }
        return true;
      })
      .filter((el, _i, all) => !all.some((other) => other !== el && el.contains(other)))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} → ${Math.round(el.getBoundingClientRect().right)} px`),
  );

const tabs = new Map<string | null, Page>();
const consoleErrors = new Map<Page, string[]>();
async function tabFor(as: string | null): Promise<Page> {
  let page = tabs.get(as);
  if (!page) {
    page = as ? await e2e.signedIn(as) : await e2e.newPage();
    const errors: string[] = [];
    consoleErrors.set(page, errors);
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.setViewport({ width: 390, height: 844 });
    tabs.set(as, page);
  }
  return page;
}

const pages = appPages({
  ...ctx.orgs,
  hubspot: await integrationId('HubSpot CRM'),
  jira: await integrationId('Jira Cloud'),
  conflict: conflict.id,
  ...(await createPageFixtures(ctx.orgs.acme, await apiAs(SUPER_ADMIN))),
  ...(await createNewOrganization(await apiAs(OWNER))),
});
// This file grows with every page (two axe runs each, 7–13 s apiece on a machine at a load average of 18):
// the usual end-to-end limit, plus a share per page.
t.setTimeout(E2E_FILE_TIMEOUT_MS + pages.length * 12_000);

/** API requests with the session of the tab every-page reuses for that person. */
async function apiAs(email: string): Promise<ApiCall> {
  const tab = await tabFor(email);
  await tab.goto(`${base}/profile`, { waitUntil: 'networkidle0' });
  return (method: string, path: string, body: unknown) =>
    tab.evaluate(
      async (method, path, body) => {
        const res = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as unknown };
      },
      method,
      path,
      body,
    );
}

async function check(t: Test, entry: AppPage) {
  const page = await tabFor(entry.as);
  const errors = consoleErrors.get(page)!;
  errors.length = 0;
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  const response = await page.goto(base + entry.path, { waitUntil: 'networkidle0' });
  t.equal(response?.status(), entry.status ?? 200, 'answers with its status');
  const wider = await overflow(page);
  t.equal(wider, 0, 'no sideways scroll at 390 px', { widestElements: wider ? await widest(page) : [] });
  await expectNoViolations(t, page, 'light');
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  t.ok((await pageBrightness(page)) < 64, 'the system setting turns the dark theme on');
  await expectNoViolations(t, page, 'dark');
  // The browser logs the failed request of a page that answers 404 or 403 itself; that is the page's point, not an error.
  const expected = entry.status ? new RegExp(`status of ${entry.status}`) : null;
  const unexpected = errors.filter((e) => !expected?.test(e));
  for (const error of unexpected) t.fail(`console error: ${error}`);
  if (!unexpected.length) t.pass('no console error');
}

for (const entry of pages) {
  t.test(`${entry.name} (${entry.path}) as ${entry.as ?? 'signed out'}`, (t) => check(t, entry));
}

/** The open "Leave without saving?" dialog, or null. */
const guardDialog = (page: Page) => page.$('dialog[data-unsaved-dialog][open]');

t.test('unsaved mapping and schedule edits are guarded when leaving the page', async (t) => {
  const page = await tabFor(SUPER_ADMIN);
  const hubspot = pages.find((p) => p.name === 'field-mappings')!.path.replace(/\/mappings$/, '');
  await page.goto(`${base}${hubspot}/mappings`, { waitUntil: 'networkidle0' });
  const source = '[data-mapping-row="1"] input[id$="-source"]';
  await page.locator(source).fill('properties.edited');
  // The browser's own questions (beforeunload), recorded and answered "leave".
  const browserAsked: string[] = [];
  const answer = (dialog: Dialog) => {
    browserAsked.push(`${dialog.type()} on ${new URL(page.url()).pathname}`);
    void dialog.accept();
  };
  page.on('dialog', answer);
  t.teardown(() => page.off('dialog', answer));

  await page.locator('nav[aria-label=Integration] ::-p-text(Logs)').click();
  await page.waitForSelector('dialog[data-unsaved-dialog][open]');
  t.equal(new URL(page.url()).pathname, `${hubspot}/mappings`, 'the navigation waits for an answer');
  await page.locator('dialog[open] button::-p-text(Stay on this page)').click();
  await page.waitForFunction(() => !document.querySelector('dialog[data-unsaved-dialog]'));
  t.equal(await page.$eval(source, (el) => (el as HTMLInputElement).value), 'properties.edited', 'staying keeps the edit');

  // Asked again on the next try; this time, leave.
  await page.locator('nav[aria-label=Integration] ::-p-text(Logs)').click();
  await page.waitForSelector('dialog[data-unsaved-dialog][open]');
  await page.locator('dialog[open] button::-p-text(Leave without saving)').click();
  await page.waitForFunction((path) => location.pathname === path, {}, `${hubspot}/logs`);
  // The URL changes before React has swapped the page: wait for the mappings to be gone.
  await page.waitForFunction(() => !document.querySelector('[data-mapping-row]'));
  t.pass('leaving goes on to the page');

  await page.goto(`${base}${hubspot}/syncs`, { waitUntil: 'networkidle0' });
  const mode = await page.$eval('select[name=mode]', (el) => (el as HTMLSelectElement).value);
  await page.select('select[name=mode]', mode === 'full' ? 'incremental' : 'full');
  await page.locator('nav[aria-label=Integration] ::-p-text(History)').click();
  await page.waitForSelector('dialog[data-unsaved-dialog][open]');
  t.equal(new URL(page.url()).pathname, `${hubspot}/syncs`, 'an unsaved schedule change is guarded too');
  await page.locator('dialog[open] button::-p-text(Stay on this page)').click();
  await page.waitForFunction(() => !document.querySelector('dialog[data-unsaved-dialog]'));
  await page.select('select[name=mode]', mode);
  await page.locator('nav[aria-label=Integration] ::-p-text(History)').click();
  await page.waitForFunction((path) => location.pathname === path, {}, `${hubspot}/history`);
  t.pass('undone edits no longer hold the page');
  await page.waitForFunction(() => !document.querySelector('select[name=mode]'));
  t.equal(await guardDialog(page), null, 'and nothing asks');

  // Reloading, closing the tab or typing another address: the browser's own question (beforeunload).
  await page.goto(`${base}${hubspot}/mappings`, { waitUntil: 'networkidle0' });
  t.same(browserAsked, [], 'no question from the browser while nothing was unsaved');
  await page.locator(source).fill('properties.edited');
  await page.goto(`${base}${hubspot}`, { waitUntil: 'networkidle0' });
  t.same(browserAsked, [`beforeunload on ${hubspot}/mappings`], 'leaving the app with unsaved edits asks the browser to confirm');
});

t.test(
  'scripts and stylesheets go out brotli- or gzip-compressed; the first page needs at most 120 KB of compressed JavaScript',
  async (t) => {
    const tab = await tabFor(SUPER_ADMIN);
    const cookie = (await tab.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    // The page a member lands on after signing in, as the browser gets it: its scripts, preloads and stylesheet.
    const first = pages.find((p) => p.name === 'integrations')!;
    const html = (await ctx.app.inject({ url: first.path, headers: { cookie } })).body;
    const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!))];
    t.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), 'the page names its scripts and stylesheet');
    let compressedJs = 0;
    for (const url of assets) {
      const plain = (await ctx.app.inject({ url })).rawPayload;
      const br = await ctx.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      const gz = await ctx.app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      if (plain.length < 1024) continue; // too small to gain anything: sent as it is
      t.equal(br.headers['content-encoding'], 'br', `${url}: brotli when the browser accepts it`);
      t.equal(gz.headers['content-encoding'], 'gzip', `${url}: gzip otherwise`);
      t.match(br.headers.vary, /accept-encoding/i, 'caches keep the encodings apart');
      t.ok(brotliDecompressSync(br.rawPayload).equals(plain) && gunzipSync(gz.rawPayload).equals(plain), 'both decode to the file itself');
      if (url.endsWith('.js')) compressedJs += br.rawPayload.length;
    }
    t.comment(`compressed JavaScript of the first page: ${(compressedJs / 1024).toFixed(1)} KB (brotli)`);
    t.ok(compressedJs <= 120 * 1024, `the first page's JavaScript is ${(compressedJs / 1024).toFixed(1)} KB compressed (at most 120 KB)`);
  },
);
