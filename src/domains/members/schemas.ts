import { Type } from '@sinclair/typebox';
import { PageLimit } from '../../platform/schemas.ts';

const LocalisedText = Type.Object({ es: Type.String(), en: Type.String() });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['1985-03-15'] });

const Titular = Type.Object(
  {
    fullName: Type.String({ minLength: 1, maxLength: 150, examples: ['María Fernanda López Ruiz'] }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    phone: Type.String({ minLength: 1, maxLength: 25, examples: ['55 1234 5678'] }),
    birthDate: IsoDate,
    rfc: Type.Optional(Type.String({ maxLength: 20 })),
    curp: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);

const CardToken = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'From POST /v1/sandbox/card-tokens (or the processor)',
});

const Consent = Type.Object(
  {
    termsVersion: Type.String({ maxLength: 50, description: 'The version accepted; see GET /v1/legal' }),
    privacyNoticeVersion: Type.String({ maxLength: 50 }),
  },
  { additionalProperties: false },
);

const Account = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 256 }) },
  {
    additionalProperties: false,
    description: 'Online contracting without a session: creates the account',
  },
);

const planCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', examples: ['libra-plus'] });

export const ContractBody = Type.Object(
  {
    planCode,
    titular: Titular,
    cardToken: CardToken,
    consent: Consent,
    account: Type.Optional(Account),
    testClockId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Sandbox only: contract on this test clock (docs/test-clocks.md): the membership lives in the clock’s time and only its advances bill it',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The contracting body with the card and the consent left for later steps. */
export const ContractCheckBody = Type.Object(
  {
    planCode,
    titular: Titular,
    cardToken: Type.Optional(CardToken),
    consent: Type.Optional(Consent),
    account: Type.Optional(Account),
  },
  {
    additionalProperties: false,
    description:
      'What POST /v1/memberships would take; `cardToken` and `consent` may be left out and are checked when present',
  },
);

const Coverage = Type.Object({
  code: Type.String(),
  reason: LocalisedText,
  coveredUntil: Type.Union([IsoDate, Type.Null()]),
});

export const PersonView = Type.Object({
  id: Type.String({ description: '`titular`, or the beneficiary id' }),
  kind: Type.Union(['titular', 'spouse', 'child', 'additional_cardholder'].map((k) => Type.Literal(k))),
  fullName: Type.String(),
  birthDate: Type.Union([IsoDate, Type.Null()]),
  cardLast4: Type.Union([Type.String(), Type.Null()]),
  addedAt: Type.String({ format: 'date-time' }),
  removedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  covered: Type.Boolean(),
  coverage: Coverage,
});

export const MembershipView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String({ examples: ['LM-26-000123'] }),
  state: Type.Union(['trial', 'active', 'past_due', 'suspended', 'cancelled'].map((s) => Type.Literal(s))),
  channel: Type.Union(['online', 'phone', 'bank'].map((s) => Type.Literal(s))),
  plan: Type.Object({ code: Type.String(), name: Type.String(), version: Type.Integer() }),
  titular: Type.Object({
    fullName: Type.String(),
    email: Type.String(),
    phone: Type.String(),
    birthDate: IsoDate,
    rfc: Type.Union([Type.String(), Type.Null()]),
    curp: Type.Union([Type.String(), Type.Null()]),
    hasAccount: Type.Boolean(),
  }),
  card: Type.Object({
    brand: Type.String(),
    type: Type.String(),
    last4: Type.String(),
    expMonth: Type.Integer(),
    expYear: Type.Integer(),
  }),
  contractedAt: Type.String({ format: 'date-time' }),
  trialEndsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  membershipYear: Type.Object({
    number: Type.Integer(),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    resetsOn: IsoDate,
  }),
  nextChargeOn: Type.Union([IsoDate, Type.Null()]),
  cancelledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  people: Type.Array(PersonView),
});

export const MembershipParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const BeneficiaryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  beneficiaryId: Type.String({ format: 'uuid' }),
});

export const BeneficiaryBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('spouse'), Type.Literal('child'), Type.Literal('additional_cardholder')]),
    fullName: Type.String({ minLength: 1, maxLength: 150 }),
    birthDate: Type.Optional(IsoDate),
    cardLast4: Type.Optional(Type.String({ pattern: '^\\d{4}$' })),
  },
  { additionalProperties: false },
);

