import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { mexicoCityDate } from '../../lib/clock.ts';
import { actorOf } from '../../platform/auth.ts';
import { loggableError } from '../../platform/error-log.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { isStaff } from '../../platform/principal.ts';
import type { CaseState } from './lifecycle.ts';
import type { CaseEventsHub } from './live.ts';
import { FOLLOWERS, REQUESTERS } from './policies.ts';
import {
  CancelBody,
  CaseBody,
  CaseListQuery,
  CaseParams,
  CasesExportQuery,
  CaseView,
  PlaceBody,
  RatingBody,
  SlaTargetBody,
  SlaTargetView,
} from './schemas.ts';
import type { CasesService } from './service.ts';

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
    '/v1/cases/export',
    {
      config: { policy: { allow: ['supervisor', 'finance', 'admin'], record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          'Cases as CSV for Excel (UTF-8 with BOM, Spanish headers, Mexico City dates; no address or notes), filtered like the queue and by request days, streamed (audited; finance: claims only)',
        querystring: CasesExportQuery,
        response: {
          200: {
            description: '`text/csv`: one row per case, newest first; the layout is in docs/api.md',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="casos-${mexicoCityDate(new Date())}.csv"`)
        // A stream is sent as it is read, past the serializer; the typed reply only knows the schema.
        .send(
          Readable.from(
            await cases.exportCsv(actorOf(request), {
              ...request.query,
              state: request.query.state as CaseState[] | undefined,
            }),
          ) as unknown as string,
        ),
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
        response: {
          200: Type.Object({ data: Type.Array(CaseView) }),
          ...problemResponses(400, 401, 403, 428, 451),
        },
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
    '/v1/cases/:id/rating',
    {
      config: { policy: { allow: ['customer'], record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          'The customer rates a completed case of their own: 1–5 and an optional comment, once (409 `CASE_ALREADY_RATED` after)',
        params: CaseParams,
        body: RatingBody,
        response: { 201: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await cases.rate(actorOf(request), request.params.id, request.body)),
  );

  app.put(
    '/v1/cases/:id/place',
    {
      config: { policy: { allow: ['agent', 'supervisor'], record: 'case' } },
      schema: {
        tags: ['cases'],
        summary:
          "Correct the case's place (the console's pin): the point, optionally the address as it now reads and a reported accuracy. Precision `exact` unless the accuracy says coarser; refused once the case is closed",
        params: CaseParams,
        body: PlaceBody,
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => cases.movePlace(actorOf(request), request.params.id, request.body),
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
