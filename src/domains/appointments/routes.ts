import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { BoundedInteger } from '../../platform/schemas.ts';
import { REQUESTERS } from '../cases/policies.ts';
import { CaseParams, CaseView } from '../cases/schemas.ts';
import type { SlotRow } from './repository.ts';
import { BookingBody, SlotBody, SlotView } from './schemas.ts';
import type { AppointmentsService } from './service.ts';

function presentSlot(s: SlotRow) {
  return {
    id: s.id,
    providerId: s.providerId,
    serviceCode: s.serviceCode,
    specialty: s.specialty,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    capacity: s.capacity,
    booked: s.booked,
  };
}

/** The appointment fulfilment's routes: providers publish slots, cases are booked into them. */
export const appointmentsRoutes: FastifyPluginAsyncTypebox<{ appointments: AppointmentsService }> = async (
  app,
  { appointments },
) => {
  app.post(
    '/v1/cases/:id/booking',
    {
      config: { policy: { allow: REQUESTERS, record: 'case' } },
      schema: {
        tags: ['appointments'],
        summary:
          'Book an appointment case into a published slot, or move it to another (the first booking reserves the use)',
        description:
          'A use the membership no longer has when booking (the specialty or the last consultation of the year taken meanwhile, the membership not paid up) answers the refusal as problem+json: `code` is the first failing reason (`SPECIALTY_ALREADY_USED`, `ENTITLEMENT_EXHAUSTED`, `MEMBERSHIP_NOT_CURRENT`, …), `detail` its sentence, `decision` the whole answer, and `caseState: "refused"`: the case is closed as refused with those reasons.',
        params: CaseParams,
        body: BookingBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => appointments.book(actorOf(request), request.params.id, request.body.slotId),
  );

  app.post(
    '/v1/provider/slots',
    {
      config: { policy: { allow: ['provider', 'scope:provider:jobs'], record: 'own-provider' } },
      schema: {
        tags: ['appointments'],
        summary: 'Publish availability: a slot for one of my appointment services (and a specialty)',
        body: SlotBody,
        response: { 201: SlotView, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const slot = await appointments.publishSlot(actorOf(request), {
        ...request.body,
        startsAt: new Date(request.body.startsAt),
      });
      return reply.status(201).send(presentSlot(slot));
    },
  );

  app.get(
    '/v1/providers/:id/slots',
    {
      config: {
        policy: {
          allow: [
            'customer',
            'agent',
            'supervisor',
            'admin',
            'provider',
            'scope:cases:write',
            'scope:provider:jobs',
          ],
          record: 'none',
        },
      },
      schema: {
        tags: ['appointments'],
        summary: "A provider's open slots (with room left) over the next days",
        params: CaseParams,
        querystring: Type.Object(
          {
            serviceCode: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
            specialty: Type.Optional(Type.String({ minLength: 2, maxLength: 80 })),
            days: Type.Optional(BoundedInteger(1, 60, { description: 'How many days ahead (default 14)' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(SlotView) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      data: (
        await appointments.openSlots(request.params.id, { ...request.query, days: request.query.days ?? 14 })
      ).map(presentSlot),
    }),
  );
};
