/**
 * End-to-end harness: the real server (production build of the admin UI, real database, demo data) on a
 * port, a real OAuth authorization server (oidc-provider), a fake Stripe API, and headless Chromium.
 * Tests drive the UI as a person would and read what the page shows.
 */
import type { Test } from 'tap';
import type { Browser, HTTPRequest, HTTPResponse, Page } from 'puppeteer-core';
import { launchChromium } from '../../server/src/lib/chromium.js';
import { createTestApp, DEMO_PASSWORD, type TestContext } from '../helpers/app.js';
import { freePort } from '../helpers/net.js';
import { waitUntil } from '../helpers/wait-until.js';
import { startOidcServer, type OidcServer } from '../fixtures/oidc-server.js';
import { startFakeProvider, type FakeProvider } from '../fixtures/providers/index.js';

export const OAUTH_CLIENT = { clientId: 'linkyard-e2e', clientSecret: 'e2e-client-secret-5a1f0c9d' };
export const STRIPE_KEY = 'sk_test_e2e_4242424242';

export interface E2e {
  ctx: TestContext;
  base: string;
  oidc: OidcServer;
  stripe: FakeProvider;
  browser: Browser;
  /** A new browser tab (its own cookies) signed in as `email`; page errors fail the test. */
  signedIn(email: string): Promise<Page>;
  /** A new tab with its own cookies, not signed in. */
  newPage(): Promise<Page>;
  /** A Stripe integration of Acme against the fake Stripe, with an unscheduled full sync of its customers (made through the API as an Admin). */
  stripeSync(name: string): Promise<{ integrationId: string; syncId: string }>;
}

/**
 * An end-to-end file's time limit, counted from startE2e. These files are long by nature — a server, an
 * OAuth server and Chromium, then flows driven through the UI one after another, every step CPU-bound —
 * and stretch with the machine's load: integration-flow.test.ts takes about 35 s on an idle 2-core machine
 * and 80–100 s at a load average of 10–12, and hit .taprc's 120 s (meant for the server tests) at 10–20.
 */
export const E2E_FILE_TIMEOUT_MS = 360_000;

/**
 * The Chromium `npm test` started for all end-to-end files (test/run.mjs sets LINKYARD_E2E_BROWSER to its DevTools
 * WebSocket): a file connects to it instead of launching its own, which saved about 2 s of CPU per file. Every tab
 * still lives in a browser context of the file's own (own cookies and storage), closed at teardown, so the files stay
 * independent. Run alone (`npm test -- test/e2e/x.test.ts`) or with no shared browser, a file launches Chromium.
 */
