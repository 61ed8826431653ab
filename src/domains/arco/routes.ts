import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { IdempotencyHeaders } from '../../platform/idempotency/schemas.ts';
import { problemResponses } from '../../platform/openapi.ts';
import {
  ArcoAnswerBody,
  ArcoBody,
  ArcoDeliveryQuery,
  ArcoListQuery,
  ArcoParams,
  ArcoRequestList,
  ArcoRequestView,
} from './schemas.ts';
import type { ArcoService } from './service.ts';

/** The titular files from the portal (staff take phone requests by filing nothing: decisions). */
const FILERS = ['customer'] as const;
/** The titular (own), the privacy office and supervisors (every request; audited). */
const READERS = ['customer', 'privacy', 'supervisor'] as const;
/** Who answers: the privacy office, and supervisors where there is none. */
const WORKERS = ['privacy', 'supervisor'] as const;

export const arcoRoutes: FastifyPluginAsyncTypebox<{ arco: ArcoService }> = async (app, { arco }) => {
  app.post(
    '/v1/arco-requests',
    {
      config: { policy: { allow: FILERS, record: 'own-membership' } },
      schema: {
        tags: ['privacy'],
        summary:
          'File an ARCO request (access, rectification, cancellation, opposition) on my data; answered within 20 business days',
        headers: IdempotencyHeaders,
        body: ArcoBody,
        response: { 201: ArcoRequestView, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const result = await arco.file(actorOf(request), request.body, request.headers['idempotency-key']);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/v1/arco-requests',
    {
      config: { policy: { allow: READERS, record: 'own-arco-requests' } },
      schema: {
        tags: ['privacy'],
        summary:
          'ARCO requests: a customer their own (newest first); staff the queue, unanswered by due date (audited)',
        querystring: ArcoListQuery,
        response: { 200: ArcoRequestList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => arco.list(actorOf(request), request.query),
  );

  app.get(
    '/v1/arco-requests/:id',
    {
      config: { policy: { allow: READERS, record: 'arco-request' } },
      schema: {
        tags: ['privacy'],
        summary: 'An ARCO request with its due date, business days left and answer',
        params: ArcoParams,
        response: { 200: ArcoRequestView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => arco.get(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/arco-requests/:id/answer',
    {
      config: { policy: { allow: WORKERS, record: 'arco-request' } },
      schema: {
        tags: ['privacy'],
        summary:
          'Answer an ARCO request once: accepted (access: the data is delivered; rectification: corrected; cancellation: blocked; opposition: recorded) or refused with the reason',
        params: ArcoParams,
        body: ArcoAnswerBody,
        response: { 200: ArcoRequestView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => arco.answer(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/arco-requests/:id/delivery',
    {
      config: { policy: { allow: READERS, record: 'arco-request' } },
      schema: {
        tags: ['privacy'],
        summary:
          'The data delivered for an accepted access request, as a download: JSON, a readable HTML page (`format=html`) or a PDF (`format=pdf`)',
        params: ArcoParams,
        querystring: ArcoDeliveryQuery,
        produces: ['application/json', 'text/html', 'application/pdf'],
        response: {
          200: Type.Unsafe<string | Buffer>({
            type: 'string',
            description: 'The JSON document, the HTML page or the PDF',
          }),
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const file = await arco.delivery(actorOf(request), request.params.id, request.query.format ?? 'json');
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .send(file.body);
    },
  );
};
