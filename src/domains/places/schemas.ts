import { Type } from '@sinclair/typebox';
import { Nullable } from '../../platform/schemas.ts';
import { PRECISIONS } from './geocoder.ts';

const Part = (description: string, maxLength = 200) =>
  Type.Optional(Type.String({ minLength: 1, maxLength, description }));

export const PostalCodeParams = Type.Object(
  { cp: Type.String({ pattern: '^[0-9]{5}$', description: 'Mexican postal code: five digits (03940)' }) },
  { additionalProperties: false },
);

const PointSchema = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);

export const PostalCodeInfoSchema = Type.Object(
  {
    postalCode: Type.String(),
    /** ISO 3166-2:MX without `MX-`. */
    stateCode: Type.String(),
    municipality: Type.String(),
    colonias: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          /** Colonia, Fraccionamiento, Pueblo…; null where the data does not say. */
          type: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    point: PointSchema,
    precision: Type.Union([Type.Literal('postal_code'), Type.Literal('municipality')], {
      description: '`municipality` where the data has no trustworthy point of the code’s own',
    }),
  },
  { additionalProperties: false },
);

export const AddressQuerySchema = Type.Object(
  {
    street: Part('Street name (Av. Insurgentes Sur)'),
    number: Part('Number on the street, outside and inside (1602, 1602 int. 4)', 40),
    colonia: Part('Colonia or other settlement (Crédito Constructor)'),
    postalCode: Type.Optional(Type.String({ pattern: '^[0-9]{5}$', description: 'Five digits (03940)' })),
    municipality: Part('Municipality or Mexico City borough (Benito Juárez)'),
    state: Part('State: its code (CMX) or name (Ciudad de México, CDMX, Jalisco)', 60),
    text: Part('The whole address as one line, when it is not split into parts', 500),
  },
  { additionalProperties: false },
);

export const GeocodeAnswer = Type.Object(
  {
    point: PointSchema,
    precision: Type.Union(
      PRECISIONS.map((p) => Type.Literal(p)),
      { description: 'How far the point can be trusted: exact, street, postal_code, municipality, state' },
    ),
    normalised: Type.Object(
      {
        street: Nullable(Type.String()),
        number: Nullable(Type.String()),
        colonia: Nullable(Type.String()),
        postalCode: Nullable(Type.String()),
        municipality: Nullable(Type.String()),
        stateCode: Nullable(Type.String()),
        text: Nullable(Type.String()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
