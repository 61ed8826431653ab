import { Type } from '@sinclair/typebox';
import { Nullable, PageLimit } from '../../platform/schemas.ts';
import { DecisionView } from '../entitlements/schemas.ts';
import { CASE_STATES } from './lifecycle.ts';
import { PLACE_PRECISIONS } from './place.ts';

const Localised = Type.Object({ es: Type.String(), en: Type.String() });
const Latitude = Type.Number({ minimum: -90, maximum: 90, description: 'Degrees, WGS 84' });
const Longitude = Type.Number({ minimum: -180, maximum: 180, description: 'Degrees, WGS 84' });
export const Centavos = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'MXN centavos' });

export const PlacePrecision = Type.Union(
  PLACE_PRECISIONS.map((p) => Type.Literal(p)),
  { description: 'exact, street, postal_code, municipality or state' },
);
/** The radius a phone reports its fix to be within, in metres (browsers' `coords.accuracy`). */
export const AccuracyMetres = Type.Number({
  minimum: 0,
  maximum: 1_000_000,
  description: "The phone's reported accuracy: the radius around the point, in metres",
});

/** An agent's correction of the case's place (the console's draggable pin). */
export const PlaceBody = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    address: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 300,
        description: 'The address as it now reads; absent, the case keeps its address',
      }),
    ),
    accuracyM: Type.Optional(AccuracyMetres),
  },
  { additionalProperties: false },
);

const AddressPart = (maxLength: number, example: string) =>
  Type.String({ minLength: 1, maxLength, examples: [example] });

/**
 * Where help is needed, as a request gives it: the point (`lat` and `lng`, with the `address` as
 * it reads), or an address alone — its text and/or its parts — which the geocoder places before the
 * case is opened (or the request is refused with PLACE_NOT_FOUND and the reason). Combinations are
 * checked by `placeProblems` below: both coordinates or neither; with coordinates, the address
 * text; without them, something to place (the address text, a postal code, a municipality or a
 * state).
 */
export const RequestPlace = Type.Object(
  {
    address: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 300,
        examples: ['Periférico Sur 4121, km 12, Tlalpan'],
        description: 'The address as it reads; required with coordinates',
      }),
    ),
    street: Type.Optional(AddressPart(120, 'Av. Insurgentes Sur')),
    number: Type.Optional(AddressPart(20, '1602')),
    colonia: Type.Optional(AddressPart(120, 'Crédito Constructor')),
    postalCode: Type.Optional(Type.String({ pattern: '^[0-9]{5}$', examples: ['03940'] })),
    municipality: Type.Optional(AddressPart(120, 'Benito Juárez')),
    lat: Type.Optional(Latitude),
    lng: Type.Optional(Longitude),
    stateCode: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]{3}$',
        description: 'ISO 3166-2:MX code without `MX-`, e.g. CMX',
      }),
    ),
    country: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2; MX if absent' }),
    ),
  },
  { additionalProperties: false },
);

/** What is wrong with a request's place beyond its fields' own shapes: `{ field, message }` each. */
export function placeProblems(place: {
  address?: string | undefined;
  postalCode?: string | undefined;
  municipality?: string | undefined;
  stateCode?: string | undefined;
  lat?: number | undefined;
  lng?: number | undefined;
}): { field: string; message: string }[] {
  const hasLat = place.lat !== undefined;
  const hasLng = place.lng !== undefined;
  if (hasLat !== hasLng)
    return [{ field: `body/place/${hasLat ? 'lng' : 'lat'}`, message: 'lat and lng go together' }];
  if (hasLat && place.address === undefined)
    return [{ field: 'body/place/address', message: 'is required with coordinates' }];
  if (
    !hasLat &&
    place.address === undefined &&
    place.postalCode === undefined &&
    place.municipality === undefined &&
    place.stateCode === undefined
  )
    return [
      {
        field: 'body/place',
        message: 'needs coordinates, or an address, postal code, municipality or state to place',
      },
    ];
  return [];
}

