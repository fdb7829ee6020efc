import t from 'tap';
import type { Page } from 'puppeteer-core';
import { clickAndWait, startE2e, textOf } from './harness.js';

// The logs page of a sync with runs (issue 15 item 9): lines grouped by run, a live tail while a run is active,
// range presets and a custom range typed in the person's time zone, To before From refused on the field.
const e2e = await startE2e(t);
const { base, ctx } = e2e;
const db = ctx.database.db.kysely;
const acme = ctx.orgs.acme;
const ZONE = 'Asia/Tokyo';

/** A moment as the wall clock in `zone` shows it, as a datetime-local input takes it (written here, not the UI's helper under test). */
function toWallClock(iso: string, zone: string): string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

const { integrationId, syncId } = await e2e.stripeSync('Stripe logs');
const logsUrl = `${base}/orgs/${acme}/integrations/${integrationId}/logs`;
// The person's profile names a zone far from the browser's: From and To are read in it.
await db.updateTable('users').set({ timezone: ZONE }).where('email', '=', 'admin@acme.test').execute();

const MINUTE = 60_000;
const LONG = `Record cus_${'x'.repeat(180)} was refused by the provider: ${'a-very-long-unbroken-token-'.repeat(8)}`;

/** A run of the sync that started `minutesAgo` and wrote `messages`, a minute apart, as the run executor would. */
async function insertRun(
  status: 'running' | 'succeeded' | 'failed',
  trigger: 'manual' | 'schedule',
  minutesAgo: number,
  messages: string[],
) {
  const id = crypto.randomUUID();
  const startedAt = new Date(Date.now() - minutesAgo * MINUTE);
  const running = status === 'running';
  await db
    .insertInto('sync_runs')
    .values({
      id,
      organization_id: acme,
      integration_id: integrationId,
      sync_id: syncId,
      trigger,
      status,
      scheduled_for: startedAt,
      started_at: startedAt,
      finished_at: running ? null : new Date(startedAt.getTime() + messages.length * MINUTE),
      heartbeat_at: running ? new Date() : null,
      fetched: 12,
      created: 3,
      updated: 4,
      failed: status === 'failed' ? 2 : 0,
      error: status === 'failed' ? 'Stripe answered 503 five times' : null,
    } as never)
    .execute();
  await db
    .insertInto('sync_logs')
    .values(
      messages.map((message, i) => ({
        id: crypto.randomUUID(),
        organization_id: acme,
        run_id: id,
        integration_id: integrationId,
        sync_id: syncId,
        at: new Date(startedAt.getTime() + i * MINUTE),
        level: message.startsWith('Run failed') ? ('error' as const) : ('info' as const),
        message,
        data: null,
      })),
    )
    .execute();
  return { id, startedAt };
}

const old = await insertRun('succeeded', 'manual', 180, ['Run started (full sync of customers)', LONG, 'Run succeeded: 12 fetched']);
const recent = await insertRun('failed', 'schedule', 20, ['Run started (full sync of customers)', 'Run failed — Stripe answered 503']);
const live = await insertRun('running', 'manual', 2, ['Run started (full sync of customers)']);

/**
 * Opens a logs page and waits for React to have hydrated it. Not harness's visit (network idle): while a run is
 * active the page reloads its data every 2 s, and on a loaded machine those reloads leave no idle half-second.
 */
async function visit(page: Page, url: string) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-live]');
    return el !== null && Object.keys(el).some((k) => k.startsWith('__reactFiber'));
  });
}

const groupIds = (page: Page) => page.$$eval('[data-run-group]', (els) => els.map((el) => el.getAttribute('data-run-group')));

/** Types into a datetime-local input the way a person's picker does (React hears the input event). */
async function setTime(page: Page, selector: string, value: string) {
  await page.$eval(
    selector,
    (el, value) => {
      const input = el as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

t.test('lines come grouped by run, newest run first, and a group collapses', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, logsUrl);
  t.same(await groupIds(page), [live.id, recent.id, old.id], 'one group per run, newest first');
  const header = await textOf(page, `[data-run-group="${recent.id}"] header`);
  t.match(header, /Schedule run of Customers/, 'the group names its trigger and resource');
  t.match(header, /failed/, 'and its status');
  t.match(header, /Started 20 min ago/, 'and when it started (in <Time>)');
  t.match(header, /12 fetched · 3 created · 4 updated · 2 failed/, 'and its counts');
  t.equal(
    await page.$eval(`[data-run-group="${recent.id}"] [data-run-started] time`, (el) => el.getAttribute('datetime')),
    recent.startedAt.toISOString(),
  );
  t.match(await textOf(page, '[data-live]'), /Live · every 2 s/, 'a run is active: the page follows it');

  const toggle = `[data-run-group="${old.id}"] [data-group-toggle]`;
  await page.locator(toggle).click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-expanded') === 'false', {}, toggle);
  t.equal(await page.$eval(`#run-group-${old.id}-lines`, (el) => (el as HTMLElement).hidden), true, 'its lines are hidden');
  t.equal(await page.$eval(`[data-run-group="${old.id}"] [data-log-list]`, (el) => (el as HTMLElement).offsetHeight), 0);
  // The live refresh (every 2 s) keeps it collapsed: wait for one reload (the live run's heartbeat line appears).
  await db
    .insertInto('sync_logs')
    .values({
      id: crypto.randomUUID(),
      organization_id: acme,
      run_id: live.id,
      integration_id: integrationId,
      sync_id: syncId,
      at: new Date(),
      level: 'info',
      message: 'GET customers page 1',
      data: null,
    })
    .execute();
  await page.waitForFunction(
    (id) => document.querySelector(`[data-run-group="${id}"]`)?.textContent?.includes('GET customers page 1'),
    {},
    live.id,
  );
  t.equal(await page.$eval(toggle, (el) => el.getAttribute('aria-expanded')), 'false', 'still collapsed after a live refresh');
  await page.locator(toggle).click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-expanded') === 'true', {}, toggle);
  t.pass('and opens again');
});

t.test('Pause stops the live tail; it ends by itself when no run is active', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, logsUrl);
  await page.locator('[data-live-toggle]').click();
  await page.waitForSelector('[data-live=paused]');
  t.match(await textOf(page, '[data-live]'), /Paused Resume/);
  await page.locator('[data-live-toggle]').click();
  await page.waitForSelector('[data-live=on]');
  const box = async () => page.$eval('[data-live]', (el) => el.getBoundingClientRect().height);
  const liveHeight = await box();
  await db.updateTable('sync_runs').set({ status: 'succeeded', finished_at: new Date() }).where('id', '=', live.id).execute();
  await page.waitForSelector('[data-live=off]');
  t.match(await textOf(page, '[data-live]'), /Not live: no run is active/);
  t.equal(await box(), liveHeight, 'the indicator keeps its height (no layout jump)');
  t.match(await textOf(page, `[data-run-group="${live.id}"] header`), /succeeded/, 'the last refresh brought the run’s end');
});

