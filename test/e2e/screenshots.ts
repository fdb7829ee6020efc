/**
 * `npm run screenshots`: every page of pages.ts at 390, 1024 and 1280 px, light and dark, into docs/screenshots/
 * as `<page>-<width>-<theme>.png` (the README shows the main ones). It starts Linkyard as `npm start` does — an
 * embedded database in a fresh folder with the demo data — on a free port, from the production build of the admin
 * UI (`npm run build:ui` first), and drives the system Chromium. Pages taller than MAX_HEIGHT are cut there.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../../server/src/lib/chromium.js';
import { freePort } from '../helpers/net.js';
import {
  appPages,
  createNewOrganization,
  createPageFixtures,
  OWNER,
  SUPER_ADMIN,
  THEMES,
  WIDTHS,
  type ApiCall,
  type PageIds,
} from './pages.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(root, 'docs/screenshots');
const MAX_HEIGHT = 2400;
const PASSWORD = 'linkyard-demo';

/** Starts the server on a fresh embedded database; resolves with its URL and a way to stop it. */
async function startServer(): Promise<{ base: string; stop(): void }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkyard-screenshots-'));
  const port = await freePort();
  const { DEMO_PASSWORD: _ignored, DATABASE_URL: _none, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: root,
    // Private network targets: the webhook endpoint of createPageFixtures is on this machine.
    env: {
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      ADMIN_UI: 'build',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    child.kill('SIGTERM');
    child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  };
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Linkyard is running at')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready:\n${output}`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop };
}

async function signedInTab(browser: Browser, base: string, email: string | null): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  if (email) {
    await page.goto(`${base}/login`);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(PASSWORD);
    await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
  }
  return page;
}

/** The demo records' ids, read through the API with the tabs' own sessions. */
async function demoIds(owner: Page, superAdmin: Page): Promise<PageIds> {
  type List<T> = { items: T[] };
  const orgs = await owner.evaluate(() => fetch('/api/orgs').then((r) => r.json() as Promise<List<{ id: string; slug: string }>>));
  const org = (slug: string) => orgs.items.find((o) => o.slug === slug)!.id;
  const acme = org('acme');
  const integrations = await superAdmin.evaluate(
    (url) => fetch(url).then((r) => r.json() as Promise<List<{ id: string; name: string }>>),
    `/api/orgs/${acme}/integrations?limit=100`,
  );
  const integration = (name: string) => integrations.items.find((i) => i.name === name)!.id;
  const conflicts = await superAdmin.evaluate(
    (url) => fetch(url).then((r) => r.json() as Promise<List<{ id: string }>>),
    `/api/orgs/${acme}/conflicts?status=open&limit=1`,
  );
  return {
    acme,
    globex: org('globex'),
    hubspot: integration('HubSpot CRM'),
    jira: integration('Jira Cloud'),
    conflict: conflicts.items[0]!.id,
    ...(await createPageFixtures(acme, apiOf(superAdmin))),
    ...(await createNewOrganization(apiOf(owner))),
  };
}

/** API requests with a tab's own session. */
function apiOf(tab: Page): ApiCall {
  return (method, url, body) =>
    tab.evaluate(
      async (method, url, body) => {
        const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as unknown };
      },
      method,
      url,
      body,
    );
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const tabs = new Map<string | null, Page>();
    const tab = async (as: string | null) => {
      if (!tabs.has(as)) tabs.set(as, await signedInTab(browser, server.base, as));
      return tabs.get(as)!;
    };
    // `npm run screenshots -- organization-settings members`: only the pages named (as in pages.ts), e.g. while building one.
    const only = process.argv.slice(2);
    const pages = appPages(await demoIds(await tab(OWNER), await tab(SUPER_ADMIN))).filter((p) => !only.length || only.includes(p.name));
    for (const entry of pages) {
      const page = await tab(entry.as);
      for (const width of WIDTHS) {
        await page.setViewport({ width, height: 900 });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
        await page.goto(server.base + entry.path, { waitUntil: 'networkidle0' });
        for (const theme of THEMES) {
          await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
          // Let the colour transitions of the theme switch finish before the picture.
          await page.evaluate(() =>
            Promise.all(
              document
                .getAnimations()
                .filter((a) => a instanceof CSSTransition)
                .map((a) => a.finished),
            ),
          );
          const height = await page.evaluate(() => document.documentElement.scrollHeight);
          const file = path.join(OUT, `${entry.name}-${width}-${theme}.png`);
          await page.screenshot({
            path: file as `${string}.png`,
            clip: { x: 0, y: 0, width, height: Math.min(height, MAX_HEIGHT) },
            captureBeyondViewport: true,
          });
        }
      }
      console.log(`${entry.name}: ${WIDTHS.length * THEMES.length} screenshots`);
    }
    console.log(`Wrote ${pages.length * WIDTHS.length * THEMES.length} screenshots to ${path.relative(process.cwd(), OUT)}/`);
  } finally {
    await browser.close();
    server.stop();
  }
}

await main();
