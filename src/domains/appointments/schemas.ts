import { Type } from '@sinclair/typebox';
import { Nullable } from '../../platform/schemas.ts';

export const SlotView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  providerId: Type.String({ format: 'uuid' }),
  serviceCode: Type.String(),
  specialty: Nullable(Type.String()),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  capacity: Type.Integer(),
  booked: Type.Integer(),
});

export const SlotBody = Type.Object(
  {
    serviceCode: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', examples: ['specialist-consultation'] }),
    specialty: Type.Optional(Type.String({ minLength: 2, maxLength: 80, examples: ['cardiología'] })),
    startsAt: Type.String({ format: 'date-time' }),
    durationMinutes: Type.Integer({ minimum: 10, maximum: 720 }),
    capacity: Type.Integer({ minimum: 1, maximum: 100 }),
  },
  { additionalProperties: false },
);

export const BookingBody = Type.Object(
  { slotId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
