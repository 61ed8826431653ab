import { Type } from '@sinclair/typebox';
import { Nullable, PageLimit } from '../../platform/schemas.ts';
import { COMPLAINT_CATEGORIES, COMPLAINT_STATUSES } from './lifecycle.ts';

const Label = Type.Object({ es: Type.String(), en: Type.String() });
const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

const Category = Type.Union(
  COMPLAINT_CATEGORIES.map((c) => Type.Literal(c)),
  { description: 'What the complaint is about' },
);
const Status = Type.Union(COMPLAINT_STATUSES.map((s) => Type.Literal(s)));

export const ComplaintParams = Type.Object({ id: Uuid });

export const ComplaintBody = Type.Object(
  {
    membershipId: Uuid,
    category: Category,
    caseId: Type.Optional(
      Type.String({ format: 'uuid', description: 'The case it concerns, of the same membership' }),
    ),
    chargeId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'The charge it concerns, of the same membership (not with caseId)',
      }),
    ),
    channel: Type.Optional(
      Type.Union([Type.Literal('phone'), Type.Literal('email'), Type.Literal('in_person')], {
        description:
          'Staff only: how the complaint came in (default `phone`). Customers always file `online`, partners `api`.',
      }),
    ),
    text: Type.String({
      minLength: 10,
      maxLength: 4000,
      description: 'What happened, in the customer’s words',
    }),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { note: Type.String({ minLength: 3, maxLength: 4000, description: 'Internal: staff only' }) },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object(
  {
    resolution: Type.String({
      minLength: 10,
      maxLength: 4000,
      description: 'What was decided and done; sent to the customer and shown on the complaint',
    }),
  },
  { additionalProperties: false },
);

export const EscalateBody = Type.Object(
  {
    note: Type.String({ minLength: 3, maxLength: 4000, description: 'Why it needs a supervisor (internal)' }),
  },
  { additionalProperties: false },
);

export const ComplaintListQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(Status, { maxItems: 10, description: 'One or more statuses' })),
    category: Type.Optional(Type.Array(Category, { maxItems: 10, description: 'One or more categories' })),
    overdue: Type.Optional(
      Type.Boolean({ description: '`true`: not resolved and past the due date; `false`: the others' }),
    ),
    membershipId: Type.Optional(Uuid),
    ownerId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Complaints this staff member is working on' }),
    ),
    before: Type.Optional(
      Type.String({ format: 'uuid', description: 'The `nextBefore` of the previous page' }),
    ),
    limit: Type.Optional(PageLimit(200, 50)),
  },
  { additionalProperties: false },
);

const EventView = Type.Object({
  seq: Type.Integer(),
  type: Type.String({ description: '`filed`, `taken`, `note`, `escalated`, `resolved`' }),
  label: Label,
  fromStatus: Nullable(Type.String()),
  toStatus: Nullable(Type.String()),
  actor: Type.Object({
    type: Type.String({ description: '`customer`, `agent`, `supervisor`, `api_key:partner` or `system`' }),
    id: Type.Optional(Nullable(Type.String({ description: 'Staff only' }))),
    name: Type.String(),
  }),
  note: Nullable(Type.String()),
  at: Instant,
});

export const ComplaintView = Type.Object({
  id: Uuid,
  number: Type.String({ examples: ['LQ-26-000001'] }),
  membershipId: Uuid,
  membershipNumber: Type.String(),
  caseId: Nullable(Uuid),
  caseNumber: Nullable(Type.String()),
  chargeId: Nullable(Uuid),
  category: Type.String(),
  categoryLabel: Label,
  channel: Type.String({ description: '`online`, `phone`, `email`, `in_person` or `api`' }),
  status: Type.String({ description: '`open`, `in_progress`, `escalated` or `resolved`' }),
  statusLabel: Label,
  text: Type.String(),
  owner: Nullable(
    Type.Object({ id: Type.Optional(Type.String({ description: 'Staff only' })), name: Type.String() }),
  ),
  dueAt: Instant,
  overdue: Type.Boolean({ description: 'Not resolved and past its due date' }),
  resolution: Nullable(Type.String()),
  resolvedAt: Nullable(Instant),
  escalatedAt: Nullable(Instant),
  filedBy: Type.Object({ type: Type.String(), name: Type.String() }),
  filedAt: Instant,
  updatedAt: Instant,
  timeline: Type.Optional(
    Type.Array(EventView, {
      description: 'Oldest first (read by id only); customers and partners do not see internal notes',
    }),
  ),
  notifications: Type.Optional(
    Type.Array(
      Type.Object({
        kind: Type.String({ description: '`complaint_resolution`' }),
        channel: Type.String(),
        status: Type.String(),
        sendAt: Instant,
        es: Type.String(),
        en: Type.String(),
      }),
      { description: 'Messages to the customer about this complaint (read by id only)' },
    ),
  ),
});

export const ComplaintPage = Type.Object({
  data: Type.Array(ComplaintView),
  nextBefore: Nullable(Type.String({ format: 'uuid', description: 'Pass as `before` for the next page' })),
});
