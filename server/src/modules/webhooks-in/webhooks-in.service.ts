import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import type { AuthedContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope } from '../../lib/db-scope.js';
import { BadRequest, NotFound, Unauthorized } from '../../lib/errors.js';
import { textProblem } from '../../lib/input-values.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { getProvider } from '../../providers/catalog.js';
import { findIntegrationForWebhook, requireIntegration, webhookSecretContext } from '../integrations/integrations.port.js';
import type { RequestValue, WebhookDeclaration } from '../../providers/webhook-definition.js';
import { describeSource } from './request-values.js';
import { describeScheme, handshakeAnswer, verifyWebhook, type IncomingWebhook } from './verify-signature.js';
import { createAcceptBatcher } from './accept-batch.js';
import { createWebhookRegistration, type WebhookRegistrationDeps } from './webhook-registration.js';
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

/** Bodies up to this size are stored as their own text: too short for a number jsonb cannot hold (16,384+ digits). */
const MAX_RAW_STORED_BYTES = 16_000;

/**
 * What is stored of a verified JSON body, or null when it is too large or holds what jsonb refuses and JSON.parse
 * accepts: the escape \u0000, a \uD800–\uDFFF escape without its pair, a number jsonb's numeric overflows on. A
 * small body is stored as the text received (Postgres parses it; nothing is serialized again) unless a number's
 * exponent has 5 digits or more; a larger one is serialized from the parsed value (numbers as JS doubles). A false
 * alarm (an escaped backslash before such text, such a number inside a string) only costs the payload, never the event.
 */
function storedPayload({ payload, payloadText }: { payload: unknown; payloadText: string | null }): string | null {
  if (payloadText === null || payload === null) return null;
  const raw = payloadText.length <= MAX_RAW_STORED_BYTES;
  if (raw && HUGE_EXPONENT.test(payloadText)) return null;
  const text = raw ? payloadText : JSON.stringify(payload);
  if (Buffer.byteLength(text) > MAX_STORED_PAYLOAD_BYTES) return null;
  return text.includes('\\u') && UNSTORABLE_ESCAPE.test(text) ? null : text;
}
const UNSTORABLE_ESCAPE =
  /\\u0000|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;
const HUGE_EXPONENT = /\d[eE][+-]?\d{5,}\s*(?:[,\]}]|$)/;

/**
 * A signed event whose id or type no text column can hold (NUL, an unpaired surrogate: JSON escapes can write both)
 * is refused with a 400 naming where it was read, rather than failing its insert (the raw body is bytes, so the
 * global input check does not look into it).
 */
