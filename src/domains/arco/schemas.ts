import { type Static, Type } from '@sinclair/typebox';
import { Nullable } from '../../platform/schemas.ts';

const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

export const ARCO_TYPES = ['access', 'rectification', 'cancellation', 'opposition'] as const;
export const ARCO_STATUSES = ['received', 'accepted', 'refused'] as const;
/** The titular's data a rectification names; `other` is corrected by staff by hand. */
export const ARCO_FIELDS = ['name', 'email', 'phone', 'birthDate', 'other'] as const;
/** Purposes one may oppose: none of them is needed to give the service (privacy notice). */
export const ARCO_PURPOSES = ['marketing', 'surveys', 'bank_offers'] as const;

const ArcoType = Type.Union(
  ARCO_TYPES.map((t) => Type.Literal(t)),
  { description: 'access, rectification, cancellation or opposition (LFPDPPP art. 28)' },
);
const ArcoStatus = Type.Union(ARCO_STATUSES.map((s) => Type.Literal(s)));
const ArcoField = Type.Union(
  ARCO_FIELDS.map((f) => Type.Literal(f)),
  { description: 'Rectification: which of the titular’s data is wrong' },
);
const ArcoPurpose = Type.Union(
  ARCO_PURPOSES.map((p) => Type.Literal(p)),
  { description: 'Opposition: the use of the data opposed' },
);

export const ArcoParams = Type.Object({ id: Uuid });

export const ArcoBody = Type.Object(
  {
    type: ArcoType,
    details: Type.String({
      minLength: 10,
      maxLength: 4000,
      description: 'What the person asks for, in their own words',
    }),
    field: Type.Optional(ArcoField),
    correction: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, description: 'Rectification: the correct value' }),
    ),
    purpose: Type.Optional(ArcoPurpose),
  },
  { additionalProperties: false },
);
export type ArcoInput = Static<typeof ArcoBody>;

export const ArcoAnswerBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('accepted'), Type.Literal('refused')]),
    reason: Type.String({
      minLength: 10,
      maxLength: 4000,
      description: 'What was decided and why (a refusal says the legal ground); sent to the person',
    }),
  },
  { additionalProperties: false },
);

export const ArcoListQuery = Type.Object(
  {
    status: Type.Optional(ArcoStatus),
    overdue: Type.Optional(Type.Boolean({ description: 'Staff: unanswered and past the due date' })),
  },
  { additionalProperties: false },
);

export const ArcoDeliveryQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('html'), Type.Literal('pdf')], { default: 'json' }),
    ),
  },
  { additionalProperties: false },
);

export const ArcoRequestView = Type.Object({
  id: Uuid,
  number: Type.String({ description: 'Readable folio: AR-26-000001' }),
  membershipId: Uuid,
  membershipNumber: Type.String(),
  type: ArcoType,
  details: Type.String(),
  field: Nullable(ArcoField),
  correction: Nullable(Type.String()),
  purpose: Nullable(ArcoPurpose),
  status: ArcoStatus,
  receivedAt: Instant,
  dueDate: Type.String({ format: 'date', description: 'The 20th business day after receipt (Mexico City)' }),
  dueAt: Instant,
  /** Business days left to the due date: 0 on the day, negative once overdue; null once answered. */
  businessDaysLeft: Nullable(Type.Integer()),
  overdue: Type.Boolean(),
  answer: Nullable(Type.String()),
  answeredAt: Nullable(Instant),
  answeredByName: Nullable(Type.String()),
  /** An accepted access request: the person's data may be downloaded. */
  deliveryReady: Type.Boolean(),
  /** Staff only: who filed it. */
  requesterName: Type.Optional(Type.String()),
});
export type ArcoRequestViewType = Static<typeof ArcoRequestView>;

export const ArcoRequestList = Type.Object({ data: Type.Array(ArcoRequestView) });
