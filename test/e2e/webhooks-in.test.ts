import { createHmac } from 'node:crypto';
import t from 'tap';
import { startE2e, STRIPE_KEY, textOf, visit } from './harness.js';

const e2e = await startE2e(t);
const { base, ctx, stripe } = e2e;
const SECRET = 'whsec_e2e-webhooks-in-signing-secret';

t.test('an admin sets a webhook secret, Stripe posts a signed event, and the event and its run show up', async (t) => {
  const admin = { authorization: await ctx.bearer('super@acme.test') };
  const orgBase = `/api/orgs/${ctx.orgs.acme}`;
  const integration = (
    await ctx.app.inject({
      method: 'POST',
      url: `${orgBase}/integrations`,
      headers: admin,
      payload: { provider: 'stripe', name: 'Stripe webhooks', apiKey: STRIPE_KEY, settings: { apiBaseUrl: stripe.apiBaseUrl } },
    })
  ).json();
  const sync = await ctx.app.inject({
    method: 'POST',
    url: `${orgBase}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: { resource: 'customers', mode: 'incremental', schedule: null, mappings: [{ source: 'id', target: 'id' }] },
  });
  t.equal(sync.statusCode, 201, sync.body);
  // This process is the `all` role here: it acts on accepted events at once and executes the runs they queue.
  ctx.app.services.webhookEvents.start();
  t.teardown(() => ctx.app.services.webhookEvents.close());

  const page = await e2e.signedIn('super@acme.test');
  const tab = `${base}/orgs/${ctx.orgs.acme}/integrations/${integration.id}/webhooks`;
  await visit(page, tab);
  t.match(await textOf(page, '[data-testid=webhook-secret-state]'), /No webhook secret/);
  t.match(await textOf(page, 'main'), new RegExp(`${base}/api/webhooks/${integration.id}`), 'the URL to register');
  t.match(await textOf(page, 'ol[aria-label="Registration steps"]'), /signing secret/, "Stripe's registration steps");
  t.match(await textOf(page, 'main'), /No events/, 'the empty event list says what will appear');

  await page.locator('#webhookSecret').fill(SECRET);
  await page.locator('::-p-text(Set secret)').click();
  await page.waitForFunction(() =>
    /A webhook secret is set/.test(document.querySelector('[data-testid=webhook-secret-state]')?.textContent ?? ''),
  );
  t.notOk((await page.content()).includes(SECRET), 'the secret is never shown back');

  // Signed as Stripe documents it (docs.stripe.com/webhooks#verify-manually): HMAC-SHA256 of "{t}.{body}", hex, v1.
  const body = JSON.stringify({ id: 'evt_e2e_1', object: 'event', type: 'customer.updated', data: { object: { id: 'cus_e2e' } } });
  const at = Math.floor(Date.now() / 1000);
  const signature = `t=${at},v1=${createHmac('sha256', SECRET).update(`${at}.${body}`).digest('hex')}`;
  const posted = await fetch(`${base}/api/webhooks/${integration.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  t.equal(posted.status, 202, 'the signed event is accepted');

  // The tab refreshes itself while an event waits; a reload shows it either way.
  await visit(page, tab);
  await page.waitForSelector('[data-webhook-event=evt_e2e_1][data-event-status=processed]', { timeout: 60_000 }).catch(async () => {
    await visit(page, tab);
    await page.waitForSelector('[data-webhook-event=evt_e2e_1][data-event-status=processed]');
  });
  const row = await textOf(page, '[data-webhook-event=evt_e2e_1]');
  t.match(row, /customer\.updated/);
  t.match(row, /processed/);
  const runId = await page.$eval('[data-webhook-event=evt_e2e_1] [data-run-link]', (a) => a.getAttribute('data-run-link'));
  t.ok(runId, 'the event links to the run it queued');

  await page.locator('[data-webhook-event=evt_e2e_1] [data-run-link]').click();
  await page.waitForSelector(`tr[data-run-id="${runId}"]`);
  t.match(await textOf(page, `tr[data-run-id="${runId}"]`), /webhook/i, 'the run history shows the webhook run');
  await page.screenshot({ path: '/tmp/e2e-webhooks-history.png' });
  await visit(page, tab);
  await page.screenshot({ path: '/tmp/e2e-webhooks-tab.png', fullPage: true });
});
