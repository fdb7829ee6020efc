import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { commonErrors, ErrorResponse } from '../../lib/schemas.js';
import type { DeliveryAnswer, WebhooksInService } from './webhooks-in.service.js';
import * as S from './webhooks-in.schemas.js';

const tags = ['webhooks in'];
/** API.md: a body over 1 MB is refused (400, like every body over its limit). */
export const MAX_DELIVERY_BYTES = 1_048_576;

type Deps = { webhooksIn: WebhooksInService };

/** What the endpoint reads of a request. */
interface DeliveryRequest {
  params: { integrationId: string };
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  body: unknown;
  ip: string;
}

/** Webhooks in: the public delivery endpoint, and an integration's webhook settings and event list. */
export const webhooksInRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, deps) => {
  await app.register(deliveryRoutes, deps);
  await app.register(settingsRoutes, deps);
};

function send(reply: FastifyReply, answer: DeliveryAnswer) {
  if (answer.kind === 'received') return reply.code(answer.status).send(answer.body);
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

const deliveryResponses = {
  200: Type.String({ description: 'A handshake answered (the challenge or token echoed, as the provider documents)' }),
  202: S.Received,
  204: Type.Null({ description: 'Accepted, for providers that document 204 (Fitbit)' }),
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
};

/**
 * The provider-facing endpoint. Its bodies are kept as the bytes received (every content type, this plugin only):
 * signatures are computed over them, never over re-serialized JSON.
 */
const deliveryRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, { webhooksIn }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_DELIVERY_BYTES }, (_request, body, done) => done(null, body));

  const deliver = (request: DeliveryRequest, reply: FastifyReply) =>
    webhooksIn
      .receive(request.params.integrationId, {
        method: request.method,
        path: request.url,
        headers: request.headers,
        query: request.query as Record<string, unknown>,
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        ip: request.ip,
      })
      .then((answer) => {
        send(reply, answer);
      });

  app.post(
    '/api/webhooks/:integrationId',
    {
      bodyLimit: MAX_DELIVERY_BYTES,
      config: { access: 'public' },
      schema: {
        operationId: 'receiveWebhook',
        tags,
        summary: "A provider's webhook delivery, verified by the provider's own signature scheme",
        description:
          "Verified with the integration's webhookSecret; stored, then answered 202 { received: true } before any processing. A missing or wrong signature, or a timestamp outside the tolerance, is a 401 and changes nothing but the record of the rejected attempt. Unknown integration or no webhook secret: 404. Body over 1 MB: 400.",
        params: S.DeliveryParams,
        response: deliveryResponses,
      },
    },
    async (request, reply) => {
      await deliver(request, reply);
    },
  );

  app.get(
    '/api/webhooks/:integrationId',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'answerWebhookChallenge',
        tags,
        summary: "A provider's GET handshake (Dropbox's challenge, Fitbit's verification code)",
        params: S.DeliveryParams,
        response: deliveryResponses,
      },
    },
    async (request, reply) => {
      await deliver(request, reply);
    },
  );
};

const settingsRoutes: FastifyPluginAsyncTypebox<Deps> = async (app, { webhooksIn }) => {
  app.get(
    '/api/orgs/:orgId/integrations/:id/webhook',
    {
      config: { access: { action: 'read', subject: 'Integration' } },
      schema: {
        operationId: 'getIntegrationWebhook',
        tags,
        summary: "The URL to register in the provider's console, and how deliveries are verified",
        params: S.WebhookParams,
        response: { 200: S.WebhookSettings, ...commonErrors },
      },
    },
    async (request) => webhooksIn.settings(request.authedCtx, request.params.orgId, request.params.id),
  );

  app.post(
    '/api/orgs/:orgId/integrations/:id/webhook/register',
    {
      config: { access: { action: 'update', subject: 'Integration' } },
      schema: {
        operationId: 'registerIntegrationWebhook',
        tags,
        summary: "Registers the integration's webhook URL through the provider's API (GitHub repository webhooks)",
        description:
          "With the connection's OAuth token, creates the webhook at the provider (or updates the one registered before, never a second one) with this integration's URL, the events its syncs map, and the webhook secret: the one set on the integration, else a new one stored write-only. Needs a connected integration whose provider registers webhooks by API (else 409 with field params.id: register by hand with the steps of GET …/webhook), the provider's scope (409, field /scopes) and the settings naming the target (400, field /settings/<key>, also when the provider does not know the target). Audited as integration.webhook_registered, without the secret.",
        params: S.WebhookParams,
        response: { 200: S.WebhookRegistration, ...commonErrors, 409: Type.Ref(ErrorResponse), 502: Type.Ref(ErrorResponse) },
      },
    },
    async (request) => webhooksIn.register(request.authedCtx, request.params.orgId, request.params.id),
  );

  app.get(
    '/api/orgs/:orgId/integrations/:id/webhook-events',
    {
      config: { access: { action: 'read', subject: 'Integration' } },
      schema: {
        operationId: 'listWebhookEvents',
        tags,
        summary: "The integration's webhook deliveries, newest first (rejected attempts too, rate-limited)",
        params: S.WebhookParams,
        querystring: S.WebhookEventsQuery,
        response: { 200: S.WebhookEventList, ...commonErrors },
      },
    },
    async (request) => webhooksIn.listEvents(request.authedCtx, request.params.orgId, request.params.id, request.query),
  );
};