export const CaseParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CaseBody = Type.Object(
  {
    membershipId: Type.String({ format: 'uuid' }),
    personId: Type.String({
      pattern: '^(titular|[0-9a-fA-F-]{36})$',
      description: '`titular` or a beneficiary id',
    }),
    serviceCode: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', examples: ['tow-truck'] }),
    place: RequestPlace,
    description: Type.String({ minLength: 3, maxLength: 2000 }),
    details: Type.Optional(
      Type.Object(
        {
          specialty: Type.Optional(Type.String({ minLength: 2, maxLength: 80 })),
          estimatedCostCentavos: Type.Optional(Centavos),
          callbackPhone: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 25,
              examples: ['55 1234 5678'],
              description:
                'Remote consultations: the number to call back, a Mexican phone (kept in E.164; PHONE_INVALID otherwise)',
            }),
          ),
          vehicle: Type.Optional(
            Type.Object(
              {
                make: Type.Optional(Type.String({ maxLength: 60 })),
                model: Type.Optional(Type.String({ maxLength: 60 })),
                year: Type.Optional(Type.Integer({ minimum: 1950, maximum: 2100 })),
                plates: Type.Optional(Type.String({ maxLength: 12 })),
                color: Type.Optional(Type.String({ maxLength: 30 })),
              },
              { additionalProperties: false },
            ),
          ),
          destination: Type.Optional(
            Type.Object(
              {
                address: Type.String({ minLength: 3, maxLength: 300 }),
                lat: Type.Optional(Latitude),
                lng: Type.Optional(Longitude),
              },
              { additionalProperties: false },
            ),
          ),
          withdrawal: Type.Optional(
            Type.Object(
              {
                amountCentavos: Type.Integer({
                  minimum: 1,
                  maximum: 100_000_000,
                  description: 'What was taken at the ATM, in MXN centavos',
                }),
                at: Type.String({ format: 'date-time', description: 'When it happened (not in the future)' }),
                atm: Type.String({
                  minLength: 3,
                  maxLength: 300,
                  examples: ['BBVA, Av. Juárez 10, Centro, CDMX'],
                }),
              },
              { additionalProperties: false, description: 'Reimbursement claims: the robbed withdrawal' },
            ),
          ),
          cardDailyAtmMaximumCentavos: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 100_000_000,
              description: "Reimbursement claims: the card's maximum ATM withdrawal in 24 h, in centavos",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const CaseEventView = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  label: Localised,
  state: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({ kind: Type.String(), name: Type.String() }),
  note: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const CaseDocumentView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  filename: Type.String(),
  contentType: Type.String({ examples: ['application/pdf'] }),
  sizeBytes: Type.Integer(),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  uploadedBy: Type.String(),
  uploadedAt: Type.String({ format: 'date-time' }),
});

const Eta = Nullable(Type.Object({ minutes: Type.Integer(), at: Type.String({ format: 'date-time' }) }));

