import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { ProviderBody, ProviderView, ServiceCode } from './schemas.ts';
import type { DispatchService } from './service.ts';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PROVIDER_SIDE = ['provider', 'scope:provider:jobs'] as const;
const STAFF = ['agent', 'supervisor', 'admin'] as const;

export const dispatchRoutes: FastifyPluginAsyncTypebox<{ dispatch: DispatchService }> = async (
  app,
  { dispatch },
) => {
  // --- The registry (staff) ---
  app.get(
    '/v1/providers',
    {
      // Customers and partners look for a provider to book an appointment with.
      config: { policy: { allow: [...STAFF, 'customer', 'scope:cases:write'], record: 'none' } },
      schema: {
        tags: ['providers'],
        summary: 'The provider network, optionally only those giving a service',
        querystring: Type.Object(
          { serviceCode: Type.Optional(ServiceCode) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(ProviderView) }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({ data: await dispatch.list(request.query.serviceCode) }),
  );

  app.post(
    '/v1/providers',
    {
      config: { policy: { allow: ['admin'], record: 'none' } },
      schema: {
        tags: ['providers'],
        summary:
          'Register a provider: services, coverage (centre and radius, or states), location and capacity',
        body: ProviderBody,
        response: { 201: ProviderView, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await dispatch.register(actorOf(request), request.body)),
  );

  app.get(
    '/v1/providers/:id',
    {
      config: { policy: { allow: STAFF, record: 'none' } },
      schema: {
        tags: ['providers'],
        summary: 'A provider of the network',
        params: IdParams,
        response: { 200: ProviderView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => dispatch.get(request.params.id),
  );

  app.put(
    '/v1/providers/:id/availability',
    {
      config: { policy: { allow: ['supervisor', 'admin'], record: 'none' } },
      schema: {
        tags: ['providers'],
        summary: "Set a provider's availability and capacity",
        params: IdParams,
        body: Type.Object(
          {
            available: Type.Optional(Type.Boolean()),
            capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ProviderView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => dispatch.setAvailability(actorOf(request), request.params.id, request.body),
  );

  // --- The provider's own side ---
  app.get(
    '/v1/provider',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-provider' } },
      schema: {
        tags: ['provider'],
        summary: 'The provider I work for: services, availability, capacity and jobs in hand',
        response: { 200: ProviderView, ...problemResponses(401, 403) },
      },
    },
    async (request) => dispatch.get(dispatch.providerIdOf(actorOf(request))),
  );

  app.put(
    '/v1/provider/availability',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-provider' } },
      schema: {
        tags: ['provider'],
        summary: 'Take offers or stop taking them',
        body: Type.Object({ available: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: ProviderView, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      dispatch.setAvailability(actorOf(request), dispatch.providerIdOf(actorOf(request)), request.body),
  );
};
