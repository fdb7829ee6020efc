import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { Page } from 'puppeteer-core';
import { createVault } from '../../server/src/lib/crypto/vault.js';
import { seedDemoIntegrations } from '../../server/src/seed/demo-integrations.js';
import { startE2e } from './harness.js';
import { appPages, type AppPage } from './pages.js';

// Every page of pages.ts at 390 px as the role it names: no sideways scroll, no console error, and axe-core finds no
// serious or critical violation in the light theme nor in the dark one. One tab per role, reused page after page.
const e2e = await startE2e(t);
const { base, ctx } = e2e;
await seedDemoIntegrations(ctx.database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }));
const integrationId = async (name: string) =>
  (await ctx.database.db.kysely.selectFrom('integrations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const pages = appPages({ ...ctx.orgs, hubspot: await integrationId('HubSpot CRM'), jira: await integrationId('Jira Cloud') });

// axe-core's package exports only its main file; the minified build sits beside it.
const AXE_SOURCE = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
async function axeViolations(page: Page): Promise<string[]> {
  // Injected through the DevTools protocol, which the pages' Content-Security-Policy does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // Colours that are still changing (a theme switch runs the buttons' colour transitions) would be measured half-way.
    await Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished));
    type Axe = { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
    const result = await (window as unknown as { axe: Axe }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** One failure per violation, each on its own line, so a report names them all. */
async function expectNoViolations(t: Test, page: Page, theme: string) {
  const violations = await axeViolations(page);
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
