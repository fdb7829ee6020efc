import type { FakeProvider } from '../fixtures/providers/index.js';
import type { TestContext } from './app.js';

/**
 * A Stripe integration on a fake Stripe API and its `customers` sync (two mappings), made through the API as `headers`
 * (an org admin's): what the worker and scale-out tests run. `schedule` null: runs only by hand.
 */
export async function createStripeSync(
  ctx: TestContext,
  orgId: string,
  headers: Record<string, string>,
  fake: FakeProvider,
  name: string,
  schedule: object | null,
): Promise<{ integrationId: string; syncId: string }> {
  const base = `/api/orgs/${orgId}`;
  const integration = await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations`,
    headers,
    payload: { provider: 'stripe', name, apiKey: fake.token, settings: { apiBaseUrl: fake.apiBaseUrl } },
  });
  if (integration.statusCode !== 201) throw new Error(`integration not created: ${integration.body}`);
  const integrationId = integration.json().id as string;
  const sync = await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations/${integrationId}/syncs`,
    headers,
    payload: {
      resource: 'customers',
      schedule,
      mappings: [
        { source: 'id', target: 'id' },
        { source: 'email', target: 'email' },
      ],
    },
  });
  if (sync.statusCode !== 201) throw new Error(`sync not created: ${sync.body}`);
  return { integrationId, syncId: sync.json().id as string };
}
