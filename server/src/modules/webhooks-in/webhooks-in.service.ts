import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import type { AuthedContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope } from '../../lib/db-scope.js';
import { NotFound, Unauthorized } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { getProvider } from '../../providers/catalog.js';
import { findIntegrationForWebhook, requireIntegration, webhookSecretContext } from '../integrations/integrations.port.js';
import { describeScheme, handshakeAnswer, verifyWebhook, type IncomingWebhook } from './verify-signature.js';
import * as repo from './webhooks-in.repo.js';
import type * as S from './webhooks-in.schemas.js';

export type WebhookSettingsView = Static<typeof S.WebhookSettings>;
export type WebhookEventView = Static<typeof S.WebhookEvent>;
export type WebhookEventsQuery = Static<typeof S.WebhookEventsQuery>;

/** What the endpoint answers: a handshake's own answer, or `{ received: true }` with the provider's success status. */
export type DeliveryAnswer =
  | { kind: 'handshake'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'received'; status: number; body: { received: true } };

/** A delivery as the route hands it over: the path and query as called, and the body's bytes. */
export interface Delivery extends Omit<IncomingWebhook, 'url'> {
  /** The path and query string as received (`/api/webhooks/<id>?…`); the public URL is put in front. */
  path: string;
  /** The caller's address, for rate-limiting the recording of rejected attempts. */
  ip: string;
}

/** A stored payload is bounded: larger ones are kept as null (the event, its id and type are still recorded). */
const MAX_STORED_PAYLOAD_BYTES = 64 * 1024;
/** Rejected attempts recorded per integration and caller address per window; more are answered 401 but not stored. */
const REJECTIONS_RECORDED_PER_WINDOW = 10;
const REJECTION_WINDOW_MS = 60_000;

function storedPayload(payload: unknown): string | null {
  if (payload === null || payload === undefined) return null;
  const text = JSON.stringify(payload);
  // Postgres jsonb refuses NUL characters (\u0000) in strings; such a payload is kept as null too.
  return Buffer.byteLength(text) <= MAX_STORED_PAYLOAD_BYTES && !text.includes('\\u0000') ? text : null;
}

/** A fixed-window counter per (integration, address): a flood of forged deliveries cannot fill the event table. */
function createRejectionLimiter() {
  let windowStart = Date.now();
  const counts = new Map<string, number>();
  return (key: string): boolean => {
    const now = Date.now();
    if (now - windowStart >= REJECTION_WINDOW_MS) {
      counts.clear();
      windowStart = now;
    }
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n <= REJECTIONS_RECORDED_PER_WINDOW;
  };
}

const toEventView = (r: Awaited<ReturnType<typeof repo.listEvents>>[number]): WebhookEventView => ({
  id: r.id,
  providerEventId: r.provider_event_id,
  type: r.type,
  receivedAt: r.received_at.toISOString(),
  status: r.status,
  reason: r.reason,
  runId: r.run_id,
  processedAt: r.processed_at?.toISOString() ?? null,
});

export interface WebhooksInServiceDeps {
  db: Db;
  config: Pick<Config, 'publicUrl'>;
  vault: Vault;
  /** Told after an accepted event is committed (a started processor in this process acts on it at once). */
  onAccepted: () => void;
}

export function createWebhooksInService(deps: WebhooksInServiceDeps) {
  return { receive: createReceiver(deps), ...createWebhookSettings(deps) };
}

/**
 * The public endpoint's work: find the integration, answer handshakes, verify, store, answer. Nothing is processed
 * here (runs are the workers' business): the answer comes once the event row is committed.
 */
function createReceiver({ db, config, vault, onAccepted }: WebhooksInServiceDeps) {
  const mayRecordRejection = createRejectionLimiter();
  return async function receive(integrationId: string, delivery: Delivery): Promise<DeliveryAnswer> {
    const integration = await inScope(db, { platform: true }, (tx) => findIntegrationForWebhook(tx, integrationId));
    const declaration = integration && getProvider(integration.provider)?.webhooks;
    if (!integration || !declaration) throw new NotFound('Webhook endpoint');
    const settings = integration.settings as Record<string, string | undefined>;
    const incoming: IncomingWebhook = { ...delivery, url: `${config.publicUrl}${delivery.path}` };
    // Unsigned handshakes (Graph's validationToken, Dropbox's and Fitbit's GET) come before a secret exists.
    const handshake = handshakeAnswer(declaration, incoming, settings);
    if (handshake) return { kind: 'handshake', ...handshake };
    const sealed = integration.webhook_secret_encrypted;
    if (sealed === null) throw new NotFound('Webhook endpoint');
    const orgId = integration.organization_id;
    const answer = await inScope(db, { org: orgId }, async (tx): Promise<DeliveryAnswer | { rejected: string }> => {
      const secret = await vault.decrypt(tx, webhookSecretContext(orgId, integrationId), sealed);
      const receivedAt = new Date();
      const result = verifyWebhook(declaration, { ...incoming, secret, settings, now: receivedAt });
      const row = { id: uuidv7(), organization_id: orgId, integration_id: integrationId, received_at: receivedAt };
      if (!result.ok) {
        if (mayRecordRejection(`${integrationId}|${delivery.ip}`)) await repo.insertRejectedEvent(tx, { ...row, reason: result.message });
        return { rejected: result.message };
      }
      if (result.kind === 'handshake') return { kind: 'handshake', ...result.answer };
      const status = await repo.insertVerifiedEvent(tx, {
        ...row,
        provider_event_id: result.eventId,
        type: result.eventType,
        resources: result.resources,
        payload: storedPayload(result.payload),
      });
      if (status === 'accepted') await repo.notifyAccepted(tx);
      return { kind: 'received', status: result.successStatus, body: { received: true } };
    });
    if ('rejected' in answer) throw new Unauthorized(answer.rejected);
    if (answer.kind === 'received') onAccepted();
    return answer;
  };
}

/** What an admin reads: the URL and scheme to register, and the deliveries received. */
function createWebhookSettings({ db, config }: WebhooksInServiceDeps) {
  return {
    async settings(ctx: AuthedContext, orgId: string, id: string): Promise<WebhookSettingsView> {
      return inScope(db, { org: orgId }, async (tx) => {
        const integration = await requireIntegration(tx, orgId, id);
        const declaration = getProvider(integration.provider)?.webhooks;
        return {
          url: `${config.publicUrl}/api/webhooks/${id}`,
          signatureScheme: declaration ? describeScheme(declaration) : 'This provider sends no webhooks',
          hasWebhookSecret: integration.webhook_secret_encrypted !== null,
          lastReceivedAt: (await repo.lastReceivedAt(tx, orgId, id))?.toISOString() ?? null,
        };
      });
    },

    async listEvents(ctx: AuthedContext, orgId: string, id: string, q: WebhookEventsQuery): Promise<Page<WebhookEventView>> {
      const limit = q.limit ?? 50;
      const c = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const rows = await inScope(db, { org: orgId }, async (tx) => {
        await requireIntegration(tx, orgId, id);
        return repo.listEvents(tx, orgId, id, { status: q.status, limit, before: c ? { receivedAt: c[0], id: c[1] } : undefined });
      });
      return toPage(rows, limit, toEventView, (r) => [r.received_at.toISOString(), r.id]);
    },
  };
}

export type WebhooksInService = ReturnType<typeof createWebhooksInService>;
