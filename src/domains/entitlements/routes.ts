import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import type { EntitlementsService } from './service.ts';

const Localised = Type.Object({ es: Type.String(), en: Type.String() });

const LimitStatus = Type.Union([
  Type.Object({ kind: Type.Literal('unlimited'), used: Type.Integer() }),
  Type.Object({
    kind: Type.Literal('count'),
    limit: Type.Integer(),
    used: Type.Integer(),
    remaining: Type.Integer(),
    perKey: Type.Optional(
      Type.Object({
        key: Type.String(),
        limit: Type.Integer(),
        used: Type.Record(Type.String(), Type.Integer()),
      }),
    ),
  }),
]);

const ServiceUsage = Type.Object({
  serviceCode: Type.String(),
  name: Localised,
  limit: LimitStatus,
  resetsOn: Type.String(),
});

const MembershipYear = Type.Object({
  number: Type.Integer(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  resetsOn: Type.String(),
});

export const DecisionView = Type.Object({
  allowed: Type.Boolean(),
  reasons: Type.Array(
    Type.Object({ code: Type.String(), ok: Type.Boolean(), es: Type.String(), en: Type.String() }),
  ),
  usage: Type.Union([ServiceUsage, Type.Null()]),
  cost: Type.Union([
    Type.Object({ kind: Type.Literal('no_cost') }),
    Type.Object({
      kind: Type.Literal('capped'),
      capCentavos: Type.Integer(),
      estimatedCentavos: Type.Union([Type.Integer(), Type.Null()]),
      coveredCentavos: Type.Union([Type.Integer(), Type.Null()]),
      excessCentavos: Type.Union([Type.Integer(), Type.Null()]),
      excessMustBeAccepted: Type.Boolean(),
    }),
    Type.Object({ kind: Type.Literal('card_daily_atm_maximum') }),
    Type.Null(),
  ]),
  membershipYear: MembershipYear,
});

const CheckBody = Type.Object(
  {
    membershipId: Type.String({ format: 'uuid' }),
    personId: Type.String({
      pattern: '^(titular|[0-9a-fA-F-]{36})$',
      description: '`titular` or a beneficiary id (see GET /v1/memberships/{id})',
    }),
    serviceCode: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', examples: ['tow-truck'] }),
    specialty: Type.Optional(Type.String({ minLength: 2, maxLength: 80, examples: ['cardiología'] })),
    estimatedCostCentavos: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
    country: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2; MX if absent' }),
    ),
  },
  { additionalProperties: false },
);

export const entitlementsRoutes: FastifyPluginAsyncTypebox<{ entitlements: EntitlementsService }> = async (
  app,
  { entitlements },
) => {
  app.post(
    '/v1/eligibility/checks',
    {
      config: {
        policy: {
          allow: ['customer', 'agent', 'supervisor', 'scope:eligibility:read'],
          record: 'membership',
        },
      },
      schema: {
        tags: ['entitlements'],
        summary:
          'May this person use this service now? The decision with every reason, and what is left (no side effects)',
        body: CheckBody,
        response: { 200: DecisionView, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { membershipId, personId, serviceCode, ...details } = request.body;
      return entitlements.check(actorOf(request), {
        membershipId,
        personId,
        serviceCode,
        request: {
          specialty: details.specialty,
          estimatedCostCentavos: details.estimatedCostCentavos,
          country: details.country,
        },
      });
    },
  );

  app.get(
    '/v1/memberships/:id/usage',
    {
      config: {
        policy: {
          allow: [
            'customer',
            'agent',
            'supervisor',
            'finance',
            'admin',
            'scope:memberships:read',
            'scope:eligibility:read',
          ],
          record: 'membership',
        },
      },
      schema: {
        tags: ['entitlements'],
        summary: 'Every service with used, limit and remaining this membership year, and when it resets',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: {
          200: Type.Object({ membershipYear: MembershipYear, services: Type.Array(ServiceUsage) }),
          ...problemResponses(401, 403, 404, 428, 451),
        },
      },
    },
    async (request) => entitlements.usage(actorOf(request), request.params.id),
  );
};
