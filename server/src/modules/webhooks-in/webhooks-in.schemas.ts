import { Type } from '@sinclair/typebox';
import { StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';

export const DeliveryParams = StrictObject({
  integrationId: Type.String({ ...Uuid, description: 'The integration the provider delivers to (the id in the registered URL)' }),
});

export const Received = Type.Object(
  { received: Type.Literal(true, { description: 'The delivery was verified and stored; it is processed afterwards' }) },
  { description: 'Answered before any processing' },
);

export const WebhookParams = StrictObject({
  orgId: Type.String({ ...Uuid, description: 'The organization' }),
  id: Type.String({ ...Uuid, description: 'The integration' }),
});

export const WebhookSettings = Type.Object({
  url: Type.String({ description: "The URL to register in the provider's console: $PUBLIC_URL/api/webhooks/<integrationId>" }),
  signatureScheme: Type.String({ description: 'How deliveries are verified, in one line (algorithm, header, timestamp tolerance)' }),
  registration: Type.Array(Type.String(), {
    description:
      'How to register the URL at the provider and which of its values is the webhook secret, in order (empty when the provider sends no webhooks)',
  }),
  docs: Type.Union([Type.String(), Type.Null()], { description: "The provider's documentation of its webhooks and signatures" }),
  providerName: Type.String({ description: "The provider's name (GitHub), for the steps and the register button" }),
  canRegister: Type.Boolean({
    description:
      "Whether Linkyard can register the URL through the provider's API (POST …/webhook/register); false: register it by hand with the steps in `registration`",
  }),
  registered: Type.Union(
    [
      Type.Object({
        target: Type.String({ description: 'What the webhook is registered on (GitHub: owner/repo)' }),
        hookId: Type.String({ description: "The provider's id of the registered webhook" }),
        registeredAt: Timestamp,
        updatedAt: Timestamp,
      }),
      Type.Null(),
    ],
    { description: "The webhook Linkyard registered through the provider's API; null when none was" },
  ),
  hasWebhookSecret: Type.Boolean({ description: 'Whether a webhook secret is set; without one every delivery is answered 404' }),
  lastReceivedAt: Type.Union([Timestamp, Type.Null()], { description: 'When the last delivery (of any status) arrived' }),
});

export const WebhookEventStatus = Type.Union(
  [Type.Literal('accepted'), Type.Literal('rejected'), Type.Literal('duplicate'), Type.Literal('ignored')],
  {
    description:
      'accepted: verified and acted on (or about to be); rejected: failed verification (see reason); duplicate: a repeat of a provider event id seen in the last 7 days; ignored: the integration was paused',
  },
);

export const WebhookEvent = Type.Object({
  id: Type.String({ ...Uuid, description: 'The delivery' }),
  providerEventId: Type.Union([Type.String(), Type.Null()], { description: "The provider's event id, when it sends one" }),
  type: Type.Union([Type.String(), Type.Null()], { description: "The provider's event type (e.g. customer.updated)" }),
  receivedAt: Type.String({ ...Timestamp, description: 'When the delivery arrived' }),
  status: WebhookEventStatus,
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why it was rejected or ignored, in a sentence' }),
  runId: Type.Union([Type.String({ ...Uuid }), Type.Null()], { description: 'The run the event queued or joined' }),
  processedAt: Type.Union([Timestamp, Type.Null()], { description: 'When a worker acted on it; null while it waits' }),
});

export const WebhookEventList = Type.Object({
  items: Type.Array(WebhookEvent, { description: 'Newest first' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last' }),
});

export const WebhookEventsQuery = StrictObject({
  status: Type.Optional(WebhookEventStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Events per page (1–200, default 50)' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The nextCursor of the previous page' })),
});

export const WebhookRegistration = Type.Object(
  {
    registered: Type.Union([Type.Literal('created'), Type.Literal('updated')], {
      description: 'created: the provider has a new webhook; updated: the one registered before (or one with this URL) was updated',
    }),
    target: Type.String({ description: 'What the webhook is registered on (GitHub: owner/repo)' }),
    hookId: Type.String({ description: "The provider's id of the webhook" }),
    url: Type.String({ description: 'The URL the provider delivers to: $PUBLIC_URL/api/webhooks/<integrationId>' }),
    registeredAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: 'The webhook secret is set (or kept) on the integration and never returned' },
);
