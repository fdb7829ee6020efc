/**
 * Every page of the admin UI, once: the one list the all-pages end-to-end check (every-page.test.ts: no sideways
 * scroll at 390 px, no console error, axe-core in light and dark) and `npm run screenshots` both walk. A new page
 * is one more line here; give it the role that sees the most of it.
 */

/** The demo records a page's path is built from (ids differ between databases, names do not). */
export interface PageIds {
  acme: string;
  globex: string;
  /** Acme's "HubSpot CRM": connected, with syncs, mappings and a week of runs. */
  hubspot: string;
  /** Acme's "Jira Cloud": in error (expired token). */
  jira: string;
  /** Acme's open demo conflict (a HubSpot contact changed on both sides). */
  conflict: string;
  /** Made by createPageFixtures: Acme's webhook endpoint. */
  webhookEndpoint: string;
  /** Made by createPageFixtures: the token of a live invitation to Acme (its accept page). */
  invitation: string;
  /** Made by createNewOrganization: an organization with nothing in it yet (the integrations page's "Get started" checklist). */
  newOrganization: string;
}

/** One API request as a signed-in person (a browser tab's fetch, or the test app's inject). */
export type ApiCall = (method: string, path: string, body: unknown) => Promise<{ status: number; body: unknown }>;

/**
 * What the demo data has none of and some pages need, made through the API as Acme's Super Admin: two API keys
 * (the list, not its empty state), a webhook endpoint (its page) and a pending invitation (its accept page).
 * The endpoint's address is on this machine, so the server must allow private network targets.
 */
export async function createPageFixtures(acme: string, api: ApiCall): Promise<Pick<PageIds, 'webhookEndpoint' | 'invitation'>> {
  const made = async (path: string, body: unknown) => {
    const res = await api('POST', `/api/orgs/${acme}${path}`, body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as Record<string, unknown>;
  };
  await made('/api-keys', { name: 'Data warehouse', role: 'viewer' });
  await made('/api-keys', { name: 'Order sync from the shop backend', role: 'admin' });
  const endpoint = await made('/webhook-endpoints', {
    url: 'http://localhost:4000/hooks/linkyard',
    description: 'Order processing',
    events: ['sync.succeeded', 'sync.failed', 'records.changed'],
  });
  const member = await made('/members', { email: 'new.colleague@acme.test', name: 'New Colleague', role: 'admin' });
  const invitation = member.invitation as { token: string };
  return { webhookEndpoint: endpoint.id as string, invitation: invitation.token };
}

/** A brand-new organization, made through the API as the Platform Owner: what a tenant sees before its first integration. */
export async function createNewOrganization(ownerApi: ApiCall): Promise<Pick<PageIds, 'newOrganization'>> {
  const res = await ownerApi('POST', '/api/orgs', { name: 'Initech', slug: 'initech', superAdminEmail: 'it@initech.test' });
  if (res.status !== 201) throw new Error(`POST /api/orgs answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { newOrganization: (res.body as { id: string }).id };
}

export interface AppPage {
  /** File name of its screenshots and what a failure names. */
  name: string;
  path: string;
  /** Who looks at it (a demo login), or null: signed out. */
  as: string | null;
  /** The HTTP status the page answers with (a not-found page logs its 404 in the console, as browsers do). */
  status?: number;
  /** Shown in the README's gallery. */
  main?: boolean;
}

export const OWNER = 'owner@linkyard.test';
export const SUPER_ADMIN = 'super@acme.test';
export const VIEWER = 'viewer@acme.test';

export function appPages(ids: PageIds): AppPage[] {
  const org = `/orgs/${ids.acme}`;
  const hubspot = `${org}/integrations/${ids.hubspot}`;
  return [
    { name: 'sign-in', path: '/login', as: null, main: true },
    { name: 'integrations', path: `${org}/integrations`, as: SUPER_ADMIN, main: true },
    { name: 'integrations-viewer', path: `${org}/integrations`, as: VIEWER },
    { name: 'integrations-new-organization', path: `/orgs/${ids.newOrganization}/integrations`, as: OWNER },
    { name: 'provider-catalog', path: `${org}/integrations/new`, as: SUPER_ADMIN },
    { name: 'new-integration', path: `${org}/integrations/new/hubspot`, as: SUPER_ADMIN },
    { name: 'integration-overview', path: hubspot, as: SUPER_ADMIN, main: true },
    { name: 'integration-error', path: `${org}/integrations/${ids.jira}`, as: SUPER_ADMIN },
    { name: 'syncs-and-schedules', path: `${hubspot}/syncs`, as: SUPER_ADMIN, main: true },
    { name: 'field-mappings', path: `${hubspot}/mappings`, as: SUPER_ADMIN, main: true },
    { name: 'history', path: `${hubspot}/history`, as: SUPER_ADMIN, main: true },
    { name: 'integration-logs', path: `${hubspot}/logs`, as: SUPER_ADMIN },
    { name: 'records', path: `${hubspot}/records`, as: SUPER_ADMIN },
    { name: 'syncs-and-schedules-viewer', path: `${hubspot}/syncs`, as: VIEWER },
    { name: 'outbound-mappings', path: `${hubspot}/mappings?side=outbound`, as: SUPER_ADMIN },
    { name: 'integration-settings', path: `${hubspot}/settings`, as: SUPER_ADMIN },
    { name: 'integration-webhooks', path: `${hubspot}/webhooks`, as: SUPER_ADMIN },
    { name: 'logs', path: `${org}/logs`, as: SUPER_ADMIN, main: true },
    { name: 'conflicts', path: `${org}/conflicts`, as: SUPER_ADMIN, main: true },
    { name: 'conflict', path: `${org}/conflicts/${ids.conflict}`, as: SUPER_ADMIN, main: true },
    { name: 'conflict-viewer', path: `${org}/conflicts/${ids.conflict}`, as: VIEWER },
    { name: 'members', path: `${org}/members`, as: SUPER_ADMIN },
    { name: 'api-keys', path: `${org}/api-keys`, as: SUPER_ADMIN },
    { name: 'webhooks', path: `${org}/webhooks`, as: SUPER_ADMIN },
    { name: 'webhook-endpoint', path: `${org}/webhooks/${ids.webhookEndpoint}`, as: SUPER_ADMIN },
    { name: 'audit-log', path: `${org}/audit`, as: SUPER_ADMIN },
    { name: 'exports', path: `${org}/exports`, as: SUPER_ADMIN },
    { name: 'organization-settings', path: `${org}/settings`, as: SUPER_ADMIN },
    { name: 'organization-settings-viewer', path: `${org}/settings`, as: VIEWER },
    { name: 'profile', path: '/profile', as: SUPER_ADMIN },
    { name: 'invitation', path: `/invite/${ids.invitation}`, as: null },
    { name: 'platform-console', path: '/platform', as: OWNER, main: true },
    { name: 'platform-tenant', path: `/platform/tenants/${ids.globex}`, as: OWNER },
    { name: 'not-found', path: `${org}/no-such-page`, as: SUPER_ADMIN, status: 404 },
  ];
}

/** The widths every page must work at: a phone, a small laptop, a desktop. */
export const WIDTHS = [390, 1024, 1280] as const;
export const THEMES = ['light', 'dark'] as const;