export const CaseView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String({ examples: ['LP-26-004211'] }),
  state: Type.String(),
  stateLabel: Localised,
  channel: Type.String(),
  fulfilment: Type.String({ description: 'dispatch, appointment, remote or reimbursement' }),
  membershipId: Type.String({ format: 'uuid' }),
  person: Type.Object({ id: Type.String(), name: Type.String() }),
  serviceCode: Type.String(),
  place: Type.Object({
    address: Type.String(),
    lat: Type.Number(),
    lng: Type.Number(),
    stateCode: Nullable(Type.String()),
    country: Type.String(),
    precision: Type.Union([PlacePrecision, Type.Null()], {
      description:
        'How near the point is known to be, finest first: exact, street, postal_code, municipality, state. Null: as the request gave it (coordinates whose precision nobody stated)',
    }),
    accuracyM: Type.Union([Type.Integer(), Type.Null()], {
      description: 'The accuracy a phone reported for the point: its radius, in metres',
    }),
  }),
  description: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  decision: DecisionView,
  provider: Nullable(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      phone: Type.String(),
      location: Nullable(
        Type.Object(
          {
            lat: Type.Number(),
            lng: Type.Number(),
            updatedAt: Type.String({ format: 'date-time' }),
          },
          {
            description:
              "The assigned provider's unit, as last reported, while the case is dispatched, en route or on site; null before dispatch and once it ends",
          },
        ),
      ),
    }),
  ),
  eta: Eta,
  cost: Type.Object({
    quoteCentavos: Nullable(Type.Integer()),
    coveredCentavos: Nullable(Type.Integer()),
    excessCentavos: Nullable(Type.Integer()),
    excessAcceptedAt: Nullable(Type.String({ format: 'date-time' })),
    excessAcceptedBy: Nullable(Type.String()),
    finalCostCentavos: Nullable(Type.Integer()),
  }),
  needsManualDispatch: Type.Boolean(),
  sla: Type.Object({
    dispatchDueAt: Nullable(Type.String({ format: 'date-time' })),
    arrivalDueAt: Nullable(Type.String({ format: 'date-time' })),
    minutesToDispatch: Nullable(Type.Integer()),
    minutesToArrival: Nullable(Type.Integer()),
    breached: Type.Array(Type.String()),
  }),
  requestedAt: Type.String({ format: 'date-time' }),
  dispatchedAt: Nullable(Type.String({ format: 'date-time' })),
  enRouteAt: Nullable(Type.String({ format: 'date-time' })),
  onSiteAt: Nullable(Type.String({ format: 'date-time' })),
  completedAt: Nullable(Type.String({ format: 'date-time' })),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  closeReason: Nullable(Type.String()),
  unit: Nullable(
    Type.Object(
      { driverName: Type.String(), vehicle: Type.String(), plates: Type.String() },
      {
        description:
          'The unit on its way. Staff read the driver’s full name; the customer reads the first name and the surname’s initial, and only between dispatch and completion',
      },
    ),
  ),
  rating: Nullable(
    Type.Object({
      score: Type.Integer({ minimum: 1, maximum: 5 }),
      comment: Nullable(Type.String()),
      ratedAt: Type.String({ format: 'date-time' }),
    }),
  ),
  timeline: Type.Optional(Type.Array(CaseEventView)),
  appointment: Type.Optional(
    Type.Object({
      at: Nullable(Type.String({ format: 'date-time' })),
      slotId: Nullable(Type.String()),
      notifications: Type.Array(
        Type.Object({
          kind: Type.String(),
          channel: Type.String(),
          sendAt: Type.String({ format: 'date-time' }),
          status: Type.String(),
          es: Type.String(),
          en: Type.String(),
        }),
      ),
    }),
  ),
  claim: Type.Optional(
    Type.Object({
      requestedCentavos: Nullable(Type.Integer()),
      cardDailyAtmMaximumCentavos: Nullable(Type.Integer()),
      withdrawal: Type.Object({
        at: Nullable(Type.String({ format: 'date-time' })),
        atm: Nullable(Type.String()),
      }),
      approvedCentavos: Nullable(Type.Integer()),
      payoutReference: Nullable(Type.String()),
      documents: Type.Optional(Type.Array(CaseDocumentView)),
    }),
  ),
  offers: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.String(),
        providerId: Type.String(),
        status: Type.String(),
        attempt: Type.Integer(),
        distanceKm: Type.Number(),
        etaMinutes: Type.Integer(),
        offeredAt: Type.String({ format: 'date-time' }),
        expiresAt: Type.String({ format: 'date-time' }),
        respondedAt: Nullable(Type.String({ format: 'date-time' })),
        quoteCentavos: Nullable(Type.Integer()),
        declineReason: Nullable(Type.String()),
      }),
    ),
  ),
});

export const ProviderJobView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String(),
  state: Type.String(),
  serviceCode: Type.String(),
  personFirstName: Type.String({ description: "The person's first name only: providers get no more" }),
  place: Type.Object({ address: Type.String(), lat: Type.Number(), lng: Type.Number() }),
  description: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  eta: Eta,
  quoteCentavos: Nullable(Type.Integer()),
  excessAccepted: Type.Boolean(),
  finalCostCentavos: Nullable(Type.Integer({ description: 'Set when the job is completed' })),
  unit: Nullable(Type.Object({ driverName: Type.String(), vehicle: Type.String(), plates: Type.String() })),
});

