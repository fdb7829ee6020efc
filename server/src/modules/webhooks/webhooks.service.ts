import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import { actorLabelOf, type AuthedContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { Conflict, NotFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { fieldChanges, recordAudit } from '../audit/audit.service.js';
import { checkEndpointUrl } from './webhook-url.js';
import { deliveryBody } from './delivery-send.js';
import { newSigningSecret } from './webhook-signature.js';
import { secretContext } from './webhook-secrets.js';
import * as repo from './webhooks.repo.js';
import * as S from './webhooks.schemas.js';

/** The API's shapes (webhooks.schemas.ts is the one definition). */
export type WebhookEndpointView = Static<typeof S.WebhookEndpoint>;
export type CreateWebhookEndpointInput = Static<typeof S.CreateWebhookEndpointBody>;
export type UpdateWebhookEndpointInput = Static<typeof S.UpdateWebhookEndpointBody>;
export type ListEndpointsQuery = Static<typeof S.ListEndpointsQuery>;
export type ListDeliveriesQuery = Static<typeof S.ListDeliveriesQuery>;
export type WebhookDeliveryView = Static<typeof S.WebhookDelivery>;
export type WebhookDeliveryDetailView = Static<typeof S.WebhookDeliveryDetail>;

/** How long a rotated-out secret keeps signing deliveries, so receivers can switch without missing one. */
export const PREVIOUS_SECRET_LIFETIME_MS = 24 * 3600 * 1000;

function toEndpointView(row: repo.EndpointRow, now = Date.now()): WebhookEndpointView {
  const rotating = row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > now;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as S.WebhookEventType[],
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    secretRotatedUntil: rotating ? row.previous_secret_expires_at!.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toDeliveryView(row: repo.DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    event: row.event_type as S.WebhookEventType,
    status: row.status,
    attempts: row.attempts,
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    nextAttemptAt: row.status === 'pending' ? (row.next_attempt_at?.toISOString() ?? null) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
  };
}

/** Sending to a disabled endpoint is refused: its deliveries wait until it is enabled (locked, so a concurrent enable or
 * disable is either before or after). */
function requireEnabled(endpoint: repo.EndpointRow, what: string): void {
  if (!endpoint.enabled) {
    throw new Conflict(`This endpoint is disabled, so Linkyard sends it nothing; enable it first, then ${what}`);
  }
}

async function requireEndpoint(tx: Tx, orgId: string, id: string, lock = false): Promise<repo.EndpointRow> {
  const row = lock ? await repo.lockEndpoint(tx, orgId, id) : await repo.findEndpoint(tx, orgId, id);
  if (!row) throw new NotFound('Webhook endpoint');
  return row;
}

export interface WebhooksServiceDeps {
  db: Db;
  vault: Vault;
  config: Pick<Config, 'allowPrivateNetworkTargets' | 'nodeEnv'>;
}

/** Webhook endpoints (CRUD, secret rotation, test pings, each change audited) and their delivery log. */
export function createWebhooksService(deps: WebhooksServiceDeps) {
  return { ...createEndpointQueries(deps), ...createEndpointCommands(deps), ...createEndpointActions(deps), ...createDeliveryLog(deps) };
}

function createEndpointQueries({ db }: WebhooksServiceDeps) {
  return {
    async list(ctx: AuthedContext, orgId: string, q: ListEndpointsQuery): Promise<Page<WebhookEndpointView>> {
      const limit = q.limit ?? 50;
      const c = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const rows = await inScope(db, { org: orgId }, (tx) =>
        repo.listEndpoints(tx, orgId, c ? { createdAt: c[0], id: c[1] } : undefined, limit),
      );
      return toPage(
        rows,
        limit,
        (r) => toEndpointView(r),
        (r) => [r.created_at.toISOString(), r.id],
      );
    },

    async get(ctx: AuthedContext, orgId: string, id: string): Promise<WebhookEndpointView> {
      return toEndpointView(await inScope(db, { org: orgId }, (tx) => requireEndpoint(tx, orgId, id)));
    },
  };
}

function createEndpointCommands({ db, vault, config }: WebhooksServiceDeps) {
  const urlPolicy = { allowPrivateNetworkTargets: config.allowPrivateNetworkTargets, requireHttps: config.nodeEnv === 'production' };
  const seal = (tx: Tx, orgId: string, id: string, column: 'secret_encrypted' | 'previous_secret_encrypted', secret: string) =>
    vault.encrypt(tx, secretContext(orgId, id, column), secret);

  return {
    async create(ctx: AuthedContext, orgId: string, input: CreateWebhookEndpointInput): Promise<WebhookEndpointView & { secret: string }> {
      const url = await checkEndpointUrl(input.url, urlPolicy);
      const id = uuidv7();
      const secret = newSigningSecret();
      const row = await inScope(db, { org: orgId }, async (tx) => {
        await repo.lockEndpointCreation(tx, orgId);
        if ((await repo.countEndpoints(tx, orgId)) >= S.MAX_ENDPOINTS_PER_ORGANIZATION) {
          throw new Conflict(
            `This organization already has ${S.MAX_ENDPOINTS_PER_ORGANIZATION} webhook endpoints, the most it may have; delete one first (one endpoint can take several events)`,
          );
        }
        await repo.insertEndpoint(tx, {
          id,
          organization_id: orgId,
          url,
          description: input.description ?? '',
          events: input.events,
          enabled: input.enabled ?? true,
          disabled_reason: null,
          secret_encrypted: await seal(tx, orgId, id, 'secret_encrypted', secret),
          previous_secret_encrypted: null,
          previous_secret_expires_at: null,
          failing_since: null,
        });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'webhook_endpoint.created',
          target: { type: 'webhook_endpoint', id },
          metadata: { url, events: input.events, enabled: input.enabled ?? true },
        });
        return requireEndpoint(tx, orgId, id);
      });
      return { ...toEndpointView(row), secret };
    },

    async update(ctx: AuthedContext, orgId: string, id: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpointView> {
      const url = input.url === undefined ? undefined : await checkEndpointUrl(input.url, urlPolicy);
      const row = await inScope(db, { org: orgId }, async (tx) => {
        const before = await requireEndpoint(tx, orgId, id, true);
        // Enabling again clears Linkyard's reason and the failing streak: the window starts over.
        const reenabled = input.enabled === true && !before.enabled;
        await repo.updateEndpoint(tx, orgId, id, {
          ...(url !== undefined ? { url } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.events !== undefined ? { events: input.events } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          ...(input.enabled !== undefined ? { disabled_reason: null } : {}),
          ...(reenabled ? { failing_since: null } : {}),
        });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'webhook_endpoint.updated',
          target: { type: 'webhook_endpoint', id },
          metadata: {
            changed: Object.keys(input),
            changes: fieldChanges({
              description: [before.description, input.description],
              events: [before.events, input.events],
              enabled: [before.enabled, input.enabled],
            }),
            url: url ?? before.url,
            events: input.events ?? before.events,
            enabled: input.enabled ?? before.enabled,
          },
        });
        return requireEndpoint(tx, orgId, id);
      });
      return toEndpointView(row);
    },

    async remove(ctx: AuthedContext, orgId: string, id: string): Promise<void> {
      await inScope(db, { org: orgId }, async (tx) => {
        const before = await requireEndpoint(tx, orgId, id, true);
        await repo.deleteEndpoint(tx, orgId, id);
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'webhook_endpoint.deleted',
          target: { type: 'webhook_endpoint', id },
          metadata: { url: before.url, events: before.events },
        });
      });
    },
  };
}

