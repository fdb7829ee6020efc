import { Type, type Static } from '@sinclair/typebox';
import { PageQuery } from '../../lib/pagination.js';
import { ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';

/**
 * Every event type an endpoint can subscribe to (API.md, Webhooks out). `webhook.received` and `conflict.created`
 * come with the webhooks-in and two-way issues; endpoints may subscribe to them already.
 */
export const WEBHOOK_EVENT_TYPES = [
  'sync.succeeded',
  'sync.failed',
  'records.changed',
  'integration.connected',
  'integration.disconnected',
  'integration.error',
  'webhook.received',
  'conflict.created',
  'ping',
] as const;

// An enum rather than a union of literals, so OpenAPI (and the admin UI's checkboxes) see one named list.
export const WebhookEventType = Type.Unsafe<(typeof WEBHOOK_EVENT_TYPES)[number]>(
  Type.String({ enum: [...WEBHOOK_EVENT_TYPES], description: 'An event type, e.g. "sync.succeeded"' }),
);
export type WebhookEventType = Static<typeof WebhookEventType>;

export const MAX_ENDPOINTS_PER_ORGANIZATION = 20;

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Where deliveries are POSTed: an https:// URL (http:// only outside production) on a public address',
});
const Description = Type.String({ maxLength: 500, description: 'What the endpoint is for (free text, shown in the admin UI)' });
const Events = Type.Array(WebhookEventType, {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
  uniqueItems: true,
  description: 'The event types delivered to this endpoint',
});
const Enabled = Type.Boolean({ description: 'Whether events are delivered (a disabled endpoint keeps its pending deliveries)' });

export const WebhookEndpoint = Type.Object({
  id: Uuid,
  url: Url,
  description: Description,
  events: Events,
  enabled: Enabled,
  disabledReason: Type.Union([Type.String(), Type.Null()], {
    description: 'Why Linkyard disabled the endpoint (it kept failing); null when enabled, or disabled by a person',
  }),
  secretRotatedUntil: Type.Union([Timestamp, Type.Null()], {
    description: 'After a secret rotation: until when deliveries also carry a signature made with the previous secret',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const WebhookEndpointList = ListOf(WebhookEndpoint);

const Secret = Type.String({
  description: 'The signing secret: "whsec_" + base64 of 32 random bytes. Shown only in this response; store it now',
});
export const CreatedWebhookEndpoint = Type.Intersect([WebhookEndpoint, Type.Object({ secret: Secret })]);
export const RotatedSecret = Type.Object({
  secret: Secret,
  previousSecretExpiresAt: Type.String({ format: 'date-time', description: 'Until when the previous secret still signs deliveries' }),
});

export const CreateWebhookEndpointBody = StrictObject({
  url: Url,
  description: Type.Optional(Description),
  events: Events,
  enabled: Type.Optional(Enabled),
});
export const UpdateWebhookEndpointBody = StrictObject({
  url: Type.Optional(Url),
  description: Type.Optional(Description),
  events: Type.Optional(Events),
  enabled: Type.Optional(Type.Boolean({ description: 'false stops deliveries; true resumes them and clears disabledReason' })),
});

const OrgId = Type.String({ format: 'uuid', description: 'The organization' });
const EndpointId = Type.String({ format: 'uuid', description: 'The webhook endpoint' });
export const EndpointParams = StrictObject({ orgId: OrgId, endpointId: EndpointId });
export const DeliveryParams = StrictObject({
  orgId: OrgId,
  endpointId: EndpointId,
  deliveryId: Type.String({ format: 'uuid', description: 'The delivery (one event to this endpoint)' }),
});
export const ListEndpointsQuery = StrictObject({
  limit: Type.Optional({ ...PageQuery.limit, description: 'Page size, 1–200 (default 50)' }),
  cursor: Type.Optional({ ...PageQuery.cursor, description: 'nextCursor of the previous page' }),
});

const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')], {
  description: 'pending: not delivered yet (retries follow); succeeded: a 2xx answer; failed: every attempt failed',
});
export const ListDeliveriesQuery = StrictObject({
  ...ListEndpointsQuery.properties,
  status: Type.Optional(DeliveryStatus),
  event: Type.Optional(WebhookEventType),
});

export const WebhookDelivery = Type.Object({
  id: Uuid,
  eventId: Type.String({ format: 'uuid', description: 'The event: the webhook-id header, the same on every attempt (dedupe by it)' }),
  event: WebhookEventType,
  status: DeliveryStatus,
  attempts: Type.Integer({ description: 'Attempts made so far' }),
  lastAttemptAt: Type.Union([Timestamp, Type.Null()], { description: 'When the last attempt was made' }),
  nextAttemptAt: Type.Union([Timestamp, Type.Null()], { description: 'When the next attempt is due (null once finished)' }),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()], { description: "The last attempt's HTTP status (null: no answer)" }),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt failed' }),
  createdAt: Timestamp,
});
export const WebhookDeliveryList = ListOf(WebhookDelivery);

export const WebhookAttempt = Type.Object({
  id: Uuid,
  attemptedAt: Timestamp,
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the answer (null: none, see error)' }),
  durationMs: Type.Integer({ description: 'From sending the request to the end of the answer (or the failure)' }),
  response: Type.Union([Type.String(), Type.Null()], { description: 'The first 2 KB of the response body' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the attempt failed' }),
});
export const WebhookDeliveryDetail = Type.Intersect([
  WebhookDelivery,
  Type.Object({
    payload: Type.Unknown({ description: 'The body that is POSTed: { id, type, createdAt, organizationId, data }' }),
    attemptList: Type.Array(WebhookAttempt, { description: 'Every attempt, oldest first' }),
  }),
]);

export const DeliveryAccepted = Type.Object({
  deliveryId: Type.String({ format: 'uuid', description: 'The new delivery; follow it in the delivery log' }),
});