function refuseUnstorable(value: string | null, what: string, sources: readonly RequestValue[] | undefined) {
  if (value === null || textProblem(value) === null) return;
  const where = sources?.length ? ` (${sources.map(describeSource).join(', ')})` : '';
  throw new BadRequest(`The ${what}${where} contains a NUL character or an unpaired surrogate, which cannot be stored`);
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

export interface WebhooksInServiceDeps extends Omit<WebhookRegistrationDeps, 'config'> {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'allowPrivateNetworkTargets'>;
  vault: Vault;
  /** Told after an accepted event is committed (a started processor in this process acts on it at once). */
  onAccepted: () => void;
}

export function createWebhooksInService(deps: WebhooksInServiceDeps) {
  return { receive: createReceiver(deps), ...createWebhookSettings(deps), ...createWebhookRegistration(deps) };
}

/** What the endpoint needs of an integration, cached per process (see createReceiver). */
interface Receiving {
  orgId: string;
  declaration: WebhookDeclaration;
  settings: Record<string, string | undefined>;
  /** The same as JSON, for the insert's check that the stored settings are still these. */
  settingsJson: string;
  /** The sealed secret as stored: the stored row must still hold exactly this for a delivery to be accepted. */
  sealed: string;
  secret: string;
}

/** Integrations whose secret is kept unsealed in memory by one API process (a bounded map, oldest dropped first). */
const MAX_CACHED_INTEGRATIONS = 10_000;

/**
 * The public endpoint's work: find the integration, answer handshakes, verify, store, answer. Nothing is processed
 * here (runs are the workers' business): the answer comes once the event row is committed.
 *
 * The hot path is one statement in a transaction shared with concurrent deliveries (accept-batch.ts): the integration (its organization, settings and unsealed
 * secret) comes from a per-process cache, and the insert only happens if the stored row still holds the same sealed
 * secret and settings, so a replaced secret, changed settings or a deleted integration is never served from a stale
 * entry — the entry is dropped and the delivery handled again from the database. A delivery that fails verification
 * against a cached entry is retried once from the database too, so a replaced secret never rejects a good delivery.
 */
function createReceiver({ db, config, vault, onAccepted }: WebhooksInServiceDeps) {
  const mayRecordRejection = createRejectionLimiter();
  const cache = new Map<string, Receiving>();
  const batcher = createAcceptBatcher(db);

  async function load(integrationId: string, incoming: IncomingWebhook): Promise<Receiving | DeliveryAnswer> {
    const integration = await inScope(db, { platform: true }, (tx) => findIntegrationForWebhook(tx, integrationId));
    const declaration = integration && getProvider(integration.provider)?.webhooks;
    if (!integration || !declaration) throw new NotFound('Webhook endpoint');
    const settings = integration.settings as Record<string, string | undefined>;
    // Unsigned handshakes (Graph's validationToken, Dropbox's and Fitbit's GET) come before a secret exists.
    const handshake = handshakeAnswer(declaration, incoming, settings);
    if (handshake) return { kind: 'handshake', ...handshake };
    const sealed = integration.webhook_secret_encrypted;
    if (sealed === null) throw new NotFound('Webhook endpoint');
    const orgId = integration.organization_id;
    const ctx = webhookSecretContext(orgId, integrationId);
    // The organization's data key is usually in memory (its syncs ran): then no transaction only to open the secret.
    const secret = vault.decryptWithCachedKey(ctx, sealed) ?? (await inScope(db, { org: orgId }, (tx) => vault.decrypt(tx, ctx, sealed)));
    const entry: Receiving = { orgId, declaration, settings, settingsJson: JSON.stringify(settings), sealed, secret };
    if (cache.size >= MAX_CACHED_INTEGRATIONS) cache.delete(cache.keys().next().value!);
    cache.set(integrationId, entry);
    return entry;
  }

  /** Verifies and stores with one entry; 'stale' when the entry no longer matches the stored integration. */
  async function attempt(integrationId: string, delivery: Delivery, incoming: IncomingWebhook, entry: Receiving, cached: boolean) {
    const receivedAt = new Date();
    // Unsigned handshakes are answered first, by verifyWebhook itself.
    const result = verifyWebhook(entry.declaration, { ...incoming, secret: entry.secret, settings: entry.settings, now: receivedAt });
    if (!result.ok && cached) return 'stale' as const;
    if (result.ok && result.kind === 'handshake') return { kind: 'handshake' as const, ...result.answer };
    const row = { id: uuidv7(), organization_id: entry.orgId, integration_id: integrationId, received_at: receivedAt };
    if (!result.ok) {
      if (mayRecordRejection(`${integrationId}|${delivery.ip}`))
        await inScope(db, { org: entry.orgId }, (tx) => repo.insertRejectedEvent(tx, { ...row, reason: result.message }));
      return { rejected: result.message };
    }
    refuseUnstorable(result.eventId, 'event id', entry.declaration.eventId);
    refuseUnstorable(
      result.eventType,
      'event type',
      entry.declaration.eventType?.map((t) => t.source),
    );
    const event = { ...row, provider_event_id: result.eventId, type: result.eventType, resources: result.resources };
    const payload = storedPayload(result);
    const stored = await batcher.accept({ ...event, payload, sealed: entry.sealed, settingsJson: entry.settingsJson });
    if (stored === 'stale') return 'stale';
    // A repeated event id: the dedup rules (7-day window) decide between a duplicate and a new acceptance.
    if (stored === 'conflict')
      await inScope(db, { org: entry.orgId }, async (tx) => {
        if ((await repo.insertVerifiedEvent(tx, { ...event, payload })) === 'accepted') await repo.notifyAccepted(tx);
      });
    return { kind: 'received' as const, status: result.successStatus, body: { received: true as const } };
  }

  return async function receive(integrationId: string, delivery: Delivery): Promise<DeliveryAnswer> {
    const incoming: IncomingWebhook = { ...delivery, url: `${config.publicUrl}${delivery.path}` };
    let entry = cache.get(integrationId);
    let cached = entry !== undefined;
    for (let tries = 0; ; tries++) {
      if (!entry) {
        const loaded = await load(integrationId, incoming);
        if ('kind' in loaded) return loaded;
        entry = loaded;
      }
      const answer = await attempt(integrationId, delivery, incoming, entry, cached);
      if (answer === 'stale') {
        // Dropped and read again from the database (a fresh entry is stale only if the row changed meanwhile).
        cache.delete(integrationId);
        if (tries >= 3) throw new NotFound('Webhook endpoint');
        entry = undefined;
        cached = false;
        continue;
      }
      if ('rejected' in answer) throw new Unauthorized(answer.rejected);
      if (answer.kind === 'received') onAccepted();
      return answer;
    }
  };
}

function registeredView(row: Awaited<ReturnType<typeof repo.findRegistration>>): WebhookSettingsView['registered'] {
  if (!row) return null;
  return {
    target: row.target,
    hookId: row.provider_hook_id,
    registeredAt: row.registered_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What an admin reads: the URL and scheme to register, and the deliveries received. */
function createWebhookSettings({ db, config }: WebhooksInServiceDeps) {
  return {
    async settings(ctx: AuthedContext, orgId: string, id: string): Promise<WebhookSettingsView> {
      return inScope(db, { org: orgId }, async (tx) => {
        const integration = await requireIntegration(tx, orgId, id);
        const definition = getProvider(integration.provider);
        const declaration = definition?.webhooks;
        return {
          providerName: definition?.name ?? integration.provider,
          url: `${config.publicUrl}/api/webhooks/${id}`,
          signatureScheme: declaration ? describeScheme(declaration) : 'This provider sends no webhooks',
          registration: declaration ? [...declaration.registration] : [],
          docs: declaration?.docs ?? null,
          canRegister: declaration?.apiRegistration !== undefined,
          registered: registeredView(await repo.findRegistration(tx, orgId, id)),
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
