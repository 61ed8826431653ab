import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { CaseView, ProviderJobView } from '../cases/schemas.ts';
import type { CasesService } from '../cases/service.ts';
import type { DispatchService } from './service.ts';

const Point = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
const ServiceCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });

const Coverage = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('radius'),
      center: Point,
      radiusKm: Type.Number({ exclusiveMinimum: 0, maximum: 2000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('states'),
      states: Type.Array(Type.String({ pattern: '^[A-Z]{3}$' }), {
        minItems: 1,
        maxItems: 32,
        uniqueItems: true,
      }),
    },
    { additionalProperties: false },
  ),
]);

const ProviderBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120 }),
    phone: Type.String({ pattern: '^\\+?[0-9 ()-]{8,20}$' }),
    services: Type.Array(ServiceCode, { minItems: 1, maxItems: 30, uniqueItems: true }),
    coverage: Coverage,
    location: Point,
    available: Type.Optional(Type.Boolean()),
    capacity: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

const ProviderView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  phone: Type.String(),
  services: Type.Array(Type.String()),
  coverage: Type.Union([
    Type.Object({
      kind: Type.Literal('radius'),
      center: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
      radiusKm: Type.Number(),
    }),
    Type.Object({ kind: Type.Literal('states'), states: Type.Array(Type.String()) }),
  ]),
  location: Type.Object({
    lat: Type.Number(),
    lng: Type.Number(),
    updatedAt: Type.String({ format: 'date-time' }),
  }),
  available: Type.Boolean(),
  capacity: Type.Integer(),
  activeJobs: Type.Integer(),
});

const OfferView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  caseId: Type.String({ format: 'uuid' }),
  caseNumber: Type.String(),
  serviceCode: Type.String(),
  addressText: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  description: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  distanceKm: Type.Number(),
  etaMinutes: Type.Integer(),
  offeredAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

const CandidateView = Type.Object({
  providerId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  phone: Type.String(),
  distanceKm: Type.Number({ description: "Straight line from the provider's unit to the case's place" }),
  etaMinutes: Type.Integer({ description: 'Minutes to arrive if it accepted now (5 to set out + the road)' }),
  covers: Type.Boolean({ description: "The place is inside the provider's coverage" }),
  available: Type.Boolean(),
  activeJobs: Type.Integer(),
  capacity: Type.Integer(),
  canTake: Type.Boolean({ description: 'Covers the place, available and with room for one more job' }),
});

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PROVIDER_SIDE = ['provider', 'scope:provider:jobs'] as const;
const STAFF = ['agent', 'supervisor', 'admin'] as const;

export const dispatchRoutes: FastifyPluginAsyncTypebox<{
  dispatch: DispatchService;
  cases: CasesService;
}> = async (app, { dispatch, cases }) => {
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

  app.get(
    '/v1/cases/:id/candidates',
    {
      config: { policy: { allow: ['agent', 'supervisor', 'admin'], record: 'case' } },
      schema: {
        tags: ['providers'],
        summary:
          "The providers that give the case's service, with distance and ETA to its place and whether each can take it now (the dispatch board)",
        params: IdParams,
        response: {
          200: Type.Object({
            data: Type.Array(CandidateView),
            asOf: Type.String({
              format: 'date-time',
              description:
                "The platform's clock when answering (count an offer's `expiresAt` down against it)",
            }),
          }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => cases.candidates(actorOf(request), request.params.id),
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
    '/v1/provider/offers',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-offers' } },
      schema: {
        tags: ['provider'],
        summary: 'Cases offered to me, waiting for my answer',
        response: { 200: Type.Object({ data: Type.Array(OfferView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ data: await dispatch.pendingOffers(actorOf(request)) }),
  );

  app.get(
    '/v1/provider/jobs',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-jobs' } },
      schema: {
        tags: ['provider'],
        summary: 'My jobs in progress',
        response: { 200: Type.Object({ data: Type.Array(ProviderJobView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ data: await cases.providerJobs(actorOf(request)) }),
  );

  app.get(
    '/v1/provider/jobs/:id',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-job' } },
      schema: {
        tags: ['provider'],
        summary: "One of my jobs, also once completed or cancelled (another provider's case is a 404)",
        params: IdParams,
        response: { 200: ProviderJobView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => cases.providerJob(actorOf(request), request.params.id),
  );

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

  app.post(
    '/v1/offers/:id/accept',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-offer' } },
      schema: {
        tags: ['provider'],
        summary:
          'Accept an offered case (capped services need the quote); a tow over its cap waits for the customer',
        params: IdParams,
        body: Type.Object(
          {
            quoteCentavos: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
            etaMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const view = await cases.acceptOffer(actorOf(request), request.params.id, request.body);
      return view;
    },
  );

  app.post(
    '/v1/offers/:id/decline',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-offer' } },
      schema: {
        tags: ['provider'],
        summary: 'Decline an offered case; it goes to the next nearest provider',
        params: IdParams,
        body: Type.Object(
          { reason: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await cases.declineOffer(actorOf(request), request.params.id, request.body.reason);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/v1/provider/location',
    {
      config: { policy: { allow: PROVIDER_SIDE, record: 'own-provider' } },
      schema: {
        tags: ['provider'],
        summary: 'Where I am now: jobs on the way get a new ETA, and their followers see it',
        body: Point,
        response: { 200: Type.Object({ updated: Type.Integer() }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => cases.providerMoved(actorOf(request), request.body),
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
