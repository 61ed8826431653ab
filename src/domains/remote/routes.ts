import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { Nullable } from '../../platform/schemas.ts';
import { CaseParams, CaseView } from '../cases/schemas.ts';
import type { RemoteService } from './service.ts';

export const remoteRoutes: FastifyPluginAsyncTypebox<{ remote: RemoteService }> = async (app, { remote }) => {
  app.get(
    '/v1/remote/queue',
    {
      config: { policy: { allow: ['doctor', 'lawyer', 'medical_supervisor', 'supervisor'], record: 'case' } },
      schema: {
        tags: ['remote'],
        summary: 'Remote consultations waiting for a professional of my kind, oldest first (overdue flagged)',
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String({ format: 'uuid' }),
                number: Type.String(),
                serviceCode: Type.String(),
                personName: Type.String(),
                description: Type.String(),
                callbackPhone: Type.String(),
                requestedAt: Type.String({ format: 'date-time' }),
                dueAt: Nullable(Type.String({ format: 'date-time' })),
                overdue: Type.Boolean(),
              }),
            ),
          }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => ({ data: await remote.queue(actorOf(request)) }),
  );

  app.post(
    '/v1/cases/:id/take',
    {
      config: { policy: { allow: ['doctor', 'lawyer'], record: 'case' } },
      schema: {
        tags: ['remote'],
        summary: 'Take a waiting remote consultation (one professional only; the use is reserved)',
        params: CaseParams,
        response: { 200: CaseView, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => remote.take(actorOf(request), request.params.id),
  );

  app.post(
    '/v1/cases/:id/outcome',
    {
      config: { policy: { allow: ['doctor', 'lawyer'], record: 'case' } },
      schema: {
        tags: ['remote'],
        summary: 'Close my consultation with a short outcome note (sensitive: read only by whom it concerns)',
        params: CaseParams,
        body: Type.Object(
          { note: Type.String({ minLength: 3, maxLength: 4000 }) },
          { additionalProperties: false },
        ),
        response: { 200: CaseView, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => remote.close(actorOf(request), request.params.id, request.body.note),
  );

  app.get(
    '/v1/cases/:id/notes',
    {
      config: {
        policy: {
          allow: ['customer', 'doctor', 'lawyer', 'medical_supervisor', 'supervisor'],
          record: 'case',
        },
      },
      schema: {
        tags: ['remote'],
        summary:
          "A consultation's outcome notes: the customer, the professional and medical supervisors (legal: supervisors); every read audited",
        params: CaseParams,
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.String(),
                author: Type.String(),
                body: Type.String(),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => ({ data: await remote.notes(actorOf(request), request.params.id) }),
  );
};