export const BeneficiariesQuery = Type.Object(
  { includeRemoved: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);

export const ContactBody = Type.Object(
  {
    email: Type.Optional(
      Type.String({ format: 'email', maxLength: 254, description: 'Where email messages go' }),
    ),
    phone: Type.Optional(
      Type.String({
        minLength: 10,
        maxLength: 20,
        description: 'A Mexican phone of 10 digits: where SMS go',
      }),
    ),
  },
  { additionalProperties: false, description: 'The titular’s contact: at least one of the two' },
);

export const CardBody = Type.Object(
  { cardToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** The membership after a card change, with what the new card was asked to pay at once. */
export const CardReplacedView = Type.Object({
  ...MembershipView.properties,
  outstanding: Type.Array(
    Type.Object({
      chargeId: Type.String({ format: 'uuid' }),
      amountCentavos: Type.Integer({ minimum: 0 }),
      /** `succeeded` paid; `failed` declined (`declineCode` says why); `unknown` the bank has not answered yet. */
      status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('unknown')]),
      declineCode: Type.Union([Type.String(), Type.Null()]),
      declineLabel: Type.Union([Type.Object({ es: Type.String(), en: Type.String() }), Type.Null()]),
    }),
    {
      description:
        'Each declined charge tried on the new card in this request, once; empty when nothing was owed',
    },
  ),
});

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 2,
      maxLength: 100,
      description: 'Name, email, phone, membership number or card last 4',
    }),
    limit: Type.Optional(PageLimit(50, 20)),
  },
  { additionalProperties: false },
);

const ExportDay = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description, examples: ['2026-12-01'] });

/** Finance's memberships export: by state, channel, plan and the Mexico City days they were contracted. */
export const MembershipsExportQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union(['trial', 'active', 'past_due', 'suspended', 'cancelled'].map((s) => Type.Literal(s))),
    ),
    channel: Type.Optional(Type.Union(['online', 'phone', 'bank'].map((c) => Type.Literal(c)))),
    plan: Type.Optional(
      Type.String({ pattern: '^[a-z0-9-]{2,40}$', description: 'The plan’s code', examples: ['libra-plus'] }),
    ),
    from: Type.Optional(ExportDay('First day (Mexico City) of contracting, inclusive')),
    to: Type.Optional(ExportDay('Last day (Mexico City), inclusive')),
  },
  { additionalProperties: false },
);

export const SearchResult = Type.Object({
  id: Type.String(),
  number: Type.String(),
  state: Type.String(),
  titularName: Type.String(),
  titularEmail: Type.String(),
  titularPhone: Type.String(),
  cardLast4: Type.String(),
  planCode: Type.String(),
});

export const MembershipEventView = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  type: Type.String(),
  fromState: Type.Union([Type.String(), Type.Null()]),
  toState: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const LegalView = Type.Object({
  terms: Type.Object({ version: Type.String(), url: Type.String() }),
  privacyNotice: Type.Object({ version: Type.String(), url: Type.String() }),
});

/** An agent's identity check on a call: two facts of the membership, or a reason to skip it. */
export const VerificationBody = Type.Object(
  {
    birthDate: Type.Optional(IsoDate),
    cardLast4: Type.Optional(Type.String({ pattern: '^\\d{4}$', examples: ['4242'] })),
    membershipNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 20, examples: ['LM-26-000123'] })),
    skipReason: Type.Optional(
      Type.String({
        minLength: 5,
        maxLength: 500,
        description: 'Why the check is skipped (an emergency, a caller who cannot answer); recorded',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Exactly two of birthDate, cardLast4, membershipNumber — or skipReason alone',
  },
);

export const VerificationView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  membershipId: Type.String({ format: 'uuid' }),
  outcome: Type.Union([Type.Literal('verified'), Type.Literal('skipped')]),
  facts: Type.Array(Type.String(), { description: 'The facts checked (names only, never the values)' }),
  person: Type.Union([Type.String(), Type.Null()], {
    description: 'Whose birth date matched: titular, spouse, child, additional_cardholder',
  }),
  skipReason: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const VerificationStatus = Type.Object({
  number: Type.String({
    description: 'The membership number, to read back to the caller',
    examples: ['LM-26-000123'],
  }),
  required: Type.Boolean({ description: 'Whether this caller must check before reading the details' }),
  current: Type.Union([VerificationView, Type.Null()], {
    description: 'The caller’s check in force for this membership',
  }),
  attemptsLeft: Type.Integer({ minimum: 0, description: 'Wrong answers left before facts are locked' }),
});
