import { Type } from '@sinclair/typebox';
import { Centavos, PlacePrecision } from '../cases/schemas.ts';

export const ExcessBody = Type.Object(
  {
    accept: Type.Boolean(),
    note: Type.Optional(Type.String({ maxLength: 500, description: 'e.g. "aceptado por teléfono"' })),
  },
  { additionalProperties: false },
);

export const AssignmentBody = Type.Object(
  {
    providerId: Type.String({ format: 'uuid' }),
    reason: Type.String({ minLength: 3, maxLength: 500 }),
    etaMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    quoteCentavos: Type.Optional(Centavos),
  },
  { additionalProperties: false },
);

export const StatusBody = Type.Object(
  {
    status: Type.Union(
      [
        Type.Literal('en_route'),
        Type.Literal('on_site'),
        Type.Literal('completed'),
        Type.Literal('attended'),
        Type.Literal('no_show'),
      ],
      { description: 'dispatch: en_route, on_site, completed; appointments: attended, no_show' },
    ),
    finalCostCentavos: Type.Optional(Centavos),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/** An offer as the provider decides on it: the terms and the job's place and need. */
export const OfferView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  caseId: Type.String({ format: 'uuid' }),
  caseNumber: Type.String(),
  serviceCode: Type.String(),
  addressText: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  precision: Type.Union([PlacePrecision, Type.Null()], {
    description:
      "How near the place's point is known (the case's `place.precision`): the app never shows the distance finer than it",
  }),
  description: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  distanceKm: Type.Number(),
  etaMinutes: Type.Integer(),
  offeredAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
