import { Type } from '@sinclair/typebox';
import { BoundedInteger, Nullable } from '../../platform/schemas.ts';

const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

export const TestClockParams = Type.Object({ id: Uuid });

export const TestClockBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'What the clock is for',
      examples: ['Renovaciones 2027'],
    }),
    frozenTime: Type.String({
      format: 'date-time',
      description: 'The clock’s starting time: between 2020 and two years from now',
      examples: ['2027-01-10T18:00:00Z'],
    }),
  },
  { additionalProperties: false },
);

export const AdvanceBody = Type.Object(
  {
    to: Type.String({
      format: 'date-time',
      description: 'The clock’s new time: not before its own, and at most two years after it',
      examples: ['2027-02-14T18:00:00Z'],
    }),
  },
  { additionalProperties: false },
);

const ClockMembership = Type.Object({
  id: Uuid,
  number: Type.String(),
  state: Type.String({ description: 'trial, active, past_due, suspended or cancelled' }),
  contractedAt: Instant,
});

export const TestClockView = Type.Object({
  id: Uuid,
  name: Type.String(),
  frozenTime: Type.String({ format: 'date-time', description: 'The clock’s own “now”' }),
  status: Type.Union([Type.Literal('ready'), Type.Literal('advancing')], {
    description: '`advancing` while an advance runs (to `advancingTo`), then `ready`',
  }),
  advancingTo: Nullable(Instant),
  createdAt: Instant,
  deletedAt: Nullable(Instant),
  memberships: Type.Array(ClockMembership, { description: 'The memberships living in this clock’s time' }),
});

export const TestClockList = Type.Object({ data: Type.Array(TestClockView) });

const Count = BoundedInteger(0, 1_000_000);

export const AdvanceResult = Type.Object({
  clock: TestClockView,
  advance: Type.Object(
    {
      from: Instant,
      to: Instant,
      steps: Count,
      charged: Type.Integer({ minimum: 0, description: 'Charges created (new periods billed)' }),
      succeeded: Count,
      declined: Count,
      retried: Count,
      pastDue: Count,
      suspended: Count,
      notices: Count,
      skippedSuspended: Count,
    },
    { description: 'What the platform did for the clock’s memberships between `from` and `to`' },
  ),
});