/** Rotating an endpoint's secret and sending it a test ping. */
function createEndpointActions({ db, vault }: WebhooksServiceDeps) {
  const seal = (tx: Tx, orgId: string, id: string, column: 'secret_encrypted' | 'previous_secret_encrypted', secret: string) =>
    vault.encrypt(tx, secretContext(orgId, id, column), secret);

  return {
    /** A new secret; the current one becomes the previous one and keeps signing deliveries for 24 hours. */
    async rotateSecret(ctx: AuthedContext, orgId: string, id: string): Promise<Static<typeof S.RotatedSecret>> {
      const secret = newSigningSecret();
      const previousSecretExpiresAt = new Date(Date.now() + PREVIOUS_SECRET_LIFETIME_MS);
      await inScope(db, { org: orgId }, async (tx) => {
        const before = await requireEndpoint(tx, orgId, id, true);
        const current = await vault.decrypt(tx, secretContext(orgId, id, 'secret_encrypted'), before.secret_encrypted);
        await repo.updateEndpoint(tx, orgId, id, {
          secret_encrypted: await seal(tx, orgId, id, 'secret_encrypted', secret),
          previous_secret_encrypted: await seal(tx, orgId, id, 'previous_secret_encrypted', current),
          previous_secret_expires_at: previousSecretExpiresAt,
        });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'webhook_endpoint.secret_rotated',
          target: { type: 'webhook_endpoint', id },
          metadata: { previousValidUntil: previousSecretExpiresAt.toISOString() },
        });
      });
      return { secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() };
    },

    /**
     * A `ping` event to this endpoint only (whatever it subscribes to); the worker sends it like any other. A disabled
     * endpoint is refused (409): the worker sends nothing to it, so the ping would sit pending until someone enabled it.
     */
    async test(ctx: AuthedContext, orgId: string, id: string): Promise<{ deliveryId: string }> {
      const deliveryId = uuidv7();
      await inScope(db, { org: orgId }, async (tx) => {
        requireEnabled(await requireEndpoint(tx, orgId, id, true), 'send a test event');
        const eventId = uuidv7();
        const payload = JSON.stringify({
          endpointId: id,
          message: 'A test event sent from Linkyard',
          requestedBy: actorLabelOf(ctx.actor),
        });
        await repo.insertEvent(tx, { id: eventId, organizationId: orgId, type: 'ping', payload });
        await repo.insertDelivery(tx, { id: deliveryId, organizationId: orgId, endpointId: id, eventId, eventType: 'ping' });
      });
      return { deliveryId };
    },
  };
}

