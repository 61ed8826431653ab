import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { MembershipParams } from '../members/schemas.ts';
import { CancellationBody, CancellationPreview, CancellationView } from './schemas.ts';
import type { CancellationService } from './service.ts';

/** The customer (their own, contracted online) and the phone line's agents. */
const CANCELLERS = ['customer', 'agent', 'supervisor'] as const;

export const cancellationRoutes: FastifyPluginAsyncTypebox<{ cancellation: CancellationService }> = async (
  app,
  { cancellation },
) => {
  app.get(
    '/v1/memberships/:id/cancellation',
    {
      config: { policy: { allow: CANCELLERS, record: 'membership' } },
      schema: {
        tags: ['cancellation'],
        summary:
          'What cancelling now would do: online or by phone, the 30-day refund decision with its reasons, coverage end',
        params: MembershipParams,
        response: { 200: CancellationPreview, ...problemResponses(401, 403, 404, 428, 451) },
      },
    },
    async (request) => cancellation.preview(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/memberships/:id/cancellation',
    {
      config: { policy: { allow: CANCELLERS, record: 'membership' } },
      schema: {
        tags: ['cancellation'],
        summary:
          'Cancel at once: no more charges, coverage to the end of the period paid, or refund within 30 days without use',
        params: MembershipParams,
        body: CancellationBody,
        response: { 201: CancellationView, ...problemResponses(400, 401, 403, 404, 409, 422, 428, 451) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await cancellation.cancel(actorOf(request), request.params.id, request.body)),
  );
};
