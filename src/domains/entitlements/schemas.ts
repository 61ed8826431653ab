import { Type } from '@sinclair/typebox';
import { PersonView } from '../members/schemas.ts';

/** The eligibility API's shapes (one definition validates, serializes, documents; the web reads the types). */
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

export const ServiceUsage = Type.Object({
  serviceCode: Type.String(),
  name: Localised,
  limit: LimitStatus,
  resetsOn: Type.String(),
});

export const MembershipYear = Type.Object({
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

export const CheckBody = Type.Object(
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

/**
 * What a beneficiary's own account may use (GET /v1/me/coverage): the membership it stands under
 * (nothing of the titular's but the name), the person with their coverage, and per service of the
 * plan the eligibility answer for that person as the titular would get it, with `available` saying
 * whether they may ask for it now (a specialty or a cost estimate is asked in the request itself).
 */
export const OwnCoverage = Type.Object({
  membership: Type.Object({
    id: Type.String({ format: 'uuid' }),
    number: Type.String({ examples: ['LM-26-000123'] }),
    plan: Type.Object({ code: Type.String(), name: Type.String(), version: Type.Integer() }),
    titularName: Type.String(),
    membershipYear: MembershipYear,
  }),
  person: PersonView,
  services: Type.Array(
    Type.Object({
      serviceCode: Type.String(),
      name: Localised,
      available: Type.Boolean(),
      decision: DecisionView,
    }),
  ),
});
