/**
 * The soak benchmark's request mix, shared by the benchmark (./index.ts, which sets up what it needs and reports per
 * kind) and the load-generator process (./load-generator.ts, which builds every request). Shares add up to 1 and split
 * BENCH_SOAK_RATE between the kinds; every kind is an authenticated call of the demo Super Admin on the Acme
 * organization, except the webhook deliveries, which are signed by the provider's secret instead.
 */
import type { OpenLoopKind } from '../lib/open-loop.js';
import { signedStripeEvent } from '../lib/stripe-event.js';

/** What the load generator needs to build the requests (sent to it over IPC). */
export interface WorkloadTargets {
  token: string;
  orgId: string;
  /** The integrations the rename writes cycle through (none of them syncs). */
  renameIds: string[];
  /** The Stripe integration the webhook deliveries go to (it has a sync, so the worker acts on them). */
  webhookIntegrationId: string;
  webhookSecret: string;
  /** Tells this run's event ids and names apart from the warm-up's. */
  phase: string;
}

export interface KindSpec {
  name: string;
  share: number;
  /** Sent with the Super Admin's bearer token (the webhook deliveries carry the provider's signature instead). */
  authenticated: boolean;
  /** Read or write, and what it exercises, for the report. */
  what: string;
  request(t: WorkloadTargets, sequence: number): { method: string; path: string; body?: string; headers?: Record<string, string> };
}

export const KINDS: KindSpec[] = [
  {
    name: 'members',
    authenticated: true,
    share: 0.3,
    what: "read: `GET /api/orgs/:orgId/members` (the api benchmark's list)",
    request: (t) => ({ method: 'GET', path: `/api/orgs/${t.orgId}/members` }),
  },
  {
    name: 'integrations',
    authenticated: true,
    share: 0.2,
    what: "read: `GET /api/orgs/:orgId/integrations?limit=20`, the first page (the burst's integrations among them)",
    request: (t) => ({ method: 'GET', path: `/api/orgs/${t.orgId}/integrations?limit=20` }),
  },
  {
    name: 'runs',
    authenticated: true,
    share: 0.2,
    what: 'read: `GET /api/orgs/:orgId/runs`, the newest runs (the burst and the webhook runs land here)',
    request: (t) => ({ method: 'GET', path: `/api/orgs/${t.orgId}/runs` }),
  },
  {
    name: 'rename',
    authenticated: true,
    share: 0.15,
    what: 'write: `PATCH /api/orgs/:orgId/integrations/:id` with a new name (update and audit event in one transaction)',
    request: (t, n) => ({
      method: 'PATCH',
      path: `/api/orgs/${t.orgId}/integrations/${t.renameIds[n % t.renameIds.length]}`,
      body: JSON.stringify({ name: `Soak ${t.phase} ${n}` }),
      headers: { 'content-type': 'application/json' },
    }),
  },
  {
    name: 'webhook',
    authenticated: false,
    share: 0.15,
    what: 'write: `POST /api/webhooks/:integrationId`, a Stripe-signed event with a new id (verified, stored, NOTIFYed; the worker queues or joins a run)',
    request: (t, n) => {
      const { body, signature } = signedStripeEvent(t.webhookSecret, `evt_soak_${t.phase}_${n}`);
      return {
        method: 'POST',
        path: `/api/webhooks/${t.webhookIntegrationId}`,
        body,
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      };
    },
  },
];

/** The open-loop kinds for `rate` requests per second in all. */
export function openLoopKinds(targets: WorkloadTargets, rate: number): OpenLoopKind[] {
  return KINDS.map((k) => ({
    name: k.name,
    rate: rate * k.share,
    next(sequence) {
      const r = k.request(targets, sequence);
      const auth: Record<string, string> = k.authenticated ? { authorization: `Bearer ${targets.token}` } : {};
      return { method: r.method, path: r.path, body: r.body, headers: { ...auth, ...r.headers } };
    },
  }));
}