export const CaseListQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Array(Type.Union(CASE_STATES.map((s) => Type.Literal(s))), { maxItems: CASE_STATES.length }),
    ),
    membershipId: Type.Optional(Type.String({ format: 'uuid' })),
    overdue: Type.Optional(Type.Boolean({ description: 'Only open cases past their SLA target' })),
    fulfilment: Type.Optional(
      Type.Union(
        [
          Type.Literal('dispatch'),
          Type.Literal('appointment'),
          Type.Literal('remote'),
          Type.Literal('reimbursement'),
        ],
        {
          description:
            'Only cases of this kind, e.g. `reimbursement` with `state=under_review`: the claims to review',
        },
      ),
    ),
    limit: Type.Optional(PageLimit(200, 50)),
  },
  { additionalProperties: false },
);

/** The cases export: the list's filters (but `overdue`, a moment's view) and the request's Mexico City days. */
export const CasesExportQuery = Type.Object(
  {
    state: CaseListQuery.properties.state,
    membershipId: CaseListQuery.properties.membershipId,
    fulfilment: CaseListQuery.properties.fulfilment,
    from: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: 'First day (Mexico City) of the request, inclusive',
        examples: ['2026-12-01'],
      }),
    ),
    to: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: 'Last day (Mexico City), inclusive',
        examples: ['2026-12-31'],
      }),
    ),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 500 }) },
  { additionalProperties: false },
);

export const SlaTargetView = Type.Object({
  serviceCode: Type.String(),
  dispatchMinutes: Type.Integer(),
  arrivalMinutes: Nullable(Type.Integer()),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const SlaTargetBody = Type.Object(
  {
    dispatchMinutes: Type.Integer({ minimum: 1, maximum: 10_080 }),
    arrivalMinutes: Nullable(Type.Integer({ minimum: 1, maximum: 10_080 })),
  },
  { additionalProperties: false },
);

// --- Location links ("Comparte tu ubicación") ------------------------------------------------

export const LocationLinkBody = Type.Object(
  {
    phone: Type.Optional(
      Type.String({
        minLength: 10,
        maxLength: 20,
        examples: ['33 1234 5678'],
        description:
          "Where to text the link: a 10-digit Mexican number (+52 and spacing allowed). Absent: the titular's phone. Whoever is calling may be someone else",
      }),
    ),
  },
  { additionalProperties: false },
);

export const LocationLinkCreated = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String({ description: 'The one-time page; read it aloud or copy it when no SMS goes' }),
  expiresAt: Type.String({ format: 'date-time' }),
  phone: Type.String({ description: 'Where it is texted (E.164)', examples: ['+523312345678'] }),
  sms: Type.Object({
    delivery: Type.Union(
      [Type.Literal('will_send'), Type.Literal('not_configured'), Type.Literal('undeliverable')],
      {
        description:
          '`will_send`: SMS goes out from this process; `not_configured`: no SMS channel here (the message is kept); `undeliverable`: the carrier refused this number before',
      },
    ),
  }),
});

export const LocationLinkParams = Type.Object({
  token: Type.String({ pattern: '^[A-Za-z0-9_-]{22}$', description: 'The token in the link, as texted' }),
});

export const LocationLinkStatus = Type.Object({
  status: Type.Union([Type.Literal('open'), Type.Literal('used'), Type.Literal('expired')], {
    description: '`expired` also when a newer link replaced it or the case is closed',
  }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const SharedLocationBody = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    accuracyM: AccuracyMetres,
  },
  { additionalProperties: false },
);

export const SharedLocationAnswer = Type.Object({ status: Type.Literal('used') });

export const RatingBody = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5, description: '1 (bad) to 5 (excellent)' }),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const UnitBody = Type.Object(
  {
    driverName: Type.String({ minLength: 2, maxLength: 80, examples: ['Juan Pérez Soto'] }),
    vehicle: Type.String({ minLength: 2, maxLength: 80, examples: ['Grúa plataforma Ford F-450 blanca'] }),
    plates: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$',
      description: 'As painted on the plate: letters, digits, spaces or hyphens',
      examples: ['NLA-12-34'],
    }),
  },
  { additionalProperties: false },
);
