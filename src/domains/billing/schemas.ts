import { Type } from '@sinclair/typebox';
import { Nullable, PageLimit } from '../../platform/schemas.ts';

const Label = Type.Object({ es: Type.String(), en: Type.String() });
const Instant = Type.String({ format: 'date-time' });

export const ChargeParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const RunParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const Amount = {
  totalCentavos: Type.Integer(),
  baseCentavos: Type.Integer(),
  ivaCentavos: Type.Integer(),
  currency: Type.Literal('MXN'),
};

const Period = Type.Object({
  key: Type.String({ description: 'YYYY-MM of the due date in Mexico City', examples: ['2026-12'] }),
  startsAt: Instant,
  endsAt: Type.String({ format: 'date-time', description: 'Exclusive' }),
  label: Label,
});

const Card = Type.Object({ brand: Type.String(), last4: Type.String() });

export const RefundView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  chargeId: Type.String({ format: 'uuid' }),
  amountCentavos: Type.Integer(),
  reason: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  failureReason: Nullable(Type.String()),
  createdAt: Instant,
  completedAt: Nullable(Instant),
});

export const ChargeView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  membershipId: Type.String({ format: 'uuid' }),
  membershipNumber: Type.String(),
  period: Period,
  amount: Type.Object(Amount),
  method: Type.Union([Type.Literal('card'), Type.Literal('direct_debit')]),
  card: Card,
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('unknown'),
    Type.Literal('collecting'),
  ]),
  statusLabel: Label,
  declineCode: Nullable(Type.String()),
  declineLabel: Nullable(Label),
  attempts: Type.Array(
    Type.Object({
      number: Type.Integer(),
      status: Type.String(),
      declineCode: Nullable(Type.String()),
      cardLast4: Type.String(),
      at: Instant,
    }),
  ),
  retryAt: Nullable(Instant),
  paidAt: Nullable(Instant),
  refundedCentavos: Type.Integer(),
  refunds: Type.Array(RefundView),
  receipt: Nullable(
    Type.Object({
      folio: Type.String({
        description: 'The receipt’s number, given once when the charge is paid',
        examples: ['REC-2027-000123'],
      }),
      issuedAt: Instant,
      description: Label,
      ...Amount,
      ivaRatePercent: Type.Literal(16),
      card: Card,
      period: Period,
      cfdi: Type.Object({
        receiverRfc: Type.String(),
        receiverName: Type.String(),
        receiverFiscalRegime: Nullable(Type.String()),
        cfdiUse: Type.String(),
        paymentForm: Type.Union([Type.Literal('04'), Type.Literal('28')]),
        paymentMethod: Type.Literal('PUE'),
        currency: Type.Literal('MXN'),
      }),
    }),
  ),
  createdAt: Instant,
  updatedAt: Instant,
});

const ChargeStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('unknown'),
  Type.Literal('collecting'),
]);

const Day = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description, examples: ['2026-12-01'] });

/** What finance filters charges by: the list and its CSV take the same. */
const ChargeFilterFields = {
  status: Type.Optional(ChargeStatus),
  membershipId: Type.Optional(Type.String({ format: 'uuid' })),
  membershipNumber: Type.Optional(
    Type.String({ pattern: '^[Ll][Mm]-\\d{2}-\\d{6,}$', maxLength: 20, examples: ['LM-26-000123'] }),
  ),
  period: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', examples: ['2026-12'] })),
  from: Type.Optional(Day('First day (Mexico City) of the charge’s creation, inclusive')),
  to: Type.Optional(Day('Last day (Mexico City), inclusive')),
};

export const ChargesQuery = Type.Object(
  {
    ...ChargeFilterFields,
    before: Type.Optional(Type.String({ format: 'uuid', description: 'The last id of the previous page' })),
    limit: Type.Optional(PageLimit(200, 50)),
  },
  { additionalProperties: false },
);

export const ChargesExportQuery = Type.Object(ChargeFilterFields, { additionalProperties: false });

/** Finance's refunds export: by status, membership number and the Mexico City days they were asked. */
export const RefundsExportQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    ),
    membershipNumber: ChargeFilterFields.membershipNumber,
    from: Type.Optional(Day('First day (Mexico City) the refund was asked, inclusive')),
    to: Type.Optional(Day('Last day (Mexico City), inclusive')),
  },
  { additionalProperties: false },
);

const Total = Type.Object({ count: Type.Integer(), amountCentavos: Type.Integer() });

export const ChargeTotals = Type.Object({
  ...Total.properties,
  byStatus: Type.Array(Type.Object({ status: ChargeStatus, ...Total.properties })),
});

export const RefundBody = Type.Object(
  {
    amountCentavos: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'Omitted: everything not yet refunded' }),
    ),
    reason: Type.String({ minLength: 3, maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const RunBody = Type.Object(
  {
    at: Type.Optional(
      Type.String({
        description: 'Bill what is due at this instant (default now); no offset means Mexico City time',
        pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})?$',
        examples: ['2026-12-01T00:05'],
      }),
    ),
  },
  { additionalProperties: false },
);

export const RunView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  at: Instant,
  trigger: Type.String(),
  status: Type.Union(
    [Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed'), Type.Literal('interrupted')],
    {
      description:
        '`interrupted`: its process died (no heartbeat); another run or the janitor finished its charges',
    },
  ),
  summary: Type.Record(Type.String(), Type.Number()),
  error: Nullable(Type.String()),
  startedAt: Instant,
  finishedAt: Nullable(Instant),
});
