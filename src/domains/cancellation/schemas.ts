import { Type } from '@sinclair/typebox';
import { RefundView } from '../billing/schemas.ts';
import { ConfirmationForecast } from '../notifications/schemas.ts';

const Label = { es: Type.String(), en: Type.String() };
const Instant = Type.String({ format: 'date-time' });

export const CancellationLine = Type.Object({
  phone: Type.String({ examples: ['55 5480 0900'] }),
  international: Type.String(),
  hours: Type.Object(Label),
});

const Reason = Type.Object({ code: Type.String(), ...Label });

export const CancellationBody = Type.Object(
  {
    reason: Type.Optional(
      Type.String({
        maxLength: 500,
        description: 'Why the member cancels: required when an agent cancels by phone',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CancellationView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  confirmationNumber: Type.String({ examples: ['LC-26-000123'] }),
  membershipId: Type.String({ format: 'uuid' }),
  channel: Type.Union([Type.Literal('online'), Type.Literal('phone')]),
  reason: Type.String(),
  outsideHours: Type.Boolean({ description: 'Made by phone while the cancellation line was closed' }),
  cancellationLine: CancellationLine,
  cancelledAt: Instant,
  coverageEndsAt: Type.String({ format: 'date-time', description: 'Services go on until then (exclusive)' }),
  refund: Type.Object({
    eligible: Type.Boolean(),
    reasons: Type.Array(Reason),
    status: Type.Union([Type.Literal('not_applicable'), Type.Literal('pending'), Type.Literal('completed')]),
    amountCentavos: Type.Integer(),
    refunds: Type.Array(RefundView),
  }),
  confirmation: Type.Object(ConfirmationForecast.properties, {
    description:
      'What will become of the confirmation message: sent by `channels` (`will_send`), or kept unsent in the member’s messages (`not_configured`: no channel set up; `undeliverable`: no address that takes messages)',
  }),
});

export const CancellationPreview = Type.Object({
  membershipId: Type.String({ format: 'uuid' }),
  state: Type.String(),
  cancellable: Type.Boolean(),
  canCancelOnline: Type.Boolean({ description: 'Only memberships contracted online cancel online' }),
  cancellationLine: Type.Object({ ...CancellationLine.properties, openNow: Type.Boolean() }),
  refund: Type.Union([
    Type.Object({
      eligible: Type.Boolean(),
      reasons: Type.Array(Type.Object({ code: Type.String(), ok: Type.Boolean(), ...Label })),
      amountCentavos: Type.Integer(),
    }),
    Type.Null(),
  ]),
  coverageEndsAt: Instant,
  cancellation: Type.Union([CancellationView, Type.Null()]),
});