function createDeliveryLog({ db }: WebhooksServiceDeps) {
  return {
    async listDeliveries(
      ctx: AuthedContext,
      orgId: string,
      endpointId: string,
      q: ListDeliveriesQuery,
    ): Promise<Page<WebhookDeliveryView>> {
      const limit = q.limit ?? 50;
      const c = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const rows = await inScope(db, { org: orgId }, async (tx) => {
        await requireEndpoint(tx, orgId, endpointId);
        return repo.listDeliveries(
          tx,
          orgId,
          endpointId,
          { status: q.status, event: q.event },
          c ? { createdAt: c[0], id: c[1] } : undefined,
          limit,
        );
      });
      return toPage(rows, limit, toDeliveryView, (r) => [r.created_at.toISOString(), r.id]);
    },

    async getDelivery(ctx: AuthedContext, orgId: string, endpointId: string, deliveryId: string): Promise<WebhookDeliveryDetailView> {
      return inScope(db, { org: orgId }, async (tx) => {
        const delivery = await repo.findDelivery(tx, orgId, endpointId, deliveryId);
        if (!delivery) throw new NotFound('Delivery');
        const event = await repo.findEvent(tx, orgId, delivery.event_id);
        const attempts = await repo.attemptsOf(tx, orgId, deliveryId);
        return {
          ...toDeliveryView(delivery),
          payload: event
            ? JSON.parse(
                deliveryBody({
                  event_id: event.id,
                  event_type: event.type,
                  event_created_at: event.created_at,
                  organization_id: orgId,
                  payload: event.payload,
                }),
              )
            : null,
          attemptList: attempts.map((a) => ({
            id: a.id,
            attemptedAt: a.attempted_at.toISOString(),
            statusCode: a.status_code,
            durationMs: a.duration_ms,
            response: a.response_excerpt,
            error: a.error,
          })),
        };
      });
    },

    /**
     * Sends the delivery's event to the endpoint again, as a new delivery with its own attempts and retries; refused
     * (409) while the endpoint is disabled, like a test.
     */
    async redeliver(ctx: AuthedContext, orgId: string, endpointId: string, deliveryId: string): Promise<{ deliveryId: string }> {
      const id = uuidv7();
      await inScope(db, { org: orgId }, async (tx) => {
        requireEnabled(await requireEndpoint(tx, orgId, endpointId, true), 'send a delivery again');
        const delivery = await repo.findDelivery(tx, orgId, endpointId, deliveryId);
        if (!delivery) throw new NotFound('Delivery');
        await repo.insertDelivery(tx, {
          id,
          organizationId: orgId,
          endpointId,
          eventId: delivery.event_id,
          eventType: delivery.event_type,
        });
      });
      return { deliveryId: id };
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
