import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors, ErrorResponse, StrictObject } from '../../lib/schemas.js';
import type { WebhooksService } from './webhooks.service.js';
import * as S from './webhooks.schemas.js';

const OrgOnlyParams = StrictObject({ orgId: S.EndpointParams.properties.orgId });
const withConflict = { ...commonErrors, 409: Type.Ref(ErrorResponse) };

/** Webhooks out (API.md): Admins and above manage endpoints; Viewers read them and their delivery log. */
export const webhooksRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService }> = async (app, { webhooks }) => {
  const tags = ['webhooks'];
  const base = '/api/orgs/:orgId/webhook-endpoints';

  app.get(
    base,
    {
      config: { access: { action: 'read', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'listWebhookEndpoints',
        tags,
        summary: "The organization's webhook endpoints",
        params: OrgOnlyParams,
        querystring: S.ListEndpointsQuery,
        response: { 200: S.WebhookEndpointList, ...commonErrors },
      },
    },
    async (request) => webhooks.list(request.authedCtx, request.params.orgId, request.query),
  );

  app.post(
    base,
    {
      config: { access: { action: 'create', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'createWebhookEndpoint',
        tags,
        summary: 'Create an endpoint; the answer holds its signing secret, shown this once',
        params: OrgOnlyParams,
        body: S.CreateWebhookEndpointBody,
        response: { 201: S.CreatedWebhookEndpoint, ...withConflict },
      },
    },
    async (request, reply) => reply.code(201).send(await webhooks.create(request.authedCtx, request.params.orgId, request.body)),
  );

  app.get(
    `${base}/:endpointId`,
    {
      config: { access: { action: 'read', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'getWebhookEndpoint',
        tags,
        summary: 'One webhook endpoint',
        params: S.EndpointParams,
        response: { 200: S.WebhookEndpoint, ...commonErrors },
      },
    },
    async (request) => webhooks.get(request.authedCtx, request.params.orgId, request.params.endpointId),
  );

  app.patch(
    `${base}/:endpointId`,
    {
      config: { access: { action: 'update', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'updateWebhookEndpoint',
        tags,
        summary: 'Change the URL, description or events, or enable or disable the endpoint',
        params: S.EndpointParams,
        body: S.UpdateWebhookEndpointBody,
        response: { 200: S.WebhookEndpoint, ...commonErrors },
      },
    },
    async (request) => webhooks.update(request.authedCtx, request.params.orgId, request.params.endpointId, request.body),
  );

  app.delete(
    `${base}/:endpointId`,
    {
      config: { access: { action: 'delete', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'deleteWebhookEndpoint',
        tags,
        summary: 'Delete the endpoint with its delivery log',
        params: S.EndpointParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...commonErrors },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.authedCtx, request.params.orgId, request.params.endpointId);
      return reply.code(204).send(null);
    },
  );

  await app.register(endpointActionRoutes, { webhooks });
};

/** An endpoint's secret rotation and test ping, and its delivery log. */
const endpointActionRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService }> = async (app, { webhooks }) => {
  const tags = ['webhooks'];
  const base = '/api/orgs/:orgId/webhook-endpoints';

  app.post(
    `${base}/:endpointId/rotate-secret`,
    {
      config: { access: { action: 'update', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'rotateWebhookEndpointSecret',
        tags,
        summary: 'New signing secret (shown this once); for 24 hours deliveries carry signatures of both the old and the new one',
        params: S.EndpointParams,
        response: { 200: S.RotatedSecret, ...commonErrors },
      },
    },
    async (request) => webhooks.rotateSecret(request.authedCtx, request.params.orgId, request.params.endpointId),
  );

  app.post(
    `${base}/:endpointId/test`,
    {
      config: { access: { action: 'update', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'testWebhookEndpoint',
        tags,
        summary: 'Send a ping event to this endpoint; follow it in the delivery log',
        description: 'A disabled endpoint answers 409 and nothing is queued: enable it first.',
        params: S.EndpointParams,
        response: { 202: S.DeliveryAccepted, ...withConflict },
      },
    },
    async (request, reply) => reply.code(202).send(await webhooks.test(request.authedCtx, request.params.orgId, request.params.endpointId)),
  );

  app.get(
    `${base}/:endpointId/deliveries`,
    {
      config: { access: { action: 'read', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'listWebhookDeliveries',
        tags,
        summary: "The endpoint's delivery log, newest first",
        params: S.EndpointParams,
        querystring: S.ListDeliveriesQuery,
        response: { 200: S.WebhookDeliveryList, ...commonErrors },
      },
    },
    async (request) => webhooks.listDeliveries(request.authedCtx, request.params.orgId, request.params.endpointId, request.query),
  );

  app.get(
    `${base}/:endpointId/deliveries/:deliveryId`,
    {
      config: { access: { action: 'read', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'getWebhookDelivery',
        tags,
        summary: 'One delivery with its body and every attempt (status, duration, the first 2 KB of the answer)',
        params: S.DeliveryParams,
        response: { 200: S.WebhookDeliveryDetail, ...commonErrors },
      },
    },
    async (request) => webhooks.getDelivery(request.authedCtx, request.params.orgId, request.params.endpointId, request.params.deliveryId),
  );

  app.post(
    `${base}/:endpointId/deliveries/:deliveryId/redeliver`,
    {
      config: { access: { action: 'update', subject: 'WebhookEndpoint' } },
      schema: {
        operationId: 'redeliverWebhookDelivery',
        tags,
        summary: "Send the delivery's event again, as a new delivery",
        description: 'A disabled endpoint answers 409 and nothing is queued: enable it first.',
        params: S.DeliveryParams,
        response: { 202: S.DeliveryAccepted, ...withConflict },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await webhooks.redeliver(request.authedCtx, request.params.orgId, request.params.endpointId, request.params.deliveryId)),
  );
};
