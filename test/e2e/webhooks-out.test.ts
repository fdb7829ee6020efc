import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { waitUntil } from '../helpers/wait-until.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { STRIPE_KEY, startE2e, textOf, visit } from './harness.js';

// Data delivery end to end: the API key and the webhook endpoint are made in the UI, the organization's system
// uses the key, a sync runs from the UI, and its events reach a local receiver that verifies each with the
// standardwebhooks package; the endpoint's delivery log in the UI shows them delivered.
const e2e = await startE2e(t);
const { base, ctx, stripe } = e2e;
const acme = ctx.orgs.acme;
const deliveries = ctx.app.services.deliveries!;
deliveries.start();
t.teardown(() => deliveries.stop());
const receiver = await startWebhookReceiver();
t.teardown(() => receiver.close());

t.test('API key and webhook endpoint made in the UI; a sync run is delivered, signed, and shown delivered', async (t) => {
  // API keys are a Super Admin's (the highest admin role of an organization).
  const page = await e2e.signedIn('super@acme.test');
  await visit(page, `${base}/orgs/${acme}/api-keys`);
  await page.locator('#key-name').fill('Warehouse sync');
  await page.select('#key-role', 'admin');
  await page.locator('::-p-text(Create key)').click();
  const apiKey = /lyk_[A-Za-z0-9_-]{43}/.exec(await textOf(page, '[data-testid=api-key-secret]'))?.[0];
  t.ok(apiKey, 'the key is shown once');
  const asSystem = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

  await visit(page, `${base}/orgs/${acme}/webhooks`);
  await page.locator('#new-endpoint-url').fill(receiver.url);
  await page.locator('#new-endpoint-description').fill('Warehouse');
  await page.locator('input[name=events][value="records.changed"]').click();
  await page.locator('::-p-text(Add endpoint)').click();
  const secret = /whsec_[A-Za-z0-9+/]+=*/.exec(await textOf(page, '[data-secret-notice]'))?.[0];
  t.ok(secret, 'the signing secret is shown once');

  // The organization's system, with the key: finds the endpoint, and sets up a Stripe integration with a sync.
  const endpoints = await (await fetch(`${base}/api/orgs/${acme}/webhook-endpoints`, { headers: asSystem })).json();
  const endpoint = endpoints.items.find((e: { url: string }) => e.url === receiver.url);
  t.match(endpoint, { events: ['sync.succeeded', 'sync.failed', 'records.changed'], enabled: true });
  const integration = await fetch(`${base}/api/orgs/${acme}/integrations`, {
    method: 'POST',
    headers: asSystem,
    body: JSON.stringify({
      provider: 'stripe',
      name: 'Stripe for delivery',
      apiKey: STRIPE_KEY,
      settings: { apiBaseUrl: stripe.templateValues.apiBaseUrl },
    }),
  });
  t.equal(integration.status, 201, 'an admin key creates an integration');
  const integrationId = (await integration.json()).id as string;
  const sync = await fetch(`${base}/api/orgs/${acme}/integrations/${integrationId}/syncs`, {
    method: 'POST',
    headers: asSystem,
    body: JSON.stringify({ resource: 'customers', mode: 'full', schedule: null }),
  });
  t.equal(sync.status, 201);

  // A person runs it from the UI.
  await visit(page, `${base}/orgs/${acme}/integrations/${integrationId}/syncs`);
  await page.locator('button::-p-text(Run now)').click();
  await page.waitForSelector('[data-toast=success]');

  await waitUntil(() => receiver.received.length >= 2, 'sync.succeeded and records.changed at the receiver', 60_000);
  const hook = new Webhook(secret!);
  const events = receiver.received.map((r) => hook.verify(r.body, r.headers as Record<string, string>) as { type: string; data: never });
  t.same(events.map((e) => e.type).sort(), ['records.changed', 'sync.succeeded'], 'both verify with the endpoint secret');
  t.match(events.find((e) => e.type === 'records.changed')!.data, { integrationId, resource: 'customers', added: 120 });

  // The endpoint's delivery log shows both delivered, with the receiver's answer.
  await visit(page, `${base}/orgs/${acme}/webhooks`);
  await Promise.all([page.waitForNavigation(), page.locator(`a[href$="/webhooks/${endpoint.id}"]`).click()]);
  await page.waitForFunction(
    () => document.querySelectorAll('[data-delivery-status=succeeded]').length === 2,
    { timeout: 60_000 }, // the page refreshes itself while a delivery is pending
  );
  const log = await textOf(page, 'main');
  t.match(log, /sync\.succeeded/);
  t.match(log, /records\.changed/);
  t.notOk(log.includes(secret!.slice(6)), 'the secret is not on the page');
  await page.locator('::-p-text(Details of the sync.succeeded delivery)').click();
  const detail = await textOf(page, '[data-attempt]');
  t.match(detail, /HTTP 204/, 'the attempt shows the receiver’s answer');
});