t.test('a preset, then a custom range in the person’s zone; To before From is shown on To until fixed', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  await visit(page, logsUrl);
  t.match(await textOf(page, 'label[for=log-from]'), /From \(Asia\/Tokyo\)/, 'From is in the profile’s zone');

  await clickAndWait(page, '[data-range-preset="1h"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('range') === '1h');
  await page.waitForFunction((n) => document.querySelectorAll('[data-run-group]').length === n, {}, 2);
  t.same(await groupIds(page), [live.id, recent.id], 'the last hour: the run of three hours ago is gone');
  t.equal(await page.$eval('[data-range-preset="1h"]', (el) => el.getAttribute('aria-current')), 'true');
  t.match(await textOf(page, '[data-range-summary]'), /^Since .+ until now$/);

  // Custom: ten minutes either side of the old run's start, typed as Tokyo wall-clock times.
  const from = toWallClock(new Date(old.startedAt.getTime() - 10 * MINUTE).toISOString(), ZONE);
  const to = toWallClock(new Date(old.startedAt.getTime() + 10 * MINUTE).toISOString(), ZONE);
  await setTime(page, '#log-from', from);
  await setTime(page, '#log-to', to);
  await clickAndWait(page, 'form[role=search] button[type=submit]');
  await page.waitForFunction(() => new URL(location.href).searchParams.has('from'));
  await page.waitForFunction((n) => document.querySelectorAll('[data-run-group]').length === n, {}, 1);
  t.same(await groupIds(page), [old.id], 'only the run in that range');
  const search = new URL(page.url()).searchParams;
  t.same([search.get('from'), search.get('to'), search.get('range')], [from, to, null], 'the typed times replace the preset');
  t.notOk(await page.$('[data-range-preset][aria-current]'), 'no preset is marked');

  // To before From: the API refuses it (400, field query.to) and the page says so on To.
  await setTime(page, '#log-to', toWallClock(new Date(old.startedAt.getTime() - 60 * MINUTE).toISOString(), ZONE));
  await clickAndWait(page, 'form[role=search] button[type=submit]');
  await page.waitForSelector('#log-to-error');
  t.match(await textOf(page, '#log-to-error'), /"to" must not be before "from"/);
  t.equal(await page.$eval('#log-to', (el) => el.getAttribute('aria-invalid')), 'true', 'To is marked invalid');
  t.equal(await page.$eval('#log-to', (el) => el.getAttribute('aria-describedby')), 'log-to-error', 'and points at its message');
  t.notOk(await page.$('[data-run-group]'), 'no lines for a range that cannot be');
  t.ok(await page.$eval('form[role=search] button[type=submit]', (el) => (el as HTMLButtonElement).disabled), 'Apply waits for a fix');

  await setTime(page, '#log-to', to);
  await page.waitForFunction(() => !document.querySelector('#log-to-error'));
  t.equal(await page.$eval('#log-to', (el) => el.getAttribute('aria-invalid')), null, 'fixed: the mark goes');
  await clickAndWait(page, 'form[role=search] button[type=submit]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-run-group]').length === n, {}, 1);
  t.same(await groupIds(page), [old.id], 'and the range applies again');
});

t.test('nothing in range: an empty state; long messages wrap without sideways scroll at 390 px', async (t) => {
  const page = await e2e.signedIn('admin@acme.test');
  const far = toWallClock(new Date(Date.now() - 400 * 86_400_000).toISOString(), ZONE);
  await visit(page, `${logsUrl}?from=${far}&to=${far}`);
  t.match(await textOf(page, '[data-empty-state]'), /No log lines match these filters/);

  await page.setViewport({ width: 390, height: 900 });
  await visit(page, logsUrl);
  const long = await page.waitForSelector(`::-p-text(${LONG.slice(0, 40)})`);
  t.ok(long, 'the long message is there');
  t.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no sideways scroll');
});
