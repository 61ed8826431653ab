import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { mexicoCityDate, mexicoCityTime } from '../../lib/clock.ts';
import { actorOf } from '../../platform/auth.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { PageLimit } from '../../platform/schemas.ts';
import { MembershipParams } from '../members/schemas.ts';
import {
  ChargeParams,
  ChargesExportQuery,
  ChargesQuery,
  ChargeTotals,
  ChargeView,
  RefundBody,
  RefundsExportQuery,
  RefundView,
  RunBody,
  RunParams,
  RunView,
} from './schemas.ts';
import type { BillingService } from './service.ts';

/**
 * A customer reads their own charges; staff who serve members read anyone's (audited); the bank,
 * which carries the money, reads them with the keys that read memberships.
 */
const CHARGE_READERS = [
  'customer',
  'agent',
  'supervisor',
  'finance',
  'admin',
  'scope:memberships:read',
  'scope:memberships:write',
] as const;
/** A CSV answer streamed as it is read, named `<name>-<day>.csv` for the download. */
function sendCsv(reply: FastifyReply, name: string, csv: AsyncGenerator<string>) {
  return (
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}-${mexicoCityDate(new Date())}.csv"`)
      // A stream is sent as it is read, past the serializer; the typed reply only knows the schema.
      .send(Readable.from(csv) as unknown as string)
  );
}

/** Money moves only by finance's hand. */
const FINANCE = ['finance'] as const;
const BILLING_VIEWERS = ['finance', 'admin'] as const;

export const billingRoutes: FastifyPluginAsyncTypebox<{ billing: BillingService }> = async (
  app,
  { billing },
) => {
  app.get(
    '/v1/memberships/:id/charges',
    {
      config: { policy: { allow: CHARGE_READERS, record: 'membership' } },
      schema: {
        tags: ['billing'],
        summary: 'A membership’s charges, newest period first, each with its attempts, refunds and receipt',
        params: MembershipParams,
        response: {
          200: Type.Object({ data: Type.Array(ChargeView) }),
          ...problemResponses(401, 403, 404, 428),
        },
      },
    },
    async (request) => ({ data: await billing.chargesOfMembership(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/charges',
    {
      config: { policy: { allow: BILLING_VIEWERS, record: 'charge' } },
      schema: {
        tags: ['billing'],
        summary:
          'Charges for finance, newest first: filtered by membership number, Mexico City days, status or period, with the totals of the whole filter (audited)',
        querystring: ChargesQuery,
        response: {
          200: Type.Object({ data: Type.Array(ChargeView), totals: ChargeTotals }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => billing.list(actorOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/v1/charges/export',
    {
      config: { policy: { allow: BILLING_VIEWERS, record: 'charge' } },
      schema: {
        tags: ['billing'],
        summary:
          'The filtered charges as CSV for Excel (UTF-8 with BOM, Spanish headers, pesos, Mexico City dates), streamed (audited)',
        querystring: ChargesExportQuery,
        response: {
          200: {
            description: '`text/csv`: one row per charge, newest first; the layout is in docs/api.md',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const csv = await billing.exportCsv(actorOf(request), request.query);
      const day = mexicoCityDate(new Date());
      return (
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="cobros-${day}.csv"`)
          // A stream is sent as it is read, past the serializer; the typed reply only knows the schema.
          .send(Readable.from(csv) as unknown as string)
      );
    },
  );

  app.get(
    '/v1/refunds/export',
    {
      config: { policy: { allow: BILLING_VIEWERS, record: 'refund' } },
      schema: {
        tags: ['billing'],
        summary:
          'Refunds as CSV for Excel (UTF-8 with BOM, Spanish headers, pesos, Mexico City dates), filtered by status, membership number and days, streamed (audited)',
        querystring: RefundsExportQuery,
        response: {
          200: {
            description: '`text/csv`: one row per refund, newest first; the layout is in docs/api.md',
            content: { 'text/csv': { schema: Type.String() } },
          },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) =>
      sendCsv(reply, 'reembolsos', await billing.exportRefundsCsv(actorOf(request), request.query)),
  );

  app.get(
    '/v1/charges/:id',
    {
      config: { policy: { allow: CHARGE_READERS, record: 'charge' } },
      schema: {
        tags: ['billing'],
        summary: 'A charge and, once paid, its receipt: base, IVA 16 %, total, card, period and CFDI data',
        params: ChargeParams,
        response: { 200: ChargeView, ...problemResponses(401, 403, 404, 428) },
      },
    },
    async (request) => billing.charge(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/charges/:id/retry',
    {
      config: { policy: { allow: FINANCE, record: 'charge' } },
      schema: {
        tags: ['billing'],
        summary: 'Try a declined charge again now, with the card on file',
        params: ChargeParams,
        response: { 200: ChargeView, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => billing.retry(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/charges/:id/refunds',
    {
      config: { policy: { allow: FINANCE, record: 'charge' } },
      schema: {
        tags: ['billing'],
        summary: 'Refund all or part of a paid charge, with a reason (never more than was charged)',
        params: ChargeParams,
        headers: IdempotencyHeaders,
        body: RefundBody,
        response: { 201: RefundView, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await billing.refund(
        actorOf(request),
        request.params.id,
        request.body,
        request.headers['idempotency-key'],
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.refund);
    },
  );

  app.post(
    '/v1/billing/runs',
    {
      config: { policy: { allow: FINANCE, record: 'billing_run' } },
      schema: {
        tags: ['billing'],
        summary:
          'Start a billing run now (or at a past instant): charges what is due, retries, reconciles; answers at once (202)',
        body: RunBody,
        response: { 202: RunView, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const at = request.body.at ? mexicoCityTime(request.body.at) : undefined;
      return reply.status(202).send(await billing.startRun(actorOf(request), at));
    },
  );

  app.get(
    '/v1/billing/runs',
    {
      config: { policy: { allow: BILLING_VIEWERS, record: 'billing_run' } },
      schema: {
        tags: ['billing'],
        summary: 'Recent billing runs, newest first',
        querystring: Type.Object(
          { limit: Type.Optional(PageLimit(100, 20)) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(RunView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ data: await billing.runs(request.query.limit ?? 20) }),
  );

  app.get(
    '/v1/billing/runs/:id',
    {
      config: { policy: { allow: BILLING_VIEWERS, record: 'billing_run' } },
      schema: {
        tags: ['billing'],
        summary: 'A billing run: its status, progress and summary',
        params: RunParams,
        response: { 200: RunView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => billing.runView(request.params.id),
  );
};
