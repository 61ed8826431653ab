import { Type } from '@sinclair/typebox';

export const Point = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);
export const ServiceCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });

export const Coverage = Type.Union([
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

export const ProviderBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120 }),
    phone: Type.String({
      minLength: 1,
      maxLength: 25,
      examples: ['55 5201 1100'],
      description:
        'The dispatch phone offers are texted to: a Mexican phone (kept in E.164; PHONE_INVALID otherwise)',
    }),
    services: Type.Array(ServiceCode, { minItems: 1, maxItems: 30, uniqueItems: true }),
    coverage: Coverage,
    location: Point,
    available: Type.Optional(Type.Boolean()),
    capacity: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

export const ProviderView = Type.Object({
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

export const CandidateView = Type.Object({
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
