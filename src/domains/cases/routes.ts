import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { loggableError } from '../../platform/error-log.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { isStaff } from '../../platform/principal.ts';
import { BoundedInteger } from '../../platform/schemas.ts';
import type { SlotRow } from '../appointments/repository.ts';
import type { CaseEventsHub } from './live.ts';
import {
  AssignmentBody,
  BookingBody,
  CancelBody,
  CaseBody,
  CaseListQuery,
  CaseParams,
  CaseView,
  ExcessBody,
  ProviderJobView,
  SlaTargetBody,
  SlaTargetView,
  SlotBody,
  SlotView,
  StatusBody,
} from './schemas.ts';
import type { CasesService } from './service.ts';

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

// Finance reaches claims only (the service narrows it).
const FOLLOWERS = ['customer', 'agent', 'supervisor', 'finance', 'admin', 'scope:cases:read'] as const;
const REQUESTERS = ['customer', 'agent', 'supervisor', 'scope:cases:write'] as const;
/** Seconds between SSE comments that keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export const casesRoutes: FastifyPluginAsyncTypebox<{ cases: CasesService; hub: CaseEventsHub }> = async (
  app,
  { cases, hub },
) => {
  const streams = new Set<ServerResponse>();
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const raw of streams) raw.end();
  });

  app.post(
    '/v1/cases',
    {
      config: { policy: { allow: REQUESTERS, record: 'membership' } },
      schema: {
        tags: ['cases'],
        summary:
          'Open an assistance case: eligibility is decided and stored; an allowed case is offered to the nearest provider',
        headers: IdempotencyHeaders,
        body: CaseBody,
        response: { 201: CaseView, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await cases.request(actorOf(request), request.body, request.headers['idempotency-key']);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/v1/cases',
    {
      config: {
        policy: { allow: ['customer', 'agent', 'supervisor', 'finance', 'admin'], record: 'own-cases' },
      },
      schema: {
        tags: ['cases'],
        summary:
          'The case queue (staff; `overdue=true` for cases past their SLA target) or my cases (customer)',
        querystring: CaseListQuery,
        response: { 200: Type.Object({ data: Type.Array(CaseView) }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({
      data: await cases.list(actorOf(request), {
        states: request.query.state as never,
        membershipId: request.query.membershipId,
        overdue: request.query.overdue,
        fulfilment: request.query.fulfilment,
        limit: request.query.limit ?? 50,
      }),
    }),
  );

  app.get(
    '/v1/cases/live',
    {
      config: { policy: { allow: ['agent', 'supervisor'], record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          'Follow every case live (Server-Sent Events; the case board): `event: changed` with the case id whenever any case gets a timeline event',
        response: {
          200: {
            description:
              '`text/event-stream`: `event: changed`, `data: {"caseId": "…"}`; read the case or the list for what changed',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...problemResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      await cases.openBoardStream(actorOf(request));
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        // Personal data: no cache keeps it (src/platform/cache-control.ts does this for other answers).
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      });
      raw.write('retry: 3000\n\n');
      streams.add(raw);
      const unsubscribe = hub.subscribeAll((caseId) => {
        if (!raw.writableEnded) raw.write(`event: changed\ndata: ${JSON.stringify({ caseId })}\n\n`);
      });
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(raw);
      });
    },
  );

  app.get(
    '/v1/cases/:id',
    {
      config: { policy: { allow: FOLLOWERS, record: 'case' } },
      schema: {
        tags: ['cases'],
        summary: 'A case with its timeline (staff also see the offers made)',
        params: CaseParams,
        response: { 200: CaseView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => cases.get(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/cases/:id/events',
    {
      config: { policy: { allow: FOLLOWERS, record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          'Follow a case live (Server-Sent Events): its timeline so far, then each new event as it happens. Resumes after `Last-Event-ID`.',
        params: CaseParams,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })) }),
        response: {
          200: {
            description:
              '`text/event-stream`: `id` is the event number, `event` its type, `data` the event as JSON',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const caseId = request.params.id;
      await cases.openStream(actorOf(request), caseId);
      const staff = isStaff(request.principal);
      let sent = Number(request.headers['last-event-id'] ?? 0);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        // Personal data: no cache keeps it (src/platform/cache-control.ts does this for other answers).
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      });
      raw.write('retry: 3000\n\n');
      streams.add(raw);
      // One read at a time, always from the last event sent: nothing is skipped or repeated.
      let queue = Promise.resolve();
      const pump = () => {
        queue = queue
          .then(async () => {
            if (raw.writableEnded) return;
            const { events, kase } = await cases.eventsAfter(caseId, sent, staff);
            for (const event of events) {
              const snapshot = kase
                ? {
                    state: kase.state,
                    eta: kase.etaAt ? { minutes: kase.etaMinutes, at: kase.etaAt.toISOString() } : null,
                  }
                : null;
              raw.write(
                `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event, case: snapshot })}\n\n`,
              );
              sent = event.seq;
            }
          })
          .catch((error: unknown) =>
            request.log.warn({ err: loggableError(error) }, 'case stream read failed'),
          );
      };
      const unsubscribe = hub.subscribe(caseId, pump);
      pump();
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(raw);
      });
    },
  );

  app.post(
    '/v1/cases/:id/cancel',
    {
      config: { policy: { allow: REQUESTERS, record: 'case' } },
      schema: {
        tags: ['cases'],
        summary: 'Cancel a case before the provider arrives; the reserved use is given back',
        params: CaseParams,
        body: CancelBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => cases.cancel(actorOf(request), request.params.id, request.body.reason),
  );

  app.post(
    '/v1/cases/:id/excess-acceptance',
    {
      config: { policy: { allow: REQUESTERS, record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          'Accept (or reject) the excess of a tow quoted above its cap; accepting dispatches it. An agent answers for a caller on the phone.',
        params: CaseParams,
        body: ExcessBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => cases.answerExcess(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/v1/cases/:id/assignment',
    {
      config: { policy: { allow: ['agent', 'supervisor'], record: 'case' } },
      schema: {
        tags: ['cases'],
        summary: 'Assign a provider by hand, with a reason (the automatic offer is withdrawn)',
        params: CaseParams,
        body: AssignmentBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => cases.assignByHand(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/v1/cases/:id/status',
    {
      config: {
        policy: { allow: ['provider', 'scope:provider:jobs', 'agent', 'supervisor'], record: 'job' },
      },
      schema: {
        tags: ['provider'],
        summary: 'Report progress: en route, on site, completed (with the final cost)',
        params: CaseParams,
        body: StatusBody,
        response: { 200: ProviderJobView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => cases.reportStatus(actorOf(request), request.params.id, request.body),
  );

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
    async (request) => cases.book(actorOf(request), request.params.id, request.body.slotId),
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
      const slot = await cases.publishSlot(actorOf(request), {
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
        await cases.openSlots(request.params.id, { ...request.query, days: request.query.days ?? 14 })
      ).map(presentSlot),
    }),
  );

  app.get(
    '/v1/sla-targets',
    {
      config: { policy: { allow: ['agent', 'supervisor', 'admin'], record: 'none' } },
      schema: {
        tags: ['cases'],
        summary: 'Time targets per service: to dispatch and to arrival, in minutes from the request',
        response: { 200: Type.Object({ data: Type.Array(SlaTargetView) }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ data: await cases.slaTargets() }),
  );

  app.put(
    '/v1/sla-targets/:serviceCode',
    {
      config: { policy: { allow: ['supervisor', 'admin'], record: 'none' } },
      schema: {
        tags: ['cases'],
        summary: "Set a service's time targets (new cases use them)",
        params: Type.Object({ serviceCode: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }) }),
        body: SlaTargetBody,
        response: { 200: SlaTargetView, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => cases.setSlaTarget(actorOf(request), request.params.serviceCode, request.body),
  );
};
