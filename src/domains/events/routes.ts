import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import {
  EventListQuery,
  EventPage,
  RotateSecretBody,
  WebhookDeliveryPage,
  WebhookDeliveryParams,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookEndpointBody,
  WebhookEndpointList,
  WebhookEndpointParams,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from './schemas.ts';
import type { EventsService } from './service.ts';
import type { WebhookEndpointsService } from './webhook-endpoints.ts';

/** The bank's key reads its part of the log; finance and supervisors read all of it. */
const READERS = ['finance', 'supervisor', 'scope:events:read'] as const;
/** Webhook endpoints belong to the partner key that made them. */
const PARTNERS = ['scope:events:read'] as const;

export const eventsRoutes: FastifyPluginAsyncTypebox<{
  events: EventsService;
  webhooks: WebhookEndpointsService;
}> = async (app, { events, webhooks }) => {
  app.get(
    '/v1/events',
    {
      config: { policy: { allow: READERS, record: 'event-log' } },
      schema: {
        tags: ['events'],
        summary:
          'The event log in order, after a cursor: a partner key sees the events of memberships sold through its channel (and of its own webhook endpoints); finance and supervisors see all',
        querystring: EventListQuery,
        response: { 200: EventPage, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const q = request.query;
      return events.list(actorOf(request), { after: q.after, types: q.type, limit: q.limit ?? 100 });
    },
  );

  app.post(
    '/v1/webhook-endpoints',
    {
      config: { policy: { allow: PARTNERS, record: 'own-webhook-endpoints' } },
      schema: {
        tags: ['webhooks'],
        summary:
          'Add an endpoint that receives events signed per Standard Webhooks. The answer holds its secret, shown this once',
        body: WebhookEndpointBody,
        response: { 201: WebhookEndpointWithSecret, ...problemResponses(400, 401, 403, 409, 422, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(actorOf(request), request.body)),
  );

  app.get(
    '/v1/webhook-endpoints',
    {
      config: { policy: { allow: PARTNERS, record: 'own-webhook-endpoints' } },
      schema: {
        tags: ['webhooks'],
        summary: 'This key’s webhook endpoints (never their secrets)',
        response: { 200: WebhookEndpointList, ...problemResponses(401, 403, 429) },
      },
    },
    async (request) => webhooks.list(actorOf(request)),
  );

  app.get(
    '/v1/webhook-endpoints/:id',
    {
      config: { policy: { allow: PARTNERS, record: 'webhook-endpoint' } },
      schema: {
        tags: ['webhooks'],
        summary: 'One of this key’s webhook endpoints: its status, and why it was disabled if it was',
        params: WebhookEndpointParams,
        response: { 200: WebhookEndpointView, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => webhooks.get(actorOf(request), request.params.id),
  );

  app.delete(
    '/v1/webhook-endpoints/:id',
    {
      config: { policy: { allow: PARTNERS, record: 'webhook-endpoint' } },
      schema: {
        tags: ['webhooks'],
        summary: 'Delete an endpoint: nothing more is delivered to it, pending deliveries are cancelled',
        params: WebhookEndpointParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...problemResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      await webhooks.delete(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/secret-rotations',
    {
      config: { policy: { allow: PARTNERS, record: 'webhook-endpoint' } },
      schema: {
        tags: ['webhooks'],
        summary:
          'A new signing secret, shown this once; the old one keeps signing beside it (two signatures) for the hours asked',
        params: WebhookEndpointParams,
        body: RotateSecretBody,
        response: { 200: WebhookEndpointWithSecret, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => webhooks.rotateSecret(actorOf(request), request.params.id, request.body ?? {}),
  );

  app.post(
    '/v1/webhook-endpoints/:id/enable',
    {
      config: { policy: { allow: PARTNERS, record: 'webhook-endpoint' } },
      schema: {
        tags: ['webhooks'],
        summary:
          'Enable a disabled endpoint again; deliveries start from now (read what happened meanwhile from GET /v1/events)',
        params: WebhookEndpointParams,
        response: { 200: WebhookEndpointView, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => webhooks.enable(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      config: { policy: { allow: PARTNERS, record: 'webhook-endpoint' } },
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log, newest first: each delivery’s status and every attempt’s answer',
        params: WebhookEndpointParams,
        querystring: WebhookDeliveryQuery,
        response: { 200: WebhookDeliveryPage, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) =>
      webhooks.deliveries(actorOf(request), request.params.id, {
        status: request.query.status,
        before: request.query.before,
        limit: request.query.limit ?? 20,
      }),
  );

  app.post(
    '/v1/webhook-endpoints/:id/deliveries/:deliveryId/replay',
    {
      config: { policy: { allow: PARTNERS, record: 'webhook-endpoint' } },
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivery’s event again now (same webhook-id); the outcome joins its log',
        params: WebhookDeliveryParams,
        response: { 202: WebhookDeliveryView, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await webhooks.replay(actorOf(request), request.params.id, request.params.deliveryId)),
  );
};