export async function browserFor(t: Test): Promise<Browser> {
  const endpoint = process.env.LINKYARD_E2E_BROWSER;
  if (!endpoint) {
    const browser = await launchChromium();
    t.teardown(() => browser.close());
    return browser;
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.connect({ browserWSEndpoint: endpoint });
  // Only this file's connection goes; the browser serves the other files until the run ends.
  t.teardown(() => browser.disconnect());
  return browser;
}

/** `oidc`: start the OAuth authorization server too (oidc-provider: ~0.5 s of CPU to import and start), for the files that use it. */
export async function startE2e(t: Test, options: { oidc?: boolean } = {}): Promise<E2e> {
  t.setTimeout(E2E_FILE_TIMEOUT_MS);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Four independent start-ups, each seconds long on a loaded machine, so they run side by side. Each one
  // that started is closed at teardown, even when another failed; the tabs' browser contexts, opened later, close
  // first (teardowns run last-registered first).
  const [oidcStart, stripeStart, ctxStart, browserStart] = await Promise.allSettled([
    options.oidc
      ? startOidcServer({
          clients: [{ ...OAUTH_CLIENT, redirectUris: [`${base}/api/oauth/callback`], scope: 'openid email profile' }],
          accounts: [{ id: 'e2e-account', email: 'crm-admin@example.test', emailVerified: true, name: 'CRM Admin' }],
        })
      : null,
    startFakeProvider('stripe', { records: 120, token: STRIPE_KEY }),
    createTestApp(t, { env: { PUBLIC_URL: base, ALLOW_PRIVATE_NETWORK_TARGETS: 'true', ADMIN_UI: 'build' } }),
    browserFor(t),
  ]);
  if (oidcStart.status === 'fulfilled' && oidcStart.value) {
    const oidcServer = oidcStart.value;
    t.teardown(() => oidcServer.close());
  }
  if (stripeStart.status === 'fulfilled') t.teardown(() => stripeStart.value.close());
  const started = <T>(result: PromiseSettledResult<T>): T => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  };
  const [oidc, stripe, ctx, browser] = [started(oidcStart), started(stripeStart), started(ctxStart), started(browserStart)];
  await ctx.app.listen({ port, host: '127.0.0.1' });

  async function newPage() {
    // An incognito-like context per tab: every role signs in with its own cookies.
    const context = await browser.createBrowserContext();
    t.teardown(() => context.close().catch(() => {}));
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    // How long one step (a navigation, a selector, a function) may take: generous, since a loaded machine
    // stretches every step; a step that never happens still fails.
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (err) => t.fail(`page error on ${page.url()}: ${(err as Error).message}`));
    // The pages' Content-Security-Policy must never have to block one of our own scripts or styles.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) t.fail(`CSP violation on ${page.url()}: ${message.text()}`);
    });
    return page;
  }

  return {
    ctx,
    base,
    get oidc(): OidcServer {
      if (!oidc) throw new Error('no OAuth server: start the file with startE2e(t, { oidc: true })');
      return oidc;
    },
    stripe,
    browser,
    newPage,
    async stripeSync(name) {
      const headers = { authorization: await ctx.bearer('admin@acme.test') };
      const made = async (url: string, payload: object) => {
        const res = await ctx.app.inject({ method: 'POST', url: `/api/orgs/${ctx.orgs.acme}${url}`, headers, payload });
        if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
        return res.json().id as string;
      };
      const settings = { apiBaseUrl: stripe.templateValues.apiBaseUrl };
      const integrationId = await made('/integrations', { provider: 'stripe', name, apiKey: STRIPE_KEY, settings });
      const syncId = await made(`/integrations/${integrationId}/syncs`, { resource: 'customers', mode: 'full', schedule: null });
      return { integrationId, syncId };
    },
    async signedIn(email) {
      const page = await newPage();
      await page.goto(`${base}/login`);
      await signIn(page, email);
      // The signed-in layout has rendered (the URL changes before React commits a client-side navigation).
      await page.waitForSelector('[data-testid=user-email]');
      return page;
    },
  };
}

/** Fills the sign-in form and waits for the page that follows it. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForNavigation(), page.locator('button[type=submit]').click()]);
}

/**
 * Visible text of an element, whitespace collapsed. Waits for the element first: after a client-side
 * navigation the URL changes before React has rendered the new page (React Router renders in a transition).
 */
export async function textOf(page: Page, selector = 'body'): Promise<string> {
  const element = await page.waitForSelector(selector);
  return element!.evaluate((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
}

/** Navigates and waits until React Router has finished (network idle) so the page is hydrated. */
export async function visit(page: Page, url: string) {
  await page.goto(url, { waitUntil: 'networkidle0' });
}

/**
 * Clicks and waits for the navigation React Router performs (client-side or full page): until no request the page
 * started since the click began has been in flight for 150 ms.
 *
 * Not page.waitForNetworkIdle: that counts every request of the page's life, and Puppeteer never sees the end of a
 * request that a full navigation cut off (a module script the previous document was still loading, e.g. the header's
 * sync-status route when `visit` left the page just signed in to): it stays in flight in that count for good, and every
 * later wait for idle times out. The two-way e2e file failed so on PGlite (2 runs in 5), which runs its queries in the
 * server's own thread and so delays such scripts; click-and-wait.test.ts shows it.
 */
export async function clickAndWait(page: Page, selector: string, idleTime = 150) {
  const inFlight = new Set<HTTPRequest>();
  let lastChange = Date.now();
  const started = (request: HTTPRequest) => {
    inFlight.add(request);
    lastChange = Date.now();
  };
  const ended = (request: HTTPRequest) => {
    if (inFlight.delete(request)) lastChange = Date.now();
  };
  const answered = (response: HTTPResponse) => ended(response.request());
  page.on('request', started);
  page.on('response', answered);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  try {
    await page.locator(selector).click();
    // Quiet counts from the click's end: a request the click starts a moment later (a busy machine) is still waited for.
    lastChange = Date.now();
    await waitUntil(
      () => inFlight.size === 0 && Date.now() - lastChange >= idleTime,
      `the requests started by clicking ${selector} to end`,
      page.getDefaultTimeout(),
    );
  } finally {
    page.off('request', started);
    page.off('response', answered);
    page.off('requestfinished', ended);
    page.off('requestfailed', ended);
  }
}
